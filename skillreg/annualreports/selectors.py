"""Reads of annual reports, scoped through ``accounts.scope`` (an institution its own unit's, staff their region
and below; a report out of scope is a 404), and the two selectors other streams use:

* ``evaluation_figures(filing, year)`` — the pre-fill of 三、（一）: filed scope and examiners (``filing_on``),
  certificates per evaluation type and level, levels run, occupations ranked by passes (the registry);
* ``report_timeliness(filing, year)`` — on time / late (days) / missing / pending for one filing and year, and
  ``timeliness_rows(user)`` for every filing and owed year in a staff member's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from skillreg.accounts import scope
from skillreg.certificates.models import CertificateCount, CertificateStatus
from skillreg.certificates.rows import LEVEL_NAMES
from skillreg.core import clock
from skillreg.evaluations.selectors import results_by_level
from skillreg.institutions.lifecycle import LIVE
from skillreg.institutions.models import EvaluationType, Filing
from skillreg.institutions.selectors import filing_on
from skillreg.occupations.models import Occupation

from .models import AnnualReport, AnnualReportChange, AnnualReportVersion, ReportStatus
from .sections import LEVELLED_TYPES
from .windows import Due, report_due


@dataclass
class LevelFigure:
    evaluation_type: str
    level: int
    passes: int  # valid certificates issued in the year (the registry)
    applicants: int | None = None  # applicants of the year's plans whose results were filed (issue 14); None: none

    @property
    def label(self) -> str:
        return f"{EvaluationType(self.evaluation_type).label} {LEVEL_NAMES.get(self.level, str(self.level))}"


@dataclass
class OccupationFigure:
    code: str
    name: str
    passes: int


@dataclass
class ScopeLine:
    code: str
    name: str
    levels: list[int]

    @property
    def levels_label(self) -> str:
        return "、".join(LEVEL_NAMES.get(x, str(x)) for x in sorted(self.levels, reverse=True))


@dataclass
class EvaluationFigures:
    year: int
    evaluation_types: list[str]
    filed_scope: list[ScopeLine]
    levels: list[LevelFigure]  # every levelled type × filed level, plus any level the registry holds
    levels_run: list[LevelFigure]  # those with certificates
    by_passes: list[OccupationFigure]
    by_applicants: list[OccupationFigure] = field(default_factory=list)  # batches' applicants (passes field)
    examiners: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # occupation code → people

    def as_dict(self) -> dict[str, Any]:
        """What a submitted version keeps of the registry (the pre-fill staff compare the figures with)."""
        return {
            "year": self.year,
            "evaluation_types": self.evaluation_types,
            "filed_scope": [{"code": s.code, "name": s.name, "levels": s.levels} for s in self.filed_scope],
            "levels": [
                {
                    "evaluation_type": x.evaluation_type,
                    "level": x.level,
                    "passes": x.passes,
                    "applicants": x.applicants,
                }
                for x in self.levels
            ],
            "by_passes": [{"code": o.code, "name": o.name, "passes": o.passes} for o in self.by_passes],
            "by_applicants": [{"code": o.code, "name": o.name, "applicants": o.passes} for o in self.by_applicants],
        }


def _reference_day(filing: Filing, year: int) -> dt.date:
    """The day whose filing (``filing_on``) the report describes: the year's last day, or today in that year."""
    day = min(dt.date(year, 12, 31), clock.today())
    return max(day, filing.filed_on)


