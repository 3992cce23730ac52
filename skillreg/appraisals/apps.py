from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "skillreg.appraisals"
    verbose_name = "定期评估"
    default_auto_field = "django.db.models.BigAutoField"
