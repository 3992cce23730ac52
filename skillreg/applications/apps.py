from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "skillreg.applications"
    label = "applications"
    verbose_name = "备案申请"
