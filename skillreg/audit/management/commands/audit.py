from django.core.management.base import BaseCommand, CommandError

from skillreg.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Audit trail tools: `audit verify` checks the HMAC-SM3 chain and its last signed checkpoint; "
        "`audit checkpoint` writes a signed checkpoint of the head outside the database."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["action"] == "checkpoint":
            from skillreg.audit.checkpoint import checkpoint_write

            cp = checkpoint_write(kind="manual")
            self.stdout.write(f"已写入检查点：末条记录 #{cp.seq}" if cp else "审计记录为空，未写入检查点")
            return
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链校验失败：{report.problem}（已校验 {report.checked} 条）")
        self.stdout.write(f"审计链完好：{report.checked} 条记录")
