from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "skillreg.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .db import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="skillreg.audit.sqlite_function")
