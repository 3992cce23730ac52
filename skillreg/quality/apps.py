from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "skillreg.quality"
    label = "quality"
    verbose_name = "质量督导"
