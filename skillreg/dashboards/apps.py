from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "skillreg.dashboards"
    label = "dashboards"
    verbose_name = "统计图表"
