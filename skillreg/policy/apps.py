from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "skillreg.policy"
    label = "policy"
    verbose_name = "规则包"
