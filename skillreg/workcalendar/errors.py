"""Typed errors of the working-day calendar. Pure: no Django imports.

Every error carries a stable machine-readable ``code`` (for the API and tests) and a
message in Simplified Chinese for people. They are ``skillreg.core.errors.DomainError``s
(that module is pure too), so views and the API render them like any other domain error.
"""

from __future__ import annotations

from skillreg.core.errors import DomainError


class CalendarError(DomainError):
    """A calendar input that cannot be used (bad date, unknown unit, negative count...)."""

    code = "CALENDAR_ERROR"
    status = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class HolidayFileError(CalendarError):
    """A holiday-year file that is malformed or inconsistent; nothing from it may be imported."""


# Stable codes. Tests and API clients rely on these strings: never rename, only add.
UNKNOWN_UNIT = "CALENDAR_UNKNOWN_UNIT"
NEGATIVE_COUNT = "CALENDAR_NEGATIVE_COUNT"
BAD_COUNT = "CALENDAR_BAD_COUNT"
BAD_DATE = "CALENDAR_BAD_DATE"
DATE_OUT_OF_RANGE = "CALENDAR_DATE_OUT_OF_RANGE"

HOLIDAY_FILE_NOT_FOUND = "HOLIDAY_FILE_NOT_FOUND"
HOLIDAY_FILE_SYNTAX = "HOLIDAY_FILE_SYNTAX"
HOLIDAY_FILE_NOT_MAPPING = "HOLIDAY_FILE_NOT_MAPPING"
HOLIDAY_MISSING_FIELD = "HOLIDAY_MISSING_FIELD"
HOLIDAY_UNKNOWN_FIELD = "HOLIDAY_UNKNOWN_FIELD"
HOLIDAY_DUPLICATE_FIELD = "HOLIDAY_DUPLICATE_FIELD"
HOLIDAY_BAD_YEAR = "HOLIDAY_BAD_YEAR"
HOLIDAY_BAD_NOTICE_NUMBER = "HOLIDAY_BAD_NOTICE_NUMBER"
HOLIDAY_BAD_DATE = "HOLIDAY_BAD_DATE"
HOLIDAY_BAD_LIST = "HOLIDAY_BAD_LIST"
HOLIDAY_DATE_OUTSIDE_YEAR = "HOLIDAY_DATE_OUTSIDE_YEAR"
HOLIDAY_DUPLICATE_DATE = "HOLIDAY_DUPLICATE_DATE"
HOLIDAY_DAY_BOTH_OFF_AND_WORK = "HOLIDAY_DAY_BOTH_OFF_AND_WORK"
HOLIDAY_WORKDAY_NOT_WEEKEND = "HOLIDAY_WORKDAY_NOT_WEEKEND"
HOLIDAY_NOTICE_AFTER_YEAR = "HOLIDAY_NOTICE_AFTER_YEAR"
