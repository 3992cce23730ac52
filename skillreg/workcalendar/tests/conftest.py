"""Shared fixtures of the workcalendar tests. The pure ones touch no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillreg.workcalendar.calendar import WorkCalendar
from skillreg.workcalendar.holidays import HolidayYear, load_holiday_year_file
from skillreg.workcalendar.sources import ChineseCalendarSource, StaticSource, default_source

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_2027 = FIXTURES / "2027-test.yaml"  # invented data, see the file's header


@pytest.fixture
def cal() -> WorkCalendar:
    """chinesecalendar only (2004–2026 confirmed); 2027 onwards provisional."""
    return WorkCalendar(ChineseCalendarSource())


@pytest.fixture
def year_2027() -> HolidayYear:
    """The invented 2027 test year (TEST FIXTURE, not the real arrangement)."""
    return load_holiday_year_file(FIXTURE_2027)


@pytest.fixture
def cal_with_2027(year_2027: HolidayYear) -> WorkCalendar:
    """chinesecalendar plus the invented 2027 year, as if imported."""
    return WorkCalendar(default_source([year_2027]))


@pytest.fixture
def cal_empty() -> WorkCalendar:
    """No confirmed data at all: every year Monday–Friday and provisional."""
    return WorkCalendar(StaticSource())
