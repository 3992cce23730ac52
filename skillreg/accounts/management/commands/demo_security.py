"""Demo only: the security and audit administrators (三员分立) and second factors for every demo login that
needs one, printed so that the demo can be used without enrolling a phone. Run after ``manage.py demo``
(scripts/run does). Refused unless SKILLREG_DEBUG is on."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.accounts.middleware import otp_required
from skillreg.accounts.services import _new_recovery_codes

ADMINS = [
    ("secadmin", "security_admin", "安全管理员（演示）"),
    ("auditadmin", "audit_admin", "审计管理员（演示）"),
]


class Command(BaseCommand):
    help = "Demo only: security/audit administrators and TOTP devices with printed secrets and recovery codes."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not settings.DEBUG:
            raise CommandError("demo_security 只用于演示环境（SKILLREG_DEBUG=1）")
        from skillreg.applications.demo import DEMO_PASSWORD

        User = get_user_model()
        for username, role, name in ADMINS:
            if not User.objects.filter(username=username).exists():
                user = User(username=username, role=role, display_name=name)
                user.set_password(DEMO_PASSWORD)
                user.save()
        self.stdout.write(f"安全管理员 secadmin、审计管理员 auditadmin（密码同为 {DEMO_PASSWORD}）。")
        self.stdout.write("演示账号的动态口令密钥（填入手机验证器，或 `oathtool --totp -b 密钥`）与恢复码：")
        for user in User.objects.order_by("role", "username"):
            if not otp_required(user):
                continue
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="演示", confirmed=True)
            static = StaticDevice.objects.filter(user=user).first()
            codes = [t.token for t in static.token_set.all()] if static else _new_recovery_codes(user)
            secret = b32encode(device.bin_key).decode()
            self.stdout.write(f"  {user.username:<14} {secret}  恢复码：{' '.join(codes[:3])} …")
