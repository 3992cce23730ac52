from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "skillreg.portal"
    label = "portal"
