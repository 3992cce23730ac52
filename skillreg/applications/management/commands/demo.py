from django.core.management.base import BaseCommand

from skillreg.applications.demo import DEMO_PASSWORD, demo_loaded, load_demo
from skillreg.certificates.demo import verification_samples


class Command(BaseCommand):
    help = "Load demo institutions in every state and demo users of every role (idempotent), and print the logins."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        already = demo_loaded()
        logins = load_demo()
        self.stdout.write("演示数据已存在，未重复载入。" if already else "演示数据已载入。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(u) for u, _r, _d in logins)
        for username, role, desc in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}  {desc}")
        samples = verification_samples()
        if samples:
            self.stdout.write("证书公开查询示例（/verify/，无需登录；证书编号 + 姓名）：")
            for number, name, status in samples:
                self.stdout.write(f"  {number}  {name}  {status}")
