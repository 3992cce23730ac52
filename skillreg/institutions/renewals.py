"""Renewal (延续, CQ-14, GZ-8..12): the window, the on-time test and the certificate counts.

Counts of certificates issued in the validity period come from the certificate registry, never from
the applicant: ``renewal_certificate_counts`` is what both sides see, with how it was counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from skillreg.core import clock

from .lifecycle import S
from .models import Filing
from .status import filing_transition
from .validity import latest_renewal_date, renewal_window_opens


@dataclass(frozen=True)
class CertificateCounts:
    valid_from: dt.date
    counted_to: dt.date
    total: int
    per_occupation: dict[str, int] = field(default_factory=dict)  # occupation code → count
    names: dict[str, str] = field(default_factory=dict)  # occupation code → name

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return [(code, self.names.get(code, ""), n) for code, n in sorted(self.per_occupation.items())]

    @property
    def method(self) -> str:
        return (
            f"按证书登记库统计：本机构发证日期在 {self.valid_from:%Y-%m-%d} 至 {self.counted_to:%Y-%m-%d} 之间、"
            "状态为有效的证书（已撤销的不计），按职业（工种）编码分别计数；工种计入其所属职业。"
        )


def renewal_certificate_counts(filing: Filing, *, to: dt.date | None = None) -> CertificateCounts:
    """Certificates issued by ``filing`` in its current validity period up to ``to`` (default: the
    earlier of today and the expiry), in total and per filed occupation (GZ-8..10)."""
    from skillreg.certificates.models import CertificateCount, CertificateStatus

    end = min(to or clock.today(), filing.valid_to)
    rows = (  # summed from the count summary (kept in step with the certificates; issue 16)
        CertificateCount.objects.filter(
            filing=filing,
            issue_date__gte=filing.valid_from,
            issue_date__lte=end,
            status=CertificateStatus.VALID,
        )
        .values("occupation__code", "occupation__name", "occupation__parent__code")
        .annotate(n=Sum("n"))
    )
    filed = set(filing.scope.values_list("occupation__code", flat=True))
    per: dict[str, int] = {}
    names = dict(filing.scope.values_list("occupation__code", "occupation__name"))
    total = 0
    for r in rows:
        code = r["occupation__code"]
        if code not in filed and r["occupation__parent__code"] in filed:
            code = r["occupation__parent__code"]
        names.setdefault(code, r["occupation__name"])
        per[code] = per.get(code, 0) + r["n"]
        total += r["n"]
    return CertificateCounts(filing.valid_from, end, total, per, names)


def renewal_window_due(today: dt.date) -> list[int]:
    """Active filings whose renewal window has opened by ``today`` (they become ``expiring``)."""
    out = []
    horizon = today + dt.timedelta(days=400)
    rows = Filing.objects.filter(status=S.ACTIVE, valid_to__gte=today, valid_to__lte=horizon).values_list(
        "pk", "region__code", "valid_to"
    )
    for pk, region_code, valid_to in rows:
        if renewal_window_opens(region_code, valid_to) <= today:
            out.append(pk)
    return out


def filing_open_renewal_window(*, filing_id: int, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    filing = Filing.objects.select_related("region").get(pk=filing_id)
    if filing.status != S.ACTIVE or renewal_window_opens(filing.region.code, filing.valid_to) > today:
        return False
    latest, limit = latest_renewal_date(filing.region.code, filing.valid_to)
    filing_transition(
        filing=filing,
        action="open_renewal_window",
        actor=None,
        effective_on=today,
        reason=f"备案有效期至 {filing.valid_to:%Y-%m-%d}，最迟于 {latest:%Y-%m-%d} 申请延续",
        rule=limit.requirement if limit else "",
        basis=limit.citation if limit else "",
        source="sweep",
    )
    return True


def renewal_on_time(filing: Filing, submitted_on: dt.date) -> tuple[bool, dt.date, Any]:
    """(on time?, latest day, the pack rule) — the day the application is made counts (CQ-14)."""
    latest, limit = latest_renewal_date(filing.region.code, filing.valid_to)
    return submitted_on <= latest, latest, limit
