from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "skillreg.deadlines"
    label = "deadlines"
