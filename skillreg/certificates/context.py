"""Load, once per import, everything a row is checked against (``rows.InstitutionFacts``): the filing's
validity and exits, its scope, its rectifications, its evaluation batches and the occupation catalogue."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings

from skillreg.core import clock
from skillreg.evaluations.models import RESULTS_IN, EvaluationPlan
from skillreg.evaluations.selectors import roster_keys
from skillreg.institutions.models import Filing, FilingScope, FilingStatus
from skillreg.institutions.selectors import filing_timeline
from skillreg.occupations.models import Occupation
from skillreg.supervision.selectors import rectification_periods

from .rows import LEVEL_NAMES, Batch, InstitutionFacts, Occ, Period

# Statuses that end evaluation activity without a recorded date: treated as "from today on".
_BLOCKING: dict[str, str] = {FilingStatus.TERMINATED: "已终止", FilingStatus.CANCELLED: "已注销"}


class RosterLookup:
    """Plan id → its roster keys (``evaluations.selectors.roster_keys``), loaded once per import on first use.
    Picklable (a parallel import sends the facts to its writer process): the cache does not travel."""

    def __init__(self) -> None:
        self._cache: dict[int, dict[str, tuple[str, str]]] = {}

    def __call__(self, plan_id: int) -> dict[str, tuple[str, str]]:
        if plan_id not in self._cache:
            self._cache[plan_id] = roster_keys(plan_id)
        return self._cache[plan_id]

    def __getstate__(self) -> dict[str, object]:
        return {"_cache": {}}


def filing_terminates_on(filing_id: int) -> dt.date | None:
    """Last day of evaluation activity recorded by an exit (deadlines.FilingExit, GZ-13/GZ-14), if any."""
    try:
        exit_model = apps.get_model("deadlines", "FilingExit")
    except LookupError:
        return None
    days = list(exit_model.objects.filter(filing_id=filing_id).values_list("terminates_on", flat=True))
    return min(days) if days else None


def occupation_catalogue() -> dict[str, Occ]:
    rows = Occupation.objects.values_list("id", "code", "name", "levels", "parent__code")
    return {code: Occ(pk, code, name, frozenset(levels or ()), parent) for pk, code, name, levels, parent in rows}


def load_facts(filing: Filing, *, today: dt.date | None = None) -> InstitutionFacts:
    today = today or clock.today()
    scope = {
        code: frozenset(levels)
        for code, levels in FilingScope.objects.filter(filing=filing).values_list("occupation__code", "levels")
    }
    occupations = occupation_catalogue()
    scope_text = "；".join(
        f"{code} {occupations[code].name if code in occupations else ''}"
        f"（{'、'.join(LEVEL_NAMES[x] for x in sorted(levels, reverse=True) if x in LEVEL_NAMES)}）"
        for code, levels in sorted(scope.items())[:8]
    ) + ("等" if len(scope) > 8 else "")
    batches = {
        b.number: Batch(
            b.id,
            b.number,
            b.occupation.code,
            b.level,
            b.starts_on,
            b.ends_on,
            b.passes or 0,
            results_in=b.status in RESULTS_IN,
            roster_required=b.roster_required,
        )
        for b in EvaluationPlan.objects.filter(filing=filing).select_related("occupation")
    }
    timeline = filing_timeline(filing)
    # The status history says since when (cancelled: the decision day); the row's status is the fallback.
    latest = filing.status
    if latest not in _BLOCKING and timeline.status_changes:
        latest = timeline.status_changes[-1].to_status
    blocked = latest in _BLOCKING
    blocked_from = next(
        (c.effective_on for c in timeline.status_changes if c.to_status == FilingStatus.CANCELLED), None
    )
    periods = tuple(
        Period(
            v.number,
            v.effective_from,
            v.effective_to,
            v.valid_from,
            v.valid_to,
            {s.occupation.code: frozenset(s.levels) for s in v.scope.all()},
        )
        for v in timeline.versions
    )
    return InstitutionFacts(
        filing_id=filing.pk,
        code=filing.code,
        name=filing.name,
        valid_from=filing.valid_from,
        valid_to=filing.valid_to,
        terminates_on=filing_terminates_on(filing.pk),
        blocked_from=(blocked_from or today) if blocked else None,
        blocked_label=_BLOCKING.get(latest, ""),
        scope=scope,
        rectifications=tuple(rectification_periods(filing.pk)),
        occupations=occupations,
        batches=batches,
        today=today,
        min_age=int(getattr(settings, "SKILLREG_CERT_MIN_HOLDER_AGE", 16)),
        scope_text=scope_text,
        periods=periods,
        roster_of=RosterLookup(),
    )
