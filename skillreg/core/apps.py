from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "skillreg.core"
    label = "core"
    verbose_name = "基础"
