from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "skillreg.deadlines"
    label = "deadlines"

    def ready(self) -> None:
        from skillreg.workcalendar.signals import calendar_changed

        from .tasks import calendar_changed_reindex

        calendar_changed.connect(calendar_changed_reindex, dispatch_uid="deadlines.reindex_on_calendar_change")
