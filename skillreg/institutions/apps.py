from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "skillreg.institutions"
    label = "institutions"
    verbose_name = "评价机构与备案"
