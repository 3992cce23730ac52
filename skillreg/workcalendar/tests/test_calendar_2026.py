"""Real 2026 data (国务院办公厅关于2026年部分节假日安排的通知) as shipped in chinesecalendar 1.11.0.

The dates are written here by hand from the State Council's notice so the tests fail if the
library's data or our reading of it is wrong:
  春节 2月15日(日)–23日(一) 放假，2月14日(六)、2月28日(六) 上班
  中秋 9月25日(五)–27日(日) 放假
  国庆 10月1日(四)–7日(三) 放假，9月20日(日)、10月10日(六) 上班
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from skillreg.workcalendar.calendar import WorkCalendar
from skillreg.workcalendar.sources import ChineseCalendarSource, YearOrigin

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(i) for i in range((last - first).days + 1)]


def test_library_range_is_2004_to_2026_and_raises_outside() -> None:
    source = ChineseCalendarSource()
    assert source.supported_years == range(2004, 2027)
    chinese_calendar.is_workday(D(2026, 12, 31))  # inside: no error
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2003, 12, 31))


def test_library_labels_the_2026_adjusted_working_days() -> None:
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 14)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 28)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2026, 9, 20)) == (False, "National Day")
    assert chinese_calendar.get_holiday_detail(D(2026, 10, 10)) == (False, "National Day")


def test_spring_festival_2026(cal: WorkCalendar) -> None:
    assert D(2026, 2, 14).weekday() == 5 and cal.is_workday(D(2026, 2, 14))  # Saturday, adjusted
    assert cal.is_adjusted_workday(D(2026, 2, 14))
    for day in days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not cal.is_workday(day), day
        assert cal.is_holiday_day_off(day), day
    assert cal.is_workday(D(2026, 2, 13))  # Friday before
    assert cal.is_workday(D(2026, 2, 24))  # Tuesday after
    assert D(2026, 2, 28).weekday() == 5 and cal.is_workday(D(2026, 2, 28))  # Saturday, adjusted
    assert not cal.is_workday(D(2026, 3, 1))  # ordinary Sunday
    assert not cal.is_workday(D(2026, 2, 21))  # Saturday inside the break


def test_national_day_and_mid_autumn_2026(cal: WorkCalendar) -> None:
    assert D(2026, 9, 20).weekday() == 6 and cal.is_workday(D(2026, 9, 20))  # Sunday, adjusted
    for day in days(D(2026, 9, 25), D(2026, 9, 27)):  # 中秋
        assert not cal.is_workday(day), day
    assert cal.is_workday(D(2026, 9, 28)) and cal.is_workday(D(2026, 9, 30))
    for day in days(D(2026, 10, 1), D(2026, 10, 7)):
        assert not cal.is_workday(day), day
    assert cal.is_workday(D(2026, 10, 8)) and cal.is_workday(D(2026, 10, 9))
    assert D(2026, 10, 10).weekday() == 5 and cal.is_workday(D(2026, 10, 10))  # Saturday, adjusted
    assert not cal.is_workday(D(2026, 10, 11))  # ordinary Sunday


def test_2026_is_confirmed_not_provisional(cal: WorkCalendar) -> None:
    assert cal.year_origin(2026) is YearOrigin.CHINESECALENDAR
    assert not cal.is_provisional(D(2026, 12, 31))
    assert cal.is_provisional(D(2027, 1, 1))
    assert cal.year_origin(2027) is YearOrigin.NONE


def test_five_working_days_before_national_day(cal: WorkCalendar) -> None:
    # Mon 28 Sep: 29(1) 30(2) | 1–7 Oct off | 8(3) 9(4) 10 Sat adjusted(5)
    due = cal.add_working_days(D(2026, 9, 28), 5)
    assert due.date == D(2026, 10, 10)
    assert not due.provisional
    # from Wed 30 Sep the holiday is crossed whole: 8(1) 9(2) 10(3) 12(4) 13(5)
    assert cal.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 13)


def test_five_working_days_across_spring_festival(cal: WorkCalendar) -> None:
    # Thu 12 Feb: 13(1) 14 Sat adjusted(2) | 15–23 off | 24(3) 25(4) 26(5)
    assert cal.add_working_days(D(2026, 2, 12), 5).date == D(2026, 2, 26)


def test_thirty_calendar_days_ending_on_holiday_roll_to_next_working_day(cal: WorkCalendar) -> None:
    due = cal.add_calendar_days(D(2026, 9, 1), 30)  # nominal Thu 1 Oct, a holiday
    assert due.date == D(2026, 10, 8)
    assert due.rolled_from == D(2026, 10, 1)
    assert not due.provisional


def test_calendar_days_ending_on_plain_weekend_roll_to_monday(cal: WorkCalendar) -> None:
    due = cal.add_calendar_days(D(2026, 5, 7), 30)  # nominal Sat 6 Jun
    assert (due.date, due.rolled_from) == (D(2026, 6, 8), D(2026, 6, 6))


def test_calendar_days_ending_on_adjusted_working_saturday_do_not_roll(cal: WorkCalendar) -> None:
    due = cal.add_calendar_days(D(2026, 9, 10), 30)  # Sat 10 Oct is a working day
    assert (due.date, due.rolled_from) == (D(2026, 10, 10), None)


def test_roll_forward_can_be_switched_off(cal: WorkCalendar) -> None:
    assert cal.add_calendar_days(D(2026, 9, 1), 30, roll_forward=False).date == D(2026, 10, 1)
    off = WorkCalendar(ChineseCalendarSource(), roll_forward=False)
    assert off.add(D(2026, 9, 1), 30, "calendar_days").date == D(2026, 10, 1)


def test_every_day_of_the_library_years_matches_chinese_calendar(cal: WorkCalendar) -> None:
    for day in days(D(2004, 1, 1), D(2026, 12, 31)):
        assert cal.is_workday(day) is chinese_calendar.is_workday(day), day