def evaluation_figures(filing: Filing, year: int) -> EvaluationFigures:
    """The pre-fill of 三、（一） for ``filing``'s report of ``year``: passes from the certificate registry, applicants
    from the evaluation results filed for the year's plans (``evaluations.selectors.results_by_level``)."""
    on = filing_on(filing, _reference_day(filing, year))
    version = on.version
    types = list(version.evaluation_types if version is not None else filing.evaluation_types)
    names = dict(Occupation.objects.filter(code__in=list(on.scope)).values_list("code", "name"))
    filed = [ScopeLine(code, names.get(code, code), sorted(levels)) for code, levels in sorted(on.scope.items())]
    rows = (
        CertificateCount.objects.filter(filing=filing, status=CertificateStatus.VALID, issue_date__year=year)
        .values_list("batch__evaluation_type", "level")
        .annotate(n=Sum("n"))
        .order_by()
    )
    registry = {(t, lv): n for t, lv, n in rows}
    filed_levels = sorted({lv for s in filed for lv in s.levels}, reverse=True)
    keys = {(t, lv) for t in types if t in LEVELLED_TYPES for lv in filed_levels} | set(registry)
    order = {t: i for i, t in enumerate(LEVELLED_TYPES)}
    levels = [
        LevelFigure(t, lv, registry.get((t, lv), 0))
        for t, lv in sorted(keys, key=lambda k: (order.get(k[0], 9), -k[1]))
    ]
    occ = (
        CertificateCount.objects.filter(filing=filing, status=CertificateStatus.VALID, issue_date__year=year)
        .values_list("occupation__code", "occupation__name")
        .annotate(n=Sum("n"))
        .order_by()
    )
    by_passes = sorted((OccupationFigure(c, n, k) for c, n, k in occ), key=lambda o: (-o.passes, o.code))
    # Applicants come from the results the institution filed for each evaluation plan (评价结果报备, issue 14).
    results = results_by_level(filing, year)
    applicants = {
        (etype, line["level"]): line["applicants"]
        for etype, block in results["by_type"].items()
        for line in block["levels"]
    }
    levels = [
        LevelFigure(x.evaluation_type, x.level, x.passes, applicants.get((x.evaluation_type, x.level))) for x in levels
    ]
    by_applicants = [OccupationFigure(o["code"], o["name"], o["applicants"]) for o in results["by_occupation"]]
    examiners: dict[str, list[dict[str, str]]] = {s.code: [] for s in filed}
    for person in (version.people or {}).get("examiners", []) if version is not None else []:
        code = person.get("occupation") or person.get("occupation_code") or ""
        if code in examiners:
            examiners[code].append(
                {"name": person.get("name", ""), "certificate_code": person.get("certificate_code", "")}
            )
    return EvaluationFigures(
        year=year,
        evaluation_types=types,
        filed_scope=filed,
        levels=levels,
        levels_run=[x for x in levels if x.passes],
        by_passes=by_passes,
        by_applicants=by_applicants,
        examiners=examiners,
    )


# ----------------------------------------------------------------------------------------------- timeliness


@dataclass(frozen=True)
class Timeliness:
    filing_id: int
    year: int
    state: str  # on_time | late | missing | pending | not_owed
    due: Due | None
    days_late: int = 0
    submitted_on: dt.date | None = None
    report_id: int | None = None

    @property
    def label(self) -> str:
        if self.state == "late":
            return f"逾期 {self.days_late} 天报送"
        return TIMELINESS_LABELS[self.state]


TIMELINESS_LABELS = {
    "on_time": "按期报送",
    "late": "逾期报送",
    "missing": "逾期未报送",
    "pending": "未到截止日期",
    "not_owed": "无须报送",
}


def first_year(filing: Filing) -> int:
    """The first report year a filing owes: the year it was filed (docs/decisions.md, "Annual reports")."""
    return filing.filed_on.year


def _judge(
    filing: Filing, year: int, report: AnnualReport | None, today: dt.date, dues: dict[Any, Any] | None = None
) -> Timeliness:
    if year < first_year(filing):
        return Timeliness(filing.pk, year, "not_owed", None)
    key = (filing.region.code, year)
    if dues is None or key not in dues:
        due = report_due(*key)
        if dues is not None:
            dues[key] = due
    else:
        due = dues[key]
    submitted = timezone.localdate(report.first_submitted_at) if report and report.first_submitted_at else None
    rid = report.pk if report else None
    if due is None:
        return Timeliness(filing.pk, year, "not_owed", None, submitted_on=submitted, report_id=rid)
    if submitted is not None:
        late = (submitted - due.due).days
        state = "late" if late > 0 else "on_time"
        return Timeliness(filing.pk, year, state, due, max(late, 0), submitted, rid)
    if today > due.due:
        return Timeliness(filing.pk, year, "missing", due, (today - due.due).days, None, rid)
    return Timeliness(filing.pk, year, "pending", due, 0, None, rid)


def report_timeliness(filing: Filing, year: int, *, today: dt.date | None = None) -> Timeliness:
    """On time / late (days) / missing / pending of ``filing``'s report of ``year`` (first submission counts)."""
    report = AnnualReport.objects.filter(filing=filing, year=year).first()
    return _judge(filing, year, report, today or clock.today())


def owed_years(filing: Filing, today: dt.date) -> list[int]:
    """Report years from the filing's first year up to last year (this year's report is due next year)."""
    return list(range(first_year(filing), today.year))


def timeliness_rows(
    filings: QuerySet[Filing], *, today: dt.date | None = None, states: tuple[str, ...] | None = None
) -> list[tuple[Filing, Timeliness]]:
    """Every owed year of every filing given (already scoped by the caller), judged in one pass."""
    today = today or clock.today()
    filings = filings.select_related("region")
    # Only what the judgement reads: a report's content (JSON, every figure and text of it) is not loaded per row.
    reports = {
        (r.filing_id, r.year): r
        for r in AnnualReport.objects.filter(filing__in=filings).only("id", "filing_id", "year", "first_submitted_at")
    }
    out = []
    dues: dict[Any, Any] = {}  # one pack composition per region and year, however many filings
    for f in filings.order_by("code"):
        for year in owed_years(f, today):
            t = _judge(f, year, reports.get((f.pk, year)), today, dues)
            if states is None or t.state in states:
                out.append((f, t))
    return sorted(out, key=lambda ft: (-ft[1].year, ft[0].code))


