from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "skillreg.evaluations"
    label = "evaluations"
    verbose_name = "评价计划"
