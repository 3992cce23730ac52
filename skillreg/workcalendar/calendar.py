"""The working-day calendar and deadline arithmetic. Pure: no Django imports.

Counting follows the Civil Code (see docs/decisions.md, "Statutory clock: counting"):

* 第二百零一条 — the start day is not counted; counting begins the next day.
* 第二百零三条 — a limit whose last day is a rest day ends on the next working day. We read
  法定休假日 as every day that is not a working day under the State Council's arrangement:
  ordinary weekends and holiday days off roll forward; an adjusted working Saturday/Sunday
  (调休上班日) does not. ``roll_forward=False`` turns the rule off for calendar-day limits.
  Working-day limits always end on a working day, so the rule never changes them.

A year without confirmed data is computed as Monday–Friday, and any result that counts, crosses
or ends in such a year is *provisional*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skillreg.workcalendar import errors
from skillreg.workcalendar.errors import CalendarError
from skillreg.workcalendar.sources import (
    HolidaySource,
    YearOrigin,
    YearRule,
    default_source,
)
from skillreg.workcalendar.units import Unit

ONE_DAY = dt.timedelta(days=1)
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@dataclass(frozen=True)
class Due:
    """The last day of a time limit.

    ``provisional`` is true when any counted day, crossed day or the due day itself lies in a year
    without confirmed holiday data (``provisional_years`` lists them). ``rolled_from`` is the
    nominal last day when 第二百零三条 moved the end off a rest day.
    """

    date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...] = ()
    rolled_from: dt.date | None = None


def _check_date(value: object, what: str = "日期") -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise CalendarError(errors.BAD_DATE, f"{what}“{value}”应为日期（不含时间）。")
    return value


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarError(errors.BAD_COUNT, f"期限天数“{n}”应为整数。")
    if n < 0:
        raise CalendarError(errors.NEGATIVE_COUNT, f"期限天数不能为负数（收到 {n}）。")
    return n


def _step(day: dt.date, days: int = 1) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise CalendarError(
            errors.DATE_OUT_OF_RANGE,
            f"从 {day.isoformat()} 推算的日期超出了可表示的范围。",
        ) from None


def parse_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` (as typed on the command line) or raise ``CalendarError(CALENDAR_BAD_DATE)``."""
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CalendarError(errors.BAD_DATE, f"日期“{text}”无效，应写成 YYYY-MM-DD，例如 2026-10-08。") from None


def parse_count(text: str | int) -> int:
    """Parse a day count (as typed on the command line): a non-negative integer."""
    if isinstance(text, int) and not isinstance(text, bool):
        return _check_count(text)
    try:
        value = int(str(text).strip())
    except ValueError:
        raise CalendarError(errors.BAD_COUNT, f"期限天数“{text}”应为非负整数。") from None
    return _check_count(value)


class WorkCalendar:
    """Working days under the State Council's arrangement, built from a ``HolidaySource``."""

    def __init__(self, source: HolidaySource | None = None, *, roll_forward: bool = True) -> None:
        self.source = source if source is not None else default_source()
        self.roll_forward = roll_forward
        self._rules: dict[int, YearRule | None] = {}

    # --- days -------------------------------------------------------------------------------
    def rule_for(self, year: int) -> YearRule | None:
        if year not in self._rules:
            self._rules[year] = self.source.rule_for(year)
        return self._rules[year]

    def year_origin(self, year: int) -> YearOrigin:
        rule = self.rule_for(year)
        return rule.origin if rule is not None else YearOrigin.NONE

    def is_workday(self, day: dt.date) -> bool:
        day = _check_date(day)
        rule = self.rule_for(day.year)
        if rule is not None:
            if day in rule.working_days:
                return True
            if day in rule.days_off:
                return False
        return day.weekday() < 5

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def is_holiday_day_off(self, day: dt.date) -> bool:
        """A day off under a confirmed arrangement (节假日放假/调休), as opposed to a plain weekend."""
        rule = self.rule_for(_check_date(day).year)
        return rule is not None and day in rule.days_off

    def is_adjusted_workday(self, day: dt.date) -> bool:
        """A Saturday or Sunday that is a working day under the arrangement (调休上班日)."""
        rule = self.rule_for(_check_date(day).year)
        return rule is not None and day in rule.working_days

    def is_provisional(self, day: dt.date) -> bool:
        """True when ``day``'s year has no confirmed data (computed as Monday–Friday)."""
        return self.rule_for(_check_date(day).year) is None

    def provisional_years(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """Years in the closed range [first, last] that have no confirmed data."""
        low, high = sorted((first.year, last.year))
        return tuple(y for y in range(low, high + 1) if self.rule_for(y) is None)

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day = _step(_check_date(day))
        while not self.is_workday(day):
            day = _step(day)
        return day

    def describe_day(self, day: dt.date) -> str:
        """A short Chinese description: weekday, working or rest day, and why."""
        weekday = WEEKDAY_NAMES[day.weekday()]
        if self.is_adjusted_workday(day):
            kind = "工作日（调休上班）"
        elif self.is_holiday_day_off(day):
            kind = "休息日（节假日放假）"
        elif self.is_workday(day):
            kind = "工作日"
        else:
            kind = "休息日（周末）"
        return f"{day.isoformat()} {weekday} {kind}"

    # --- limits -----------------------------------------------------------------------------
    def _due(self, start: dt.date, due: dt.date, rolled_from: dt.date | None = None) -> Due:
        first = _step(start) if due > start else due
        years = self.provisional_years(first, due)
        return Due(
            date=due,
            provisional=bool(years),
            provisional_years=years,
            rolled_from=rolled_from,
        )

    def add(self, start: dt.date, n: int, unit: Unit | str) -> Due:
        """The last day of a limit of ``n`` ``unit`` counted from ``start`` (start day not counted)."""
        unit = Unit.parse(unit)
        if unit is Unit.WORKING_DAYS:
            return self.add_working_days(start, n)
        return self.add_calendar_days(start, n)

    def add_working_days(self, start: dt.date, n: int) -> Due:
        """The ``n``-th working day after ``start``; ``n == 0`` is ``start`` itself."""
        start, n = _check_date(start, "起算日"), _check_count(n)
        day, counted = start, 0
        while counted < n:
            day = _step(day)
            if self.is_workday(day):
                counted += 1
        return self._due(start, day)

    def add_calendar_days(self, start: dt.date, n: int, *, roll_forward: bool | None = None) -> Due:
        """``start`` + ``n`` days; if that day is a rest day and rolling is on, the next working day."""
        start, n = _check_date(start, "起算日"), _check_count(n)
        roll = self.roll_forward if roll_forward is None else roll_forward
        nominal = _step(start, n)
        if n > 0 and roll and not self.is_workday(nominal):
            return self._due(start, self.next_workday(nominal), rolled_from=nominal)
        return self._due(start, nominal)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b] — ``a`` not counted, ``b`` counted; negative when ``b < a``.

        Inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n).date) == n``.
        """
        a, b = _check_date(a), _check_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day = _step(day)
            if self.is_workday(day):
                count += 1
        return count
