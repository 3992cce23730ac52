"""Reads of periodic evaluation, scoped through ``institutions.selectors.managed_filing_for`` / ``filings_for_user``
(an institution its own filings, staff their region and below). ``decision_references`` is what a renewal or exit
decision shows: the confirmed periodic-evaluation results (AH-4.2 "重要参考", HN-2 "重要依据") and the credit grade
as of the day (CQ-29, GZ-7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from skillreg.core.paging import FirstRows
from skillreg.institutions.selectors import filings_for_user, managed_filing_for

from .models import Appraisal, AppraisalStatus, SelfCheck
from .scheme import scheme_for
from .selfcheck import ITEMS

FILINGS_SHOWN = 500


def filings_with_appraisals(user: Any, year: int) -> FirstRows:
    """The first ``FILINGS_SHOWN`` filings in scope, each with its appraisal of ``year`` (``more``: there are more)."""
    filings = FirstRows(filings_for_user(user), FILINGS_SHOWN)
    by_filing = {a.filing_id: a for a in Appraisal.objects.filter(filing__in=filings.rows, year=year)}
    return filings.with_rows([(f, by_filing.get(f.pk)) for f in filings])


def filing_for(user: Any, code: str) -> Any:
    return managed_filing_for(user, code)


def appraisal_of(filing: Any, year: int) -> Appraisal | None:
    return Appraisal.objects.filter(filing=filing, year=year).select_related("confirmed_by").first()


def self_check_of(filing: Any, year: int) -> SelfCheck | None:
    return SelfCheck.objects.filter(filing=filing, year=year).first()


def self_checks(filing: Any) -> list[SelfCheck]:
    return list(SelfCheck.objects.filter(filing=filing))


def self_check_rows(check: SelfCheck | None) -> list[dict[str, Any]]:
    answers = check.answers if check else {}
    return [{"item": i, **(answers.get(i.code) or {"met": None, "note": ""})} for i in ITEMS]


def scheme_rows(appraisal: Appraisal) -> list[dict[str, Any]]:
    return [{"item": i, **(appraisal.scores.get(i["code"]) or {})} for i in appraisal.scheme["items"]]


def has_scheme(filing: Any, on: dt.date) -> bool:
    return scheme_for(filing.region.code, on) is not None


def asks_self_check(filing: Any, on: dt.date) -> bool:
    """Whether the rules governing ``filing`` on ``on`` ask its institution for a yearly self-check (HN-2)."""
    scheme = scheme_for(filing.region.code, on)
    return scheme is not None and scheme.asks_self_check


def self_check_filings(user: Any, on: dt.date) -> list[Any]:
    """The user's filings whose rules ask for a yearly self-check (an institution: its own)."""
    return [f for f in filings_for_user(user) if asks_self_check(f, on)]


@dataclass
class References:
    appraisals: list[Appraisal] = field(default_factory=list)
    credit: Any = None  # supervision.credit.Score
    credit_label: str = ""
    credit_factors: list[dict[str, Any]] = field(default_factory=list)
    scheme_citation: str = ""
    as_of: dt.date | None = None


def decision_references(filing: Any, on: dt.date) -> References:
    """Confirmed periodic evaluations up to ``on`` and the credit grade as of ``on`` (pure score over the ledger)."""
    from skillreg.supervision.credit import GRADE_LABELS
    from skillreg.supervision.models import CreditKind
    from skillreg.supervision.services.credit import credit_score

    rows = list(
        Appraisal.objects.filter(filing=filing, status=AppraisalStatus.CONFIRMED, year__lte=on.year).order_by("-year")
    )
    score = credit_score(filing, on)
    labels = dict(CreditKind.choices)
    scheme = scheme_for(filing.region.code, on)
    return References(
        appraisals=rows,
        credit=score,
        credit_label=GRADE_LABELS.get(score.grade, score.grade),
        credit_factors=[
            {"label": labels.get(f.kind, f.kind), "on": f.on, "points": f.points, "until": f.counts_until}
            for f in score.factors
        ],
        scheme_citation=f"{scheme.citation}：“{scheme.definition.cite.quote}”" if scheme else "",
        as_of=on,
    )
