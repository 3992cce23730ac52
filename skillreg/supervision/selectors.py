"""Reads of supervision records."""

from __future__ import annotations

import datetime as dt

from .models import Rectification


def rectification_periods(filing_id: int) -> list[tuple[dt.date, dt.date | None]]:
    """(ordered_on, ends_on) of every rectification of a filing, oldest first; ``None`` = still open."""
    return list(
        Rectification.objects.filter(filing_id=filing_id).order_by("ordered_on").values_list("ordered_on", "ends_on")
    )


def rectification_on(filing_id: int, day: dt.date) -> Rectification | None:
    """The rectification in force on ``day`` (both ends inclusive), if any."""
    for r in Rectification.objects.filter(filing_id=filing_id, ordered_on__lte=day).order_by("-ordered_on"):
        if r.ends_on is None or r.ends_on >= day:
            return r
    return None
