from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    name = "skillreg.annualreports"
    label = "annualreports"
    verbose_name = "年度工作总结"

    def ready(self) -> None:
        # The dashboards' report-timeliness chart reads this app's judgement of each filing's reports (issue 15).
        from skillreg.dashboards import sources

        from .selectors import timeliness_by_year

        sources.register("report_timeliness", timeliness_by_year)
