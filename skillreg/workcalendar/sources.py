"""Where the holiday arrangement of a year comes from. Pure: no Django imports.

A ``HolidaySource`` answers, for a year, the confirmed arrangement (a ``YearRule``) or ``None``
when it has no confirmed data. Sources compose with ``LayeredSource``: the first source that knows
a year wins, so imported years (admins) override the chinesecalendar library.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import chinese_calendar

from skillreg.workcalendar.holidays import HolidayYear


class YearOrigin(enum.StrEnum):
    CHINESECALENDAR = "chinesecalendar"
    IMPORTED = "imported"
    NONE = "none"

    @property
    def label(self) -> str:
        return _ORIGIN_LABELS[self]


_ORIGIN_LABELS = {
    YearOrigin.CHINESECALENDAR: "chinesecalendar 库内置的国务院放假安排",
    YearOrigin.IMPORTED: "管理员导入的国务院放假安排",
    YearOrigin.NONE: "无已确认的放假安排，按周一至周五计算，期限为暂定（provisional）",
}


@dataclass(frozen=True)
class YearRule:
    """A year with confirmed data: the days off and the adjusted working days (调休上班日)."""

    year: int
    origin: YearOrigin
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date]
    notice_number: str = ""
    notice_date: dt.date | None = None

    @classmethod
    def from_holiday_year(cls, hy: HolidayYear, origin: YearOrigin = YearOrigin.IMPORTED) -> YearRule:
        return cls(
            year=hy.year,
            origin=origin,
            days_off=hy.days_off,
            working_days=hy.adjusted_working_days,
            notice_number=hy.notice_number,
            notice_date=hy.notice_date,
        )


@runtime_checkable
class HolidaySource(Protocol):
    def rule_for(self, year: int) -> YearRule | None:
        """The confirmed arrangement of ``year``, or ``None`` if this source has none."""
        ...

    def years(self) -> Iterable[int]:
        """Every year this source has confirmed data for."""
        ...


class ChineseCalendarSource:
    """The ``chinese_calendar`` package's built-in data (2004–2026 in version 1.11.0).

    The package supports exactly the years between the first and last keys of its ``holidays``
    table and raises ``NotImplementedError`` outside them; we read the same bounds instead of
    calling it and catching the exception.
    """

    def __init__(self) -> None:
        holidays = chinese_calendar.holidays
        workdays = chinese_calendar.workdays
        self.supported_years = range(min(holidays).year, max(holidays).year + 1)
        off: dict[int, set[dt.date]] = {y: set() for y in self.supported_years}
        work: dict[int, set[dt.date]] = {y: set() for y in self.supported_years}
        for day in holidays:
            off[day.year].add(day)
        for day in workdays:
            work.setdefault(day.year, set()).add(day)
        self._rules = {
            y: YearRule(
                y,
                YearOrigin.CHINESECALENDAR,
                frozenset(off[y]),
                frozenset(work.get(y, ())),
            )
            for y in self.supported_years
        }

    def rule_for(self, year: int) -> YearRule | None:
        return self._rules.get(year)

    def years(self) -> Iterable[int]:
        return iter(self.supported_years)


class StaticSource:
    """Years held in memory, e.g. parsed holiday-year files or rows loaded from the database."""

    def __init__(self, rules: Iterable[YearRule | HolidayYear] = ()) -> None:
        self._rules: dict[int, YearRule] = {}
        for rule in rules:
            if isinstance(rule, HolidayYear):
                rule = YearRule.from_holiday_year(rule)
            self._rules[rule.year] = rule

    def rule_for(self, year: int) -> YearRule | None:
        return self._rules.get(year)

    def years(self) -> Iterable[int]:
        return iter(sorted(self._rules))


class LayeredSource:
    """The first source that knows a year wins (put overrides first)."""

    def __init__(self, *sources: HolidaySource) -> None:
        self.sources = sources

    def rule_for(self, year: int) -> YearRule | None:
        for source in self.sources:
            rule = source.rule_for(year)
            if rule is not None:
                return rule
        return None

    def years(self) -> Iterable[int]:
        return iter(sorted({y for s in self.sources for y in s.years()}))


class EmptySource:
    """No confirmed data at all: every year is Monday–Friday and provisional."""

    def rule_for(self, year: int) -> YearRule | None:
        return None

    def years(self) -> Iterable[int]:
        return iter(())


@functools.cache
def chinese_calendar_source() -> ChineseCalendarSource:
    """One shared, immutable instance per process."""
    return ChineseCalendarSource()


def default_source(imported: Iterable[YearRule | HolidayYear] = ()) -> HolidaySource:
    """Imported years over chinesecalendar — the production layering."""
    return LayeredSource(StaticSource(imported), chinese_calendar_source())
