"""Reads of the working-day calendar.

``get_calendar()`` is how every other app gets the calendar: imported holiday years (database) layered
over the chinesecalendar library, with the counting settings applied. It is cached per process and
rebuilt when the holiday-year table changes (a cheap version query per call), so an import made in
another process is seen by the next call here.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max

from skillreg.workcalendar.calendar import WorkCalendar
from skillreg.workcalendar.models import HolidayDay, HolidayYear
from skillreg.workcalendar.sources import (
    LayeredSource,
    StaticSource,
    YearOrigin,
    YearRule,
    chinese_calendar_source,
)

ROLL_FORWARD_SETTING = "SKILLREG_CALENDAR_DAYS_ROLL_FORWARD"

_lock = threading.Lock()
_local_version = 0
_cached: tuple[tuple[object, ...], WorkCalendar] | None = None


def invalidate_calendar_cache() -> None:
    """Drop this process's cached calendar (services call it after a committed import)."""
    global _local_version, _cached
    with _lock:
        _local_version += 1
        _cached = None


def _db_version() -> tuple[object, ...]:
    agg = HolidayYear.objects.aggregate(n=Count("id"), last=Max("imported_at"), top=Max("id"))
    return agg["n"], agg["last"], agg["top"]


def calendar_version() -> tuple[object, ...]:
    """What the calendar in force is made of, comparable across processes and nodes: the roll-forward setting,
    the imported years (count, latest import, latest id) and the chinesecalendar release. Data derived from
    the calendar (the deadline index) records it and is recomputed when it changes."""
    import chinese_calendar

    return (roll_forward_enabled(), *_db_version(), getattr(chinese_calendar, "__version__", ""))


def imported_rules() -> list[YearRule]:
    """Every imported year as a pure ``YearRule``."""
    days_by_year: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
    for year, day, kind in HolidayDay.objects.values_list("year__year", "date", "kind"):
        off, work = days_by_year.setdefault(year, (set(), set()))
        (off if kind == HolidayDay.Kind.OFF else work).add(day)
    rules = []
    for row in HolidayYear.objects.all():
        off, work = days_by_year.get(row.year, (set(), set()))
        rules.append(
            YearRule(
                year=row.year,
                origin=YearOrigin.IMPORTED,
                days_off=frozenset(off),
                working_days=frozenset(work),
                notice_number=row.notice_number,
                notice_date=row.notice_date,
            )
        )
    return rules


def roll_forward_enabled() -> bool:
    return bool(getattr(settings, ROLL_FORWARD_SETTING, True))


def get_calendar() -> WorkCalendar:
    """The calendar in force: imported years override chinesecalendar; other years are provisional."""
    global _cached
    roll_forward = roll_forward_enabled()
    key = (_local_version, roll_forward, *_db_version())
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    source = LayeredSource(StaticSource(imported_rules()), chinese_calendar_source())
    calendar = WorkCalendar(source, roll_forward=roll_forward)
    with _lock:
        _cached = (key, calendar)
    return calendar


@dataclass(frozen=True)
class YearStatus:
    year: int
    origin: YearOrigin
    notice_number: str = ""
    notice_date: dt.date | None = None
    imported_at: dt.datetime | None = None
    overrides_chinesecalendar: bool = False

    @property
    def provisional(self) -> bool:
        return self.origin is YearOrigin.NONE


def calendar_year_statuses(*, through_year: int) -> list[YearStatus]:
    """Every year from the first known one to ``max(last known, through_year)``, with its source."""
    library = chinese_calendar_source()
    imported = {row.year: row for row in HolidayYear.objects.all()}
    known = set(library.supported_years) | set(imported)
    first = min(known | {through_year})
    last = max(known | {through_year})
    statuses = []
    for year in range(first, last + 1):
        row = imported.get(year)
        if row is not None:
            statuses.append(
                YearStatus(
                    year=year,
                    origin=YearOrigin.IMPORTED,
                    notice_number=row.notice_number,
                    notice_date=row.notice_date,
                    imported_at=row.imported_at,
                    overrides_chinesecalendar=year in library.supported_years,
                )
            )
        elif year in library.supported_years:
            statuses.append(YearStatus(year=year, origin=YearOrigin.CHINESECALENDAR))
        else:
            statuses.append(YearStatus(year=year, origin=YearOrigin.NONE))
    return statuses
