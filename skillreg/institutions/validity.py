"""Validity and renewal dates of a filing, from the governing rule packs (CQ-14, AH-4.1, HN-1).

The packs are the one source: ``filing_validity`` (years) and ``renewal_application`` (the latest day
to apply, counted back from the expiry). ``SKILLREG_VALIDITY_YEARS`` is only the documented fallback
for a region whose packs set no validity (Guizhou: "细则未规定备案有效期", see docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from skillreg.deadlines.limits import TimeLimit, time_limits_for


@dataclass(frozen=True)
class Validity:
    years: int
    basis: str  # "《…》（文号）第十四条：“…”" or the fallback's explanation
    rule: str
    from_pack: bool


def validity_end(start: dt.date, years: int) -> dt.date:
    """Last day of a validity of ``years`` starting on ``start`` (start counted; 29 Feb → 28 Feb)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:
        end = start.replace(year=start.year + years, day=28)
    return end - dt.timedelta(days=1)


def filing_validity(region_code: str, on: dt.date) -> Validity:
    limit = time_limits_for(region_code, on).get("filing_validity")
    if limit is not None and limit.unit == "years":
        return Validity(limit.length, limit.citation, limit.requirement, True)
    years = int(getattr(settings, "SKILLREG_VALIDITY_YEARS", 3))
    return Validity(years, f"适用的规范性文件未规定备案有效期，按系统设置 {years} 年", "", False)


def renewal_limit(region_code: str, on: dt.date) -> TimeLimit | None:
    """The pack's latest-renewal-date rule (CQ-14: 30 days before expiry), or None."""
    return time_limits_for(region_code, on).get("renewal_application")


def latest_renewal_date(region_code: str, valid_to: dt.date) -> tuple[dt.date, TimeLimit | None]:
    """The last day a renewal application may be submitted: expiry − the pack's days; else the expiry.

    CQ-14 "届满30日前" is read as: submitted no later than ``valid_to − 30 days``, rest day or not
    (``deadlines.clocks.DueCache.before``) — the same day the pack condition ``CQ-14.renewal`` tests."""
    from skillreg.deadlines.clocks import DueCache
    from skillreg.workcalendar.selectors import get_calendar

    return _latest_renewal_date(region_code, valid_to, lambda: DueCache(get_calendar()))


def _latest_renewal_date(region_code: str, valid_to: dt.date, cache: Any) -> tuple[dt.date, TimeLimit | None]:
    limit = renewal_limit(region_code, valid_to)
    if limit is None:
        return valid_to, None
    return cache().for_limit(limit, valid_to).date, limit


def latest_renewal_dates(filings: Iterable[Any]) -> dict[int, dt.date]:
    """``latest_renewal_date`` of each filing (by pk) with one calendar for all: a list of filings reads the
    calendar's version once, not once a row (issue 16)."""
    from skillreg.deadlines.clocks import DueCache
    from skillreg.workcalendar.selectors import get_calendar

    shared: list[Any] = []

    def cache() -> Any:
        if not shared:
            shared.append(DueCache(get_calendar()))
        return shared[0]

    return {f.pk: _latest_renewal_date(f.region.code, f.valid_to, cache)[0] for f in filings}


def renewal_window_opens(region_code: str, valid_to: dt.date) -> dt.date:
    """The day the filing becomes "expiring": ``SKILLREG_RENEWAL_WINDOW_DAYS`` before the latest date.

    The law sets only the latest day; the opening is an operational choice (docs/decisions.md)."""
    latest, _ = latest_renewal_date(region_code, valid_to)
    return latest - dt.timedelta(days=int(getattr(settings, "SKILLREG_RENEWAL_WINDOW_DAYS", 90)))
