"""Importing holiday years into the database, and the DB-backed calendar (``get_calendar``)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from skillreg.audit.models import AuditRecord
from skillreg.workcalendar import errors, selectors, services
from skillreg.workcalendar.errors import HolidayFileError
from skillreg.workcalendar.holidays import HolidayYear as ParsedYear
from skillreg.workcalendar.models import HolidayDay, HolidayYear
from skillreg.workcalendar.selectors import calendar_year_statuses, get_calendar
from skillreg.workcalendar.services import holiday_year_import
from skillreg.workcalendar.sources import YearOrigin

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def admin_user(django_user_model: Any) -> Any:
    """A system admin: may import calendars, decides no cases."""
    return django_user_model.objects.create_user(username="calendar-admin", password="x-long-password", role="admin")


def small_2027(**changes: Any) -> dict[str, Any]:
    data = {
        "year": 2027,
        "notice_number": "TEST-2027-002（测试）",
        "notice_date": "2026-11-03",
        "days_off": ["2027-01-01"],
        "adjusted_working_days": [],
    }
    data.update(changes)
    return data


def stored_days(year: int) -> dict[dt.date, str]:
    return dict(HolidayDay.objects.filter(year__year=year).values_list("date", "kind"))


def test_import_stores_the_year_and_audits(year_2027: ParsedYear, admin_user: Any) -> None:
    row = holiday_year_import(data=year_2027, actor=admin_user)
    assert (row.year, row.notice_number, row.notice_date) == (2027, year_2027.notice_number, D(2026, 11, 2))
    assert row.imported_by == admin_user and row.imported_at is not None
    days = stored_days(2027)
    assert sum(k == "off" for k in days.values()) == 17 and days[D(2027, 10, 9)] == "work"
    audit = AuditRecord.objects.get(action="holiday_year.import")
    assert audit.object_id == str(row.pk) and audit.actor == admin_user
    assert audit.after is not None and audit.after["days_off"][0] == "2027-01-01"


def test_reimport_replaces_the_days(year_2027: ParsedYear) -> None:
    holiday_year_import(data=year_2027)
    holiday_year_import(data=small_2027())
    assert HolidayYear.objects.get().notice_number == "TEST-2027-002（测试）"
    assert stored_days(2027) == {D(2027, 1, 1): "off"}
    replaced = AuditRecord.objects.get(action="holiday_year.replace")
    assert replaced.before is not None and replaced.after is not None
    assert len(replaced.before["days_off"]) == 17 and replaced.after["days_off"] == ["2027-01-01"]


BAD = [
    (small_2027(days_off=["2027-01-01", "2028-01-01"]), errors.HOLIDAY_DATE_OUTSIDE_YEAR),
    (small_2027(adjusted_working_days=["2027-01-01"]), errors.HOLIDAY_DAY_BOTH_OFF_AND_WORK),
    (small_2027(days_off=["2027-01-01", "2027-01-01"]), errors.HOLIDAY_DUPLICATE_DATE),
    (small_2027(adjusted_working_days=["2027-01-05"]), errors.HOLIDAY_WORKDAY_NOT_WEEKEND),
    (small_2027(days_off=["2027-02-29"]), errors.HOLIDAY_BAD_DATE),
    (small_2027(year="明年"), errors.HOLIDAY_BAD_YEAR),
]


@pytest.mark.parametrize(("data", "code"), BAD)
def test_bad_import_writes_nothing(data: dict[str, Any], code: str) -> None:
    with pytest.raises(HolidayFileError) as info:
        holiday_year_import(data=copy.deepcopy(data))
    assert info.value.code == code
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(("data", "code"), BAD[:4])
def test_bad_reimport_keeps_the_previous_import(year_2027: ParsedYear, data: dict[str, Any], code: str) -> None:
    holiday_year_import(data=year_2027)
    with pytest.raises(HolidayFileError):
        holiday_year_import(data=copy.deepcopy(data))
    assert HolidayYear.objects.get().notice_number == year_2027.notice_number
    assert len(stored_days(2027)) == 21


def test_failure_after_writing_rolls_everything_back(year_2027: ParsedYear, monkeypatch: Any) -> None:
    holiday_year_import(data=small_2027())

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "_audit", broken_audit)
    with pytest.raises(RuntimeError):
        holiday_year_import(data=year_2027)
    assert stored_days(2027) == {D(2027, 1, 1): "off"}
    assert HolidayYear.objects.get().notice_number == "TEST-2027-002（测试）"


def test_late_december_limit_is_provisional_until_2027_is_imported(year_2027: ParsedYear) -> None:
    before = get_calendar().add_working_days(D(2026, 12, 28), 5)
    assert (before.date, before.provisional) == (D(2027, 1, 4), True)
    holiday_year_import(data=year_2027)
    after = get_calendar().add_working_days(D(2026, 12, 28), 5)
    assert (after.date, after.provisional) == (D(2027, 1, 5), False)
    assert get_calendar().year_origin(2027) is YearOrigin.IMPORTED


def test_imported_year_overrides_chinesecalendar() -> None:
    assert get_calendar().is_workday(D(2026, 10, 8))  # the library: 8 Oct 2026 is a working day
    holiday_year_import(
        data={
            "year": 2026,
            "notice_number": "TEST-2026-CORRECTION（测试）",
            "notice_date": "2025-11-04",
            "days_off": ["2026-10-08"],
            "adjusted_working_days": [],
        }
    )
    cal = get_calendar()
    assert not cal.is_workday(D(2026, 10, 8))
    assert cal.is_workday(D(2026, 10, 1))  # the import is the whole truth for that year
    assert cal.year_origin(2026) is YearOrigin.IMPORTED


def test_calendar_is_cached_until_the_table_changes(year_2027: ParsedYear) -> None:
    first = get_calendar()
    assert get_calendar() is first
    holiday_year_import(data=year_2027)
    second = get_calendar()
    assert second is not first
    assert get_calendar() is second


def test_cache_follows_writes_from_elsewhere(year_2027: ParsedYear) -> None:
    """Another process's import is seen: the DB version changes even without our invalidation."""
    first = get_calendar()
    HolidayYear.objects.create(
        year=2031, notice_number="x", notice_date=D(2030, 11, 1), imported_at=dt.datetime.now(dt.UTC)
    )
    assert get_calendar() is not first
    assert not get_calendar().is_provisional(D(2031, 6, 1))


def test_commit_invalidates(year_2027: ParsedYear, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        holiday_year_import(data=year_2027)
    assert selectors.invalidate_calendar_cache in callbacks


def test_roll_forward_setting(settings: Any) -> None:
    assert get_calendar().add(D(2026, 9, 1), 30, "calendar_days").date == D(2026, 10, 8)
    settings.SKILLREG_CALENDAR_DAYS_ROLL_FORWARD = False
    assert get_calendar().add(D(2026, 9, 1), 30, "calendar_days").date == D(2026, 10, 1)


def test_year_statuses(year_2027: ParsedYear) -> None:
    holiday_year_import(data=year_2027)
    statuses = {s.year: s for s in calendar_year_statuses(through_year=2029)}
    assert min(statuses) == 2004 and max(statuses) == 2029
    assert statuses[2026].origin is YearOrigin.CHINESECALENDAR
    assert statuses[2027].origin is YearOrigin.IMPORTED and not statuses[2027].provisional
    assert statuses[2028].provisional and statuses[2029].provisional
