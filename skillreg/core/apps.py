from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "skillreg.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .db import allow_explicit_prepare

        connection_created.connect(allow_explicit_prepare, dispatch_uid="skillreg.core.explicit_prepare")
