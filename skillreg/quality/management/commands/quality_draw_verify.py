"""``manage.py quality_draw_verify <选派编号> [--seed S]``: re-run a supervisor draw from its stored register and
parameters and say whether seed, register and result agree (人社职司便函〔2020〕53号; the draw of supervision.draw)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from skillreg.quality.selectors import draw_by_id, draw_check


class Command(BaseCommand):
    help = "复核一次质量督导员随机选派：种子与承诺值、名录摘要、重新抽取结果"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("draw_id", type=int)
        parser.add_argument("--seed", default=None, help="用另一随机种子重新抽取（结果应不一致）")

    def handle(self, *args: Any, **options: Any) -> None:
        row = draw_by_id(options["draw_id"])
        if row is None:
            raise CommandError("没有该选派记录")
        check = draw_check(row, options["seed"])
        self.stdout.write(f"承诺值：{row.seed_hash}")
        self.stdout.write(f"种子与承诺值一致：{'是' if check.seed_matches else '否'}")
        self.stdout.write(f"名录摘要一致：{'是' if check.snapshot_matches else '否'}")
        chosen = "、".join(check.rerun.chosen) if check.rerun else "—"
        self.stdout.write(f"重新抽取：{chosen}（原结果：{'、'.join(row.result.get('chosen', []))}）")
        if not check.ok:
            raise CommandError("复核不通过" + (f"：{check.error}" if check.error else ""))
        self.stdout.write("复核通过")
