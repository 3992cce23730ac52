"""Property tests of the deadline arithmetic over real (2004–2026) and provisional (2027+) years."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from skillreg.workcalendar.calendar import WorkCalendar
from skillreg.workcalendar.sources import ChineseCalendarSource

CAL = WorkCalendar(ChineseCalendarSource())
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2029, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@settings(max_examples=300, deadline=None, database=None)
@given(dates, st.integers(min_value=1, max_value=400))
def test_due_is_a_working_day_after_start(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n).date
    assert due > start
    assert CAL.is_workday(due)


@settings(max_examples=300, deadline=None, database=None)
@given(dates, counts, counts)
def test_monotonic_in_n(start: dt.date, n: int, m: int) -> None:
    n, m = sorted((n, m))
    a, b = CAL.add_working_days(start, n).date, CAL.add_working_days(start, m).date
    assert a <= b
    if n < m:
        assert a < b


@settings(max_examples=300, deadline=None, database=None)
@given(dates, counts)
def test_working_days_between_inverts_add(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due.date) == n
    if n >= 1:  # the due day is the first day reaching n
        assert CAL.working_days_between(start, due.date - dt.timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None, database=None)
@given(dates, counts)
def test_calendar_days(start: dt.date, n: int) -> None:
    nominal = start + dt.timedelta(days=n)
    rolled = CAL.add_calendar_days(start, n)
    plain = CAL.add_calendar_days(start, n, roll_forward=False)
    assert plain.date == nominal
    assert rolled.date >= nominal
    if n >= 1:
        assert CAL.is_workday(rolled.date)
        # nothing between the nominal day and the rolled due day is a working day
        day = nominal
        while day < rolled.date:
            assert not CAL.is_workday(day)
            day += dt.timedelta(days=1)
    assert (rolled.rolled_from is not None) == (rolled.date != nominal)


@settings(max_examples=300, deadline=None, database=None)
@given(dates, counts, st.sampled_from(["working_days", "calendar_days"]))
def test_provisional_iff_some_counted_year_is_unknown(start: dt.date, n: int, unit: str) -> None:
    due = CAL.add(start, n, unit)
    first = start + dt.timedelta(days=1) if n else start
    assert due.provisional == (due.date.year >= 2027)
    assert due.provisional_years == tuple(range(max(first.year, 2027), due.date.year + 1))
