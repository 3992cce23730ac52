"""Re-run a completed 双随机 draw from its published seed and registers and say whether it matches (CQ-25)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from skillreg.supervision.selectors import draw_check, plan_assignments, public_plan


class Command(BaseCommand):
    help = "复核双随机抽取结果：用公布的随机种子和名录重新抽取，比对是否一致"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", type=int, help="抽查计划编号")
        parser.add_argument("--seed", help="用另一个随机种子重新抽取（用于比对）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = public_plan(options["plan"])
        except Http404:
            raise CommandError("未找到该抽查计划") from None
        if not plan.result:
            raise CommandError("该计划尚未抽取，随机种子未公布")
        check = draw_check(plan, options.get("seed"))
        yes = {True: "一致", False: "不一致", None: "未检查"}
        self.stdout.write(f"计划：{plan.title}")
        self.stdout.write(f"随机种子与事先公布的承诺值：{yes[check.seed_matches]}")
        self.stdout.write(f"公布的名录与名录摘要：{yes[check.snapshot_matches]}")
        self.stdout.write(f"当前数据库中基准日的名录与公布的名录：{yes[check.register_unchanged]}")
        self.stdout.write(f"重新抽取结果与公布结果：{yes[check.result_matches]}")
        for code, name, keys in plan_assignments(plan):
            self.stdout.write(f"  {name}（{code}）：{'、'.join(keys)}")
        if not check.ok:
            raise CommandError("复核不通过：" + (check.error or "重新抽取的结果与公布的不一致"))
        self.stdout.write(self.style.SUCCESS("复核通过：重新抽取的结果与公布的一致"))
