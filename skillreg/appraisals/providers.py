"""Pre-fill of periodic-evaluation items from data the system holds (AH-4.2, HN-2).

``PROVIDERS`` maps the ``prefill`` name of a scheme item to a function ``(filing, year, max_score) → Prefill | None``.
``None`` means the system holds no data for that item: staff score it by hand with a note. No provider invents a
number: each states what it counted. Annual-report timeliness reads ``annualreports.selectors.report_timeliness``,
pass-rate anomalies ``evaluations.selectors.full_pass_counts`` (docs/decisions.md, "Periodic evaluation (issue 15
part 3)").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Sum

from skillreg.core import clock


@dataclass(frozen=True)
class Prefill:
    score: int | None  # None: the data is shown but the score is the staff's
    note: str
    source: str  # Chinese name of the data source

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Provider = Callable[[Any, int, int], "Prefill | None"]
PROVIDERS: dict[str, Provider] = {}


def register(name: str, fn: Provider) -> None:
    PROVIDERS[name] = fn


def _year_end(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), clock.today())


def _share(max_score: int, fraction: float) -> int:
    return max(0, min(max_score, round(max_score * fraction)))


def inspections(filing: Any, year: int, max_score: int) -> Prefill | None:
    from skillreg.supervision.models import Conclusion, Inspection, InspectionStatus

    rows = list(
        Inspection.objects.filter(
            filing=filing, status=InspectionStatus.CONCLUDED, concluded_at__year=year
        ).values_list("conclusion", flat=True)
    )
    if not rows:
        return None
    labels = dict(Conclusion.choices)
    worst: str = (
        Conclusion.SERIOUS if Conclusion.SERIOUS in rows else Conclusion.RECTIFY if Conclusion.RECTIFY in rows else ""
    )
    fractions: dict[str, float] = {Conclusion.SERIOUS: 0.0, Conclusion.RECTIFY: 0.6}
    fraction = fractions.get(worst, 1.0)
    counts = "、".join(f"{labels[c]}{rows.count(c)}次" for c in dict.fromkeys(rows))
    return Prefill(_share(max_score, fraction), f"本年度监督检查{len(rows)}次：{counts}", "监督检查记录")


def complaints(filing: Any, year: int, max_score: int) -> Prefill | None:
    from skillreg.supervision.models import ComplaintOutcome

    answered = filing.complaints.filter(answered_at__year=year)
    verified = answered.filter(outcome=ComplaintOutcome.VERIFIED).count()
    total = answered.count()
    note = f"本年度办结投诉举报{total}件，其中经查属实{verified}件"
    return Prefill(_share(max_score, 1 - 0.25 * verified), note, "投诉举报记录")


def rectifications(filing: Any, year: int, max_score: int) -> Prefill | None:
    from skillreg.supervision.models import CreditEvent, CreditKind, Rectification

    orders = list(Rectification.objects.filter(filing=filing, ordered_on__year=year))
    if not orders:
        return Prefill(max_score, "本年度无责令整改", "整改记录")
    failed = CreditEvent.objects.filter(
        filing=filing, kind=CreditKind.RECTIFICATION_FAILED, occurred_on__year=year
    ).exists()
    open_ = sum(1 for r in orders if r.is_open)
    if failed:
        return Prefill(0, f"本年度责令整改{len(orders)}次，整改不合格", "整改记录")
    if open_:
        return Prefill(_share(max_score, 0.5), f"本年度责令整改{len(orders)}次，{open_}次尚未整改完成", "整改记录")
    return Prefill(_share(max_score, 0.8), f"本年度责令整改{len(orders)}次，均已复查合格", "整改记录")


def credit(filing: Any, year: int, max_score: int) -> Prefill | None:
    from skillreg.supervision.credit import GRADE_LABELS
    from skillreg.supervision.services.credit import credit_score

    as_of = _year_end(year)
    s = credit_score(filing, as_of)
    fraction = {"A": 1.0, "B": 0.8, "C": 0.5, "D": 0.0}.get(s.grade)
    note = f"{as_of:%Y年%m月%d日}信用等级{GRADE_LABELS.get(s.grade, s.grade)}（{s.points}分）"
    return Prefill(None if fraction is None else _share(max_score, fraction), note, "信用评估")


def certificates(filing: Any, year: int, max_score: int) -> Prefill | None:
    from skillreg.certificates.models import CertificateCount

    # every status, as counting the certificate table did; summed from the count summary (issue 16)
    n = CertificateCount.objects.filter(filing=filing, issue_date__year=year).aggregate(n=Sum("n"))["n"] or 0
    if not n:
        return None
    return Prefill(None, f"本年度上报证书数据{n}条（上报是否及时、完整由评分人员核定）", "证书数据")


def self_check(filing: Any, year: int, max_score: int) -> Prefill | None:
    from .selfcheck import ITEMS

    check = filing.self_checks.filter(year=year).first()
    if check is None:
        return Prefill(0, "截至评分时未提交本年度通用条件自查", "机构自查")
    met = len(ITEMS) - check.unmet
    return Prefill(_share(max_score, met / len(ITEMS)), f"自查{len(ITEMS)}项，符合{met}项", "机构自查")


def annual_report_timeliness(filing: Any, year: int, max_score: int) -> Prefill | None:
    """The annual report handed in during the year under evaluation — the previous year's (AH-4.2 "每年3月1日至10日
    …报送本机构上一年度工作总结", HN-2 "根据上一年度工作总结对评价机构进行定期评估"): on time full marks, late half,
    missing none. No report owed for that year (filed later, or not due yet): no data."""
    from skillreg.annualreports.selectors import report_timeliness

    t = report_timeliness(filing, year - 1)
    fraction = {"on_time": 1.0, "late": 0.5, "missing": 0.0}.get(t.state)
    if fraction is None:
        return None
    return Prefill(_share(max_score, fraction), f"{year - 1}年度工作总结：{t.label}", "年度工作总结报送记录")


def pass_rate_anomalies(filing: Any, year: int, max_score: int) -> Prefill | None:
    """Plans that ended in ``year`` with results filed: each plan in which every applicant passed (the anomaly the
    evaluation-oversight list flags) costs a third of the item. No results filed that year: no data."""
    from skillreg.evaluations.selectors import full_pass_counts

    with_results, full_pass = full_pass_counts(filing, year)
    if not with_results:
        return None
    note = f"本年度报备评价结果{with_results}次，其中全部合格{full_pass}次"
    return Prefill(_share(max_score, 1 - full_pass / 3), note, "评价计划与结果报备")


for _name, _fn in {
    "inspections": inspections,
    "complaints": complaints,
    "rectifications": rectifications,
    "credit": credit,
    "certificates": certificates,
    "self_check": self_check,
    "annual_report_timeliness": annual_report_timeliness,
    "pass_rate_anomalies": pass_rate_anomalies,
}.items():
    register(_name, _fn)


def prefill(name: str | None, filing: Any, year: int, max_score: int) -> Prefill | None:
    fn = PROVIDERS.get(name or "")
    return fn(filing, year, max_score) if fn else None
