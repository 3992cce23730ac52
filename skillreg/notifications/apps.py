from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "skillreg.notifications"
    label = "notifications"
