"""Units of a statutory time limit. Pure: no Django imports."""

from __future__ import annotations

import enum

from skillreg.workcalendar import errors


class Unit(enum.StrEnum):
    """How a time limit is counted: 工作日 (working days) or 自然日 (calendar days)."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, value: str | Unit) -> Unit:
        """Return the unit named ``value`` or raise ``CalendarError(CALENDAR_UNKNOWN_UNIT)``."""
        if isinstance(value, Unit):
            return value
        try:
            return cls(str(value).strip())
        except ValueError:
            choices = "、".join(f"{u.value}（{u.label}）" for u in cls)
            raise errors.CalendarError(errors.UNKNOWN_UNIT, f"未知的期限单位“{value}”，只能是 {choices}。") from None


_LABELS = {Unit.WORKING_DAYS: "工作日", Unit.CALENDAR_DAYS: "自然日"}
