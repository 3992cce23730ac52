from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillreg.accounts"
    label = "accounts"
    verbose_name = "用户与机关"

    def ready(self) -> None:
        from . import signals

        signals.connect()
