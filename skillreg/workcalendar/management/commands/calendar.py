"""``manage.py calendar`` — working days and statutory deadlines for staff and admins.

    calendar is-workday [DATE]
    calendar add DATE N --unit working_days|calendar_days
    calendar import FILE [--dry-run]
    calendar years [--through YEAR]

Thin: parsing and arithmetic live in the pure core, writes in services, reads in selectors.
Bad input ends with a Chinese message, its code, and a non-zero exit; an import is all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillreg.core import clock
from skillreg.workcalendar.calendar import Due, WorkCalendar, parse_count, parse_date
from skillreg.workcalendar.errors import CalendarError
from skillreg.workcalendar.holidays import load_holiday_year_file
from skillreg.workcalendar.selectors import calendar_year_statuses, get_calendar
from skillreg.workcalendar.services import holiday_year_import
from skillreg.workcalendar.sources import YearOrigin, chinese_calendar_source
from skillreg.workcalendar.units import Unit

PROVISIONAL = "暂定 provisional"


def _provisional_note(years: tuple[int, ...]) -> str:
    listed = "、".join(str(y) for y in years)
    return (
        f"{PROVISIONAL}：{listed} 年没有已确认的国务院放假安排，按周一至周五计算；"
        "导入该年度放假安排后结果可能变化（manage.py calendar import FILE）。"
    )


class Command(BaseCommand):
    help = "工作日历：判断工作日、推算法定期限、导入国务院放假安排、查看各年度数据来源。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{is-workday,add,import,years}")
        p = sub.add_parser("is-workday", help="判断某日是否为工作日（默认今天）")
        p.add_argument("date", nargs="?", help="日期 YYYY-MM-DD")
        p = sub.add_parser("add", help="从起算日推算期限截止日（起算日不计入）")
        p.add_argument("date", help="起算日 YYYY-MM-DD")
        p.add_argument("n", help="期限天数（非负整数）")
        p.add_argument("--unit", required=True, help="working_days（工作日）或 calendar_days（自然日）")
        p = sub.add_parser("import", help="导入一个年度的放假安排文件（YAML 或 JSON）")
        p.add_argument("file", help="放假安排文件路径，格式见 docs/holiday-year-format.md")
        p.add_argument("--dry-run", action="store_true", help="只校验，不导入")
        p = sub.add_parser("years", help="列出各年度及其数据来源")
        p.add_argument("--through", type=int, default=None, help="列到该年度为止（默认明年）")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "is-workday": self.is_workday,
            "add": self.add,
            "import": self.import_file,
            "years": self.years,
        }[options["action"]]
        try:
            handler(options)
        except CalendarError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc

    # --- subcommands ----------------------------------------------------------------------------
    def is_workday(self, options: dict[str, Any]) -> None:
        day = parse_date(options["date"]) if options["date"] else clock.today()
        calendar = get_calendar()
        line = calendar.describe_day(day)
        if calendar.is_provisional(day):
            line += f" {PROVISIONAL}"
        self.stdout.write(line)
        self.stdout.write(f"数据来源：{calendar.year_origin(day.year).label}")

    def add(self, options: dict[str, Any]) -> None:
        unit = Unit.parse(options["unit"])
        start = parse_date(options["date"])
        n = parse_count(options["n"])
        calendar = get_calendar()
        due = calendar.add(start, n, unit)
        self.stdout.write(due.date.isoformat() + (f" {PROVISIONAL}" if due.provisional else ""))
        self._explain(calendar, start, n, unit, due)

    def _explain(self, calendar: WorkCalendar, start: dt.date, n: int, unit: Unit, due: Due) -> None:
        self.stdout.write(f"起算日：{calendar.describe_day(start)}（当日不计入，自次日起算）")
        self.stdout.write(f"期限：{n} 个{unit.label}")
        if due.rolled_from is not None:
            self.stdout.write(
                f"期间最后一日 {calendar.describe_day(due.rolled_from)}，依民法典第二百零三条顺延至其后第一个工作日。"
            )
        self.stdout.write(f"截止日：{calendar.describe_day(due.date)}")
        if due.provisional:
            self.stdout.write(_provisional_note(due.provisional_years))

    def import_file(self, options: dict[str, Any]) -> None:
        parsed = load_holiday_year_file(options["file"])
        summary = (
            f"{parsed.year} 年放假安排（{parsed.notice_number}，{parsed.notice_date.isoformat()}）："
            f"放假 {len(parsed.days_off)} 天，调休上班 {len(parsed.adjusted_working_days)} 天"
        )
        if options["dry_run"]:
            self.stdout.write(f"校验通过，未导入（--dry-run）：{summary}。")
            return
        replacing = get_calendar().year_origin(parsed.year) is YearOrigin.IMPORTED
        holiday_year_import(data=parsed, actor=None)
        self.stdout.write(self.style.SUCCESS(f"已导入 {summary}。"))
        if replacing:
            self.stdout.write(f"已替换此前导入的 {parsed.year} 年数据。")
        if parsed.year in chinese_calendar_source().supported_years:
            self.stdout.write(f"注意：{parsed.year} 年的导入数据优先于 chinesecalendar 库内置数据。")

    def years(self, options: dict[str, Any]) -> None:
        through = options["through"] or clock.today().year + 1
        for status in calendar_year_statuses(through_year=through):
            if status.origin is YearOrigin.IMPORTED:
                detail = f"{status.notice_number}，{status.notice_date.isoformat() if status.notice_date else ''}"
                if status.overrides_chinesecalendar:
                    detail += "，覆盖 chinesecalendar"
                line = f"{status.year}  imported  管理员导入（{detail}）"
            elif status.origin is YearOrigin.CHINESECALENDAR:
                line = f"{status.year}  chinesecalendar  库内置数据"
            else:
                line = f"{status.year}  none  {PROVISIONAL}：无已确认的放假安排，按周一至周五计算"
            self.stdout.write(line)
