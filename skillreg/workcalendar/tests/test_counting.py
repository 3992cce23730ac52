"""Counting rules: start day not counted (第二百零一条), roll forward (第二百零三条), provisional years."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.workcalendar import errors
from skillreg.workcalendar.calendar import Due, WorkCalendar, parse_count, parse_date
from skillreg.workcalendar.errors import CalendarError
from skillreg.workcalendar.units import Unit

D = dt.date


def test_start_day_is_not_counted(cal: WorkCalendar) -> None:
    monday = D(2026, 3, 2)
    assert cal.add_working_days(monday, 1).date == D(2026, 3, 3)
    assert cal.add_calendar_days(monday, 1).date == D(2026, 3, 3)
    assert cal.add_working_days(D(2026, 3, 6), 1).date == D(2026, 3, 9)  # Fri → Mon
    assert cal.add_working_days(D(2026, 10, 3), 1).date == D(2026, 10, 8)  # start on a holiday
    assert cal.working_days_between(monday, D(2026, 3, 3)) == 1


def test_zero_is_the_start_day_itself(cal: WorkCalendar) -> None:
    sunday = D(2026, 3, 1)
    assert cal.add_working_days(sunday, 0) == Due(sunday, False)
    assert cal.add_calendar_days(sunday, 0) == Due(sunday, False)


def test_add_dispatches_on_unit(cal: WorkCalendar) -> None:
    start = D(2026, 9, 28)
    assert cal.add(start, 5, Unit.WORKING_DAYS) == cal.add_working_days(start, 5)
    assert cal.add(start, 5, "calendar_days") == cal.add_calendar_days(start, 5)


def test_ninety_days_technical_evaluation(cal: WorkCalendar) -> None:
    # CQ-11: 90 days from acceptance on Mon 6 Jul 2026 → Sun 4 Oct (holiday) → Thu 8 Oct
    due = cal.add(D(2026, 7, 6), 90, Unit.CALENDAR_DAYS)
    assert (due.date, due.rolled_from) == (D(2026, 10, 8), D(2026, 10, 4))


def test_late_december_limit_crossing_into_unknown_2027_is_provisional(cal: WorkCalendar) -> None:
    # Mon 28 Dec 2026: 29(1) 30(2) 31(3), then 2027 computed Mon–Fri: Fri 1 Jan(4), Mon 4 Jan(5)
    due = cal.add_working_days(D(2026, 12, 28), 5)
    assert due == Due(D(2027, 1, 4), True, (2027,))
    assert cal.add_calendar_days(D(2026, 12, 20), 30).provisional
    assert cal.add_calendar_days(D(2026, 12, 20), 30).date == D(2027, 1, 19)


def test_same_limit_is_final_once_2027_is_known(cal_with_2027: WorkCalendar) -> None:
    # invented 2027 fixture: 1–3 Jan off → 29(1) 30(2) 31(3) 4 Jan(4) 5 Jan(5)
    due = cal_with_2027.add_working_days(D(2026, 12, 28), 5)
    assert due == Due(D(2027, 1, 5), False, ())


def test_limit_inside_a_known_year_is_not_provisional(cal: WorkCalendar) -> None:
    assert not cal.add_working_days(D(2026, 12, 21), 3).provisional
    assert not cal.add_calendar_days(D(2026, 12, 1), 30).provisional  # ends Thu 31 Dec


def test_start_day_in_unknown_year_alone_does_not_make_provisional() -> None:
    from skillreg.workcalendar.sources import StaticSource, YearOrigin, YearRule

    only_2031 = StaticSource([YearRule(2031, YearOrigin.IMPORTED, frozenset(), frozenset())])
    cal = WorkCalendar(only_2031)
    assert not cal.add_working_days(D(2030, 12, 31), 2).provisional  # counts Jan 1, 2 2031
    assert cal.add_working_days(D(2030, 12, 31), 0).provisional  # due day itself is 2030


def test_provisional_years_cover_every_crossed_year(cal: WorkCalendar) -> None:
    due = cal.add_calendar_days(D(2026, 6, 1), 1000)
    assert due.provisional_years == (2027, 2028, 2029)


def test_unknown_year_is_monday_to_friday(cal_empty: WorkCalendar) -> None:
    assert cal_empty.is_workday(D(2026, 10, 1))  # a Thursday; no data → working day
    assert not cal_empty.is_workday(D(2026, 10, 10))  # a Saturday; no data → rest day
    assert cal_empty.is_provisional(D(2026, 10, 1))


def test_next_workday_and_describe(cal: WorkCalendar) -> None:
    assert cal.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
    assert cal.describe_day(D(2026, 10, 10)) == "2026-10-10 星期六 工作日（调休上班）"
    assert cal.describe_day(D(2026, 10, 1)) == "2026-10-01 星期四 休息日（节假日放假）"
    assert cal.describe_day(D(2026, 10, 11)) == "2026-10-11 星期日 休息日（周末）"


def test_working_days_between_is_signed(cal: WorkCalendar) -> None:
    assert cal.working_days_between(D(2026, 9, 28), D(2026, 10, 10)) == 5
    assert cal.working_days_between(D(2026, 10, 10), D(2026, 9, 28)) == -5
    assert cal.working_days_between(D(2026, 10, 1), D(2026, 10, 1)) == 0


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda c: c.add_working_days(D(2026, 1, 5), -1), errors.NEGATIVE_COUNT),
        (lambda c: c.add_calendar_days(D(2026, 1, 5), -30), errors.NEGATIVE_COUNT),
        (lambda c: c.add(D(2026, 1, 5), 5, "weeks"), errors.UNKNOWN_UNIT),
        (lambda c: c.add(D(2026, 1, 5), 2.5, "working_days"), errors.BAD_COUNT),
        (lambda c: c.add(D(2026, 1, 5), True, "working_days"), errors.BAD_COUNT),
        (lambda c: c.add_working_days(dt.datetime(2026, 1, 5, 9), 1), errors.BAD_DATE),
        (lambda c: c.add_calendar_days(D.max, 1), errors.DATE_OUT_OF_RANGE),
    ],
)
def test_bad_input_raises_typed_error(cal: WorkCalendar, call, code: str) -> None:
    with pytest.raises(CalendarError) as info:
        call(cal)
    assert info.value.code == code
    assert info.value.message  # Chinese message for people


def test_unit_parse_and_labels() -> None:
    assert Unit.parse("working_days") is Unit.WORKING_DAYS
    assert Unit.parse(" calendar_days ") is Unit.CALENDAR_DAYS
    assert Unit.WORKING_DAYS.label == "工作日" and Unit.CALENDAR_DAYS.label == "自然日"
    with pytest.raises(CalendarError, match="未知的期限单位") as info:
        Unit.parse("months")
    assert info.value.code == errors.UNKNOWN_UNIT


def test_cli_parsers() -> None:
    assert parse_date("2026-10-08") == D(2026, 10, 8)
    assert parse_count("5") == 5
    for bad in ("2026-13-01", "2026-1-1", "明天", ""):
        with pytest.raises(CalendarError) as info:
            parse_date(bad)
        assert info.value.code == errors.BAD_DATE
    with pytest.raises(CalendarError) as info:
        parse_count("-1")
    assert info.value.code == errors.NEGATIVE_COUNT
    with pytest.raises(CalendarError) as info:
        parse_count("five")
    assert info.value.code == errors.BAD_COUNT
