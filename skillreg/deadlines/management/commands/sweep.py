"""``manage.py sweep [--dry-run [--on YYYY-MM-DD]] [--json]`` — run the statutory-clock sweep now.

``manage.py sweep --reindex`` recomputes the deadline index (what the deadline dashboard reads) from every open
case and does nothing else; ``--dry-run`` reports how many cases it differs in (docs/deployment.md).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillreg.core import clock
from skillreg.deadlines import index
from skillreg.deadlines.sweep import sweep
from skillreg.workcalendar.calendar import parse_date
from skillreg.workcalendar.errors import CalendarError


class Command(BaseCommand):
    help = "扫描法定期限：逾期视为受理/视为放弃、有效期届满自动终止、暂定期限转人工确认、发送提醒。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发生的处理，不作任何更改")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="按指定日期演练（须与 --dry-run 一起使用）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument(
            "--reindex", action="store_true", help="只按办理记录重新计算全部在办案件的期限（期限看板读取的数据）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reindex"]:
            if options["dry_run"] or options["on"] is not None:
                raise CommandError("--reindex 不能与 --dry-run、--on 一起使用")
            state = index.rebuild(reason="命令行")
            self.stdout.write(
                f"期限索引已重新计算：{state.cases} 件在办案件、{state.rows} 个届满日（{state.seconds:.1f} 秒）"
            )
            return
        on = None
        if options["on"] is not None:
            try:
                on = parse_date(options["on"])
            except CalendarError as exc:
                raise CommandError(f"--on 参数有误：{exc.message}") from None
            if not options["dry_run"]:
                raise CommandError(
                    "--on 只能与 --dry-run 一起使用：按模拟日期演练，不会真正作出处理；"
                    f"正式扫描总是按今天（{clock.today():%Y-%m-%d}）计算。"
                )
        report = sweep(today=on, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for line in report.lines():
                self.stdout.write(line)
        if report.errors:
            for err in report.errors[:20]:
                self.stderr.write(err)
            raise CommandError(f"扫描完成，但有 {len(report.errors)} 个案件处理失败，详见日志。")
