from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillreg.core.errors import DomainError
from skillreg.core.ops.backup import restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` (replaces the database and the uploads). Stop the server first."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("source", help="the backup directory (skillreg-YYYYmmdd-HHMMSS)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not options["yes"]:
            answer = input("恢复将覆盖当前数据库和上传文件。确认请输入 yes：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消")
        try:
            result = restore(Path(options["source"]))
        except DomainError as exc:
            raise CommandError(exc.message) from None
        expected = result["manifest"]["audit_head"]
        if not result["chain_ok"]:
            raise CommandError(f"已恢复，但审计链校验失败：{result['problem']}")
        if result["head"] != expected:
            raise CommandError(f"已恢复，但审计链尾 {result['head']} 与备份清单 {expected} 不符")
        from skillreg.audit.checkpoint import checkpoint_write

        checkpoint_write(kind="restore")  # the restored head is the new anchor (issue 12, item 12)
        self.stdout.write(f"恢复完成：审计链完好，末条记录 #{expected['seq']}")
