from django.core.management.base import BaseCommand, CommandError

from skillreg.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools: `audit verify` checks the HMAC-SM3 chain."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链校验失败：{report.problem}（已校验 {report.checked} 条）")
        self.stdout.write(f"审计链完好：{report.checked} 条记录")
