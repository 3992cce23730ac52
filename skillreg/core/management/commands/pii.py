"""Personal-data keys: ``pii status`` counts ciphertexts by version and key; ``pii rekey`` rewrites every
encrypted value under the current data key, bound to its row (v2), and with ``--reindex`` recomputes the
blind indexes (after a new SKILLREG_INDEX_KEY).

Rotation: generate a new key, set SKILLREG_DATA_KEY=<new> and SKILLREG_DATA_KEY_ID=k2, move the old one to
SKILLREG_OLD_DATA_KEYS="k1:<old>", restart, run ``pii rekey``, check ``pii status`` shows only k2, then drop
the old key. Batches commit one at a time (each with an audit record), so a rekey may be interrupted and
run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from skillreg.core import crypto
from skillreg.core.pii_keys import rekey, status


class Command(BaseCommand):
    help = "Personal-data encryption: `pii status`, `pii rekey [--reindex] [--batch N]`."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["status", "rekey"])
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--reindex", action="store_true", help="recompute blind indexes (new index key)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["action"] == "status":
            self.stdout.write(f"当前数据密钥：{crypto.provider().current_key_id()}")
            for column, counts in status().items():
                text = "、".join(f"{k} {n} 条" for k, n in sorted(counts.items())) or "无数据"
                self.stdout.write(f"  {column}: {text}")
            return
        done = rekey(batch=options["batch"], reindex=options["reindex"])
        for label, n in done.items():
            self.stdout.write(f"  {label}: 重写 {n} 行")
        self.stdout.write("完成。")