def staff_timeliness(
    user: Any, *, states: tuple[str, ...] | None = ("late", "missing")
) -> list[tuple[Filing, Timeliness]]:
    """Late and missing reports of the live filings in a staff member's region and below."""
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return []
    return timeliness_rows(Filing.objects.filter(scope.region_q(user), status__in=LIVE), states=states)


def timeliness_by_year(user: Any, filters: Any) -> list[Any]:
    """The dashboards' annual-report timeliness (``dashboards.sources`` slot ``report_timeliness``): per report
    year in the filter's date range, how many live filings of the filter's region (inside the user's scope) sent
    that year's report on time, late, or not at all by today. Years not yet due are left out."""
    from skillreg.dashboards.sources import TimelinessRow

    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return []
    filings = Filing.objects.filter(scope.region_q(user), scope.region_q(filters.region), status__in=LIVE)
    counts: dict[int, dict[str, int]] = {}
    for _f, t in timeliness_rows(filings, states=("on_time", "late", "missing")):
        if filters.start.year <= t.year <= filters.end.year:
            c = counts.setdefault(t.year, {"on_time": 0, "late": 0, "missing": 0})
            c[t.state] += 1
    return [TimelinessRow(y, c["on_time"], c["late"], c["missing"]) for y, c in sorted(counts.items())]


# ----------------------------------------------------------------------------------------------- reports


def reviewing_authority(report: AnnualReport) -> Any:
    """The authority the report is sent to: the one the governing window names when it is an authority of the
    institution's region or above (淮南: "向市人力资源社会保障局报送", though the province approves the filing),
    otherwise the filing authority ("向受理备案的人力资源社会保障部门报送")."""
    from skillreg.accounts.models import Authority

    due = report_due(report.filing.region.code, report.year)
    if due is not None and due.submit_to:
        for authority in Authority.objects.filter(name=due.submit_to).select_related("region"):
            if scope.region_contains(authority, report.filing.region):
                return authority
    return report.filing.authority


def reports_for(user: Any) -> QuerySet[AnnualReport]:
    q = scope.case_scope_q(user)
    qs = AnnualReport.objects.select_related("filing", "region")
    if q is None:
        return qs.none()
    qs = qs.filter(q)
    return qs.exclude(status=ReportStatus.DRAFT) if scope.is_staff_member(user) else qs  # a draft is not sent yet


def staff_reports(user: Any, status: str = "") -> QuerySet[AnnualReport]:
    """The staff list of submitted reports (``status``: only those), without their content (the list shows none)."""
    reports = reports_for(user).defer("content")
    return reports.filter(status=status) if status else reports


def report_for(user: Any, pk: int) -> AnnualReport:
    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404("未找到该年度工作总结")
    return report


def report_versions(report: AnnualReport) -> list[AnnualReportVersion]:
    return list(report.versions.select_related("submitted_by").order_by("number"))


def report_version(report: AnnualReport, number: int) -> AnnualReportVersion:
    v = report.versions.filter(number=number).first()
    if v is None:
        raise Http404("未找到该次报送")
    return v


def report_history(report: AnnualReport) -> list[AnnualReportChange]:
    return list(report.changes.select_related("actor").order_by("at", "id"))


def institution_filings(user: Any) -> QuerySet[Filing]:
    """The filings an institution user reports for (its unit's, live ones)."""
    if not scope.is_institution(user) or not getattr(user, "unit_id", None):
        return Filing.objects.none()
    return Filing.objects.filter(unit_id=user.unit_id, status__in=LIVE).select_related("region").order_by("code")


def institution_filing(user: Any, pk: int) -> Filing:
    filing = institution_filings(user).filter(pk=pk).first()
    if filing is None:
        raise Http404("未找到该备案机构")
    return filing


def report_years(user: Any) -> list[int]:
    """The years of the reports in a staff member's scope that the summary can be downloaded for, newest first."""
    return list(summary_reports(user).order_by("-year").values_list("year", flat=True).distinct())


def summary_reports(user: Any, year: int | None = None) -> QuerySet[AnnualReport]:
    """Reports in a staff member's scope for the XLSX summary (drafts are the institution's, not shown)."""
    if not scope.is_staff_member(user):
        return AnnualReport.objects.none()
    qs = reports_for(user).exclude(status=ReportStatus.DRAFT)
    return qs.filter(year=year) if year else qs
