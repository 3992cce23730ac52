"""Create a security or audit administrator (三员分立) on the host: the system administrator cannot do it in
/sysadmin/ (issue 12, item 1), so this needs shell access to the server, which the operator's own separation of
duties governs. The password is read from the terminal (or ``SKILLREG_NEW_ADMIN_PASSWORD`` for automation) and
must be changed at first login; the second factor is enrolled at first login.

    manage.py admin_account create USERNAME --role security_admin|audit_admin [--name 姓名]
"""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from skillreg.accounts.models import SEPARATE_ADMIN_ROLES
from skillreg.accounts.services import separate_admin_create
from skillreg.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a security or audit administrator (三员分立); not possible in /sysadmin/."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=[str(r) for r in SEPARATE_ADMIN_ROLES])
        create.add_argument("--name", default="")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        password = os.environ.get("SKILLREG_NEW_ADMIN_PASSWORD") or getpass.getpass("初始密码：")
        try:
            user = separate_admin_create(
                username=options["username"],
                role=options["role"],
                display_name=options["name"],
                password=password,
                actor="manage.py admin_account",
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建{user.get_role_display()} {user.username}；首次登录须修改密码并绑定动态口令。")
