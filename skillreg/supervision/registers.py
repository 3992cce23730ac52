"""The two registers of a draw, read from the database and handed to the pure ``draw`` module.

* Inspectable institutions: the filings of the authority's region and below that, on the plan's date, were within
  validity, in a live status and not yet exited (``institutions.selectors.filing_on``), optionally of one kind.
* Inspectors: the authority's active register entries, with their employer and declared conflicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillreg.accounts import scope
from skillreg.institutions.lifecycle import LIVE
from skillreg.institutions.models import Filing
from skillreg.institutions.selectors import filing_on

from . import draw
from .models import InspectorEntry


def inspectable_register(authority: Any, day: dt.date, kind: str = "") -> list[draw.Target]:
    qs = Filing.objects.filter(scope.region_q(authority)).select_related("unit").order_by("code")
    if kind:
        qs = qs.filter(kind=kind)
    out = []
    for filing in qs:
        on = filing_on(filing, day)
        if on.valid and on.status in LIVE and on.exit is None and on.version is not None:
            out.append(draw.Target(code=filing.code, unit=filing.unit.uscc, name=on.version.name))
    return out


def inspector_register(authority: Any) -> list[draw.Inspector]:
    entries = (
        InspectorEntry.objects.filter(authority=authority, active=True)
        .select_related("user")
        .prefetch_related("conflicts__filing")
        .order_by("number")
    )
    return [
        draw.Inspector(
            key=e.number,
            unit=e.employer_uscc,
            conflicts=frozenset(c.filing.code for c in e.conflicts.all()),
            name=e.user.display_name or e.user.username,
        )
        for e in entries
        if scope.is_inspector(e.user)
    ]
