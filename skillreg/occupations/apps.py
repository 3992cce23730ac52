from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "skillreg.occupations"
    label = "occupations"
    verbose_name = "职业（工种）"
