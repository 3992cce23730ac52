"""Statistics selectors for renewal (GZ-8..10) and annual reports (AH-att3), scoped like ``selectors``.

* ``renewal_counts``: valid certificates each institution issued within its own validity period, in total
  and per occupation — for one filing, or every filing of a region (and below) in scope;
* ``evaluation_summary``: applicants, passes and pass rate per evaluation type and level for a year, and
  occupations ranked by applicants and by passes (batches are counted in the year their evaluation ended).

Revoked certificates do not count: a revoked certificate was not validly issued (docs/decisions.md).
The certificate figures are sums over the count summary (``counts.py``, ``CertificateCount``), which is kept
exactly in step with the certificates: the same answers as counting them, without reading millions of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from skillreg.accounts.scope import region_q
from skillreg.core import clock
from skillreg.evaluations.models import RESULTS_IN
from skillreg.institutions.models import EvaluationType, Filing, FilingVersion
from skillreg.institutions.selectors import in_force_q
from skillreg.occupations.models import Occupation
from skillreg.regions.models import Region

from .models import VISIBLE_STATUSES, CertificateCount, CertificateMonthCount, CertificateStatus
from .rows import LEVEL_NAMES
from .selectors import batches_for, filing_scope, filings_for


@dataclass
class RenewalCount:
    filing_id: int
    code: str
    name: str
    kind: str
    valid_from: Any
    valid_to: Any
    total: int = 0
    per_occupation: dict[str, int] = field(default_factory=dict)  # occupation code → count

    def facts(self) -> dict[str, Any]:
        """The renewal facts the rule packs read (GZ-8.2, GZ-9.2, GZ-10.2)."""
        return {
            "certificates_issued_total": self.total,
            "scope": {code: {"certificates_issued": n} for code, n in self.per_occupation.items()},
        }


def renewal_counts(user: Any, *, filing: Filing | None = None, region: Region | None = None) -> list[RenewalCount]:
    """Certificates issued by each filing in scope within [valid_from, valid_to] of the version in force
    today (``filing_on`` semantics: an early renewal's later validity has not begun), per occupation.

    A filing without versions falls back to its denormalised columns. One query for the filings and one
    for the counts, however many filings."""
    filings = filings_for(user)
    if filing is not None:
        filings = filings.filter(pk=filing.pk)
    if region is not None:
        filings = filings.filter(region_q(region, "region"))
    in_force = FilingVersion.objects.filter(in_force_q(clock.today()), filing=OuterRef("pk"))
    filings = filings.select_related(None).annotate(
        shown_name=Coalesce(Subquery(in_force.values("name")[:1]), F("name")),
        shown_kind=Coalesce(Subquery(in_force.values("kind")[:1]), F("kind")),
        shown_from=Coalesce(Subquery(in_force.values("valid_from")[:1]), F("valid_from")),
        shown_to=Coalesce(Subquery(in_force.values("valid_to")[:1]), F("valid_to")),
    )
    out = {
        pk: RenewalCount(pk, code, name, kind, valid_from, valid_to)
        for pk, code, name, kind, valid_from, valid_to in filings.values_list(
            "pk", "code", "shown_name", "shown_kind", "shown_from", "shown_to"
        )
    }
    if not out:
        return []
    # Each filing's period is known from the query above: count with one range condition per distinct period
    # (index range scans on cert_filing_issue), not with a correlated subquery evaluated for every certificate,
    # which took 30 s for a district at 10 million certificates (issue 16, staff pages).
    periods: dict[tuple[Any, Any], list[int]] = {}
    for item in out.values():
        if item.valid_from is not None and item.valid_to is not None:
            periods.setdefault((item.valid_from, item.valid_to), []).append(item.filing_id)
    if not periods:
        return sorted(out.values(), key=lambda r: r.code)
    # Summed from the count summary (counts.py), not counted: 1.5 million certificates of a district took 2.7 s.
    # A period's whole months come from the monthly counts, its first and last days outside them from the daily.
    days, months = Q(pk__in=[]), Q(pk__in=[])
    for (start, end), ids in periods.items():
        first, last = _whole_months(start, end)
        if first is None or last is None:
            days |= Q(filing_id__in=ids, issue_date__gte=start, issue_date__lte=end)
            continue
        months |= Q(filing_id__in=ids, month__gte=first, month__lte=last)
        if start < first:
            days |= Q(filing_id__in=ids, issue_date__gte=start, issue_date__lt=first)
        after = _next_month(last)
        if after <= end:
            days |= Q(filing_id__in=ids, issue_date__gte=after, issue_date__lte=end)
    rows = [
        *CertificateMonthCount.objects.filter(months, status=CertificateStatus.VALID)
        .values_list("filing_id", "occupation_id")
        .annotate(total=Sum("n"))
        .order_by(),
        *CertificateCount.objects.filter(days, status=CertificateStatus.VALID)
        .values_list("filing_id", "occupation_id")
        .annotate(total=Sum("n"))
        .order_by(),
    ]
    codes = dict(Occupation.objects.values_list("id", "code"))
    for filing_id, occupation_id, n in rows:
        item = out[filing_id]
        item.total += n
        code = codes.get(occupation_id, str(occupation_id))
        item.per_occupation[code] = item.per_occupation.get(code, 0) + n
    return sorted(out.values(), key=lambda r: r.code)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """First days of the first and the last month lying wholly within [start, end] (None, None: no such month)."""
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1) if _next_month(end) - dt.timedelta(days=1) == end else None
    if last is None:
        last = (end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # the month before end's
    if first > last:
        return None, None
    return first, last


@dataclass
class LevelLine:
    evaluation_type: str
    level: int
    applicants: int
    passes: int

    @property
    def level_label(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def evaluation_type_label(self) -> str:
        return EvaluationType(self.evaluation_type).label

    @property
    def pass_rate(self) -> float | None:
        return self.passes / self.applicants if self.applicants else None


@dataclass
class OccupationLine:
    code: str
    name: str
    applicants: int
    passes: int


@dataclass
class EvaluationSummary:
    year: int
    levels: list[LevelLine]
    by_applicants: list[OccupationLine]
    by_passes: list[OccupationLine]
    totals: dict[str, LevelLine]


def evaluation_summary(
    user: Any, *, year: int, filing: Filing | None = None, region: Region | None = None
) -> EvaluationSummary:
    """AH-att3 三(一): per evaluation type and level, and occupations ranked (ties by code)."""
    qs = batches_for(user, filing=filing, year=year).filter(status__in=RESULTS_IN)  # plans with results only
    if region is not None:
        qs = qs.filter(region_q(region, "filing__region"))
    levels = [
        LevelLine(t, lv, a or 0, p or 0)
        for t, lv, a, p in qs.values_list("evaluation_type", "level")
        .annotate(a=Sum("applicants"), p=Sum("passes"))
        .order_by("evaluation_type", "-level")
    ]
    totals: dict[str, LevelLine] = {}
    for line in levels:
        t = totals.setdefault(line.evaluation_type, LevelLine(line.evaluation_type, 0, 0, 0))
        t.applicants += line.applicants
        t.passes += line.passes
    occ: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    for code, name, a, p in (
        qs.values_list("occupation__code", "occupation__name").annotate(a=Sum("applicants"), p=Sum("passes")).order_by()
    ):
        occ[code][0] += a or 0
        occ[code][1] += p or 0
        names[code] = name
    lines = [OccupationLine(code, names[code], a, p) for code, (a, p) in occ.items()]
    return EvaluationSummary(
        year=year,
        levels=levels,
        by_applicants=sorted(lines, key=lambda x: (-x.applicants, x.code)),
        by_passes=sorted(lines, key=lambda x: (-x.passes, x.code)),
        totals=totals,
    )


def certificates_per_year(user: Any, *, filing: Filing) -> list[tuple[int, int, int]]:
    """(year, valid, revoked) for one filing in scope — the institution's own overview."""
    limit = filing_scope(user, "filing__")
    if limit is None:
        return []
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for day, status, n in (
        CertificateCount.objects.filter(limit, filing=filing, status__in=VISIBLE_STATUSES)
        .values_list("issue_date__year", "status")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        counts[day][0 if status == CertificateStatus.VALID else 1] += n
    return [(y, v, r) for y, (v, r) in sorted(counts.items(), reverse=True)]
