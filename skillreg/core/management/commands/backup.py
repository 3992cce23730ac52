from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from skillreg.core.ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup / pg_dump) and the uploads into a new directory."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("out_dir", nargs="?", default=str(Path(settings.VAR_DIR) / "backups"))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        target = backup(Path(options["out_dir"]))
        self.stdout.write(f"备份完成：{target}")
