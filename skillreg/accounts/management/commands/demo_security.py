"""Demo only: the security and audit administrators (三员分立) and second factors for every demo login that
needs one, printed so that the demo can be used without enrolling a phone. Run after ``manage.py demo``
(scripts/run does). Refused unless SKILLREG_DEBUG is on or the local demo runs (SKILLREG_LOCAL_DEMO)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from skillreg.accounts.demo import demo_security_load


class Command(BaseCommand):
    help = "Demo only: security/audit administrators and TOTP devices with printed secrets and recovery codes."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not (settings.DEBUG or getattr(settings, "SKILLREG_LOCAL_DEMO", False)):
            raise CommandError("demo_security 只用于演示环境（SKILLREG_DEBUG=1 或本机演示）")
        from skillreg.applications.demo import DEMO_PASSWORD

        logins = demo_security_load(password=DEMO_PASSWORD)
        self.stdout.write(f"安全管理员 secadmin、审计管理员 auditadmin（密码同为 {DEMO_PASSWORD}）。")
        self.stdout.write("演示账号的动态口令密钥（填入手机验证器，或 `oathtool --totp -b 密钥`）与恢复码：")
        for username, secret, codes in logins:
            self.stdout.write(f"  {username:<14} {secret}  恢复码：{' '.join(codes[:3])} …")
