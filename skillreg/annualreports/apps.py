from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    name = "skillreg.annualreports"
    label = "annualreports"
    verbose_name = "年度工作总结"
