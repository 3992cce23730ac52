"""Writes of the working-day calendar: importing a holiday year (国务院放假安排)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.workcalendar.holidays import HolidayYear as ParsedHolidayYear
from skillreg.workcalendar.holidays import parse_holiday_year
from skillreg.workcalendar.models import HolidayDay, HolidayYear
from skillreg.workcalendar.selectors import invalidate_calendar_cache
from skillreg.workcalendar.signals import calendar_changed
from skillreg.workcalendar.sources import chinese_calendar_source


def _snapshot(row: HolidayYear | None) -> dict[str, Any] | None:
    if row is None:
        return None
    days = list(row.days.order_by("date").values_list("date", "kind"))
    return {
        "year": row.year,
        "notice_number": row.notice_number,
        "notice_date": row.notice_date.isoformat(),
        "days_off": [d.isoformat() for d, k in days if k == HolidayDay.Kind.OFF],
        "adjusted_working_days": [d.isoformat() for d, k in days if k == HolidayDay.Kind.WORK],
    }


def _audit(*, actor: Any, action: str, row: HolidayYear, summary: str, before: Any, after: Any) -> None:
    """The single audit call site of this app; runs inside the import's transaction."""
    audit_record(actor=actor, action=action, obj=row, summary=summary, before=before, after=after)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def holiday_year_import(*, data: ParsedHolidayYear | Mapping[str, Any], actor: Any = None) -> HolidayYear:
    """Import one holiday year, replacing any earlier import of the same year. All or nothing.

    ``data`` is a parsed ``HolidayYear`` or a raw mapping in the file format (validated here; a
    ``HolidayFileError`` is raised before anything is written). An imported year overrides the
    chinesecalendar library for that year.
    """
    parsed = data if isinstance(data, ParsedHolidayYear) else parse_holiday_year(data)
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().filter(year=parsed.year).first()
        before = _snapshot(row)
        if row is None:
            row = HolidayYear(year=parsed.year)
        else:
            row.days.all().delete()
        row.notice_number = parsed.notice_number
        row.notice_date = parsed.notice_date
        row.imported_at = clock.now()
        row.imported_by = _user_or_none(actor)
        row.save()
        HolidayDay.objects.bulk_create(
            [HolidayDay(year=row, date=d, kind=HolidayDay.Kind.OFF) for d in sorted(parsed.days_off)]
            + [HolidayDay(year=row, date=d, kind=HolidayDay.Kind.WORK) for d in sorted(parsed.adjusted_working_days)]
        )
        overrides = (
            "（覆盖 chinesecalendar 内置数据）" if parsed.year in chinese_calendar_source().supported_years else ""
        )
        _audit(
            actor=actor,
            action="holiday_year.replace" if before else "holiday_year.import",
            row=row,
            summary=f"导入 {parsed.year} 年放假安排（{parsed.notice_number}）{overrides}",
            before=before,
            after=parsed.to_dict(),
        )
        # Drop the cached calendar now (so this transaction's own reads see the import) and again
        # on commit (so a rebuild raced from the pre-commit state is not kept).
        invalidate_calendar_cache()
        transaction.on_commit(invalidate_calendar_cache)
        transaction.on_commit(lambda: calendar_changed.send(sender=HolidayYear, year=parsed.year))
    return row
