from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillreg.accounts"
    label = "accounts"
    verbose_name = "用户与机关"

    def ready(self) -> None:
        from . import otp_keys, signals

        signals.connect()
        otp_keys.install()  # TOTP secrets sealed with the data key (issue 12, item 17)
