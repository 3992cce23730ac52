"""Dashboard figures (issue 15 item 5), each grouped in the database and limited to the user's data scope.

Who: staff of an authority (``accounts.scope.is_staff_member``) see their region and the regions below it, and may
narrow the view to one region inside it (``Filters.region``). Everyone else has no dashboard.

* Institutions at each month end, by status, kind and region: the status is the last ``FilingStatusChange`` in
  force that day, the kind that of the ``FilingVersion`` in force — exactly what ``institutions.selectors.filing_on``
  answers, computed as one GROUP BY per month end (tested against ``filing_on``).
* Cases submitted in the date range by their stage now and the state of their earliest running deadline (the
  deadline index that the statutory-clock code keeps, ``deadlines.index``; the same days as ``deadlines.clocks``).
* Certificates issued in the range (valid ones, as renewal counts do) per occupation and level; pass rates use the
  applicants of ``applicants_by_occupation_level`` — the one source of the denominator (``sources``).
* Annual-report timeliness, from the ``report_timeliness`` source when an app provides it; otherwise no chart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from skillreg.accounts.scope import case_scope_q, is_staff_member, region_path, region_q
from skillreg.applications.models import Application, State
from skillreg.applications.selectors import staff_region_ids, staff_scope
from skillreg.certificates.models import CertificateCount, CertificateStatus
from skillreg.core import clock
from skillreg.deadlines import index
from skillreg.deadlines.clocks import DueCache, classify
from skillreg.deadlines.models import CaseDeadline
from skillreg.evaluations.models import RESULTS_IN, EvaluationPlan
from skillreg.institutions.models import Filing, FilingStatus, FilingStatusChange, FilingVersion, InstitutionKind
from skillreg.institutions.selectors import in_force_q
from skillreg.occupations.models import LEVEL_NAMES, Occupation
from skillreg.regions.models import Region
from skillreg.regions.selectors import regions_under
from skillreg.workcalendar.selectors import get_calendar

from . import sources
from .charts import UNKNOWN, Chart, Series, matrix, month_label, month_points, rate_text

# Working days ahead in which a running clock counts as "due soon" — the same window as the deadlines dashboard.
DUE_SOON_WORKDAYS = 2
TOP_OCCUPATIONS = 15  # occupations drawn in the certificate chart (the table lists all)

CLOCK_LABELS = {
    "overdue": "已逾期",
    "due_today": "今日届满",
    "at_risk": "即将届满（2个工作日内）",
    "running": "期限内",
    "none": "无进行中的法定时限",
}
CLOCK_ORDER = ["overdue", "due_today", "at_risk", "running", "none"]
CLOCK_COLORS = {
    "overdue": "#c0392b",
    "due_today": "#e67e22",
    "at_risk": "#e6b422",
    "running": "#2e8b57",
    "none": "#9aa5b1",
}
STATUS_COLORS = {
    FilingStatus.ACTIVE.label: "#1f5fa8",
    FilingStatus.EXPIRING.label: "#5b9bd5",
    FilingStatus.RENEWAL_PENDING.label: "#16a0a0",
    FilingStatus.RECTIFYING.label: "#e67e22",
    FilingStatus.WRAP_UP.label: "#9aa5b1",
    FilingStatus.TERMINATED.label: "#5d6d7e",
    FilingStatus.CANCELLED.label: "#2c3e50",
}


@dataclass(frozen=True)
class Filters:
    region: Region  # inside the user's scope (forms.FilterForm checks it)
    start: dt.date
    end: dt.date


def may_view(user: Any) -> bool:
    return is_staff_member(user) and bool(getattr(user, "authority_id", None))


def scope_region(user: Any) -> Region:
    return user.authority.region


def filter_regions(user: Any) -> QuerySet[Region]:
    """The regions a staff member may narrow the dashboard to: their authority's region and those below it."""
    if not may_view(user):
        return Region.objects.none()
    return regions_under(scope_region(user))


def default_filters(user: Any, *, today: dt.date | None = None) -> Filters:
    today = today or clock.today()
    start_month = (today.year * 12 + today.month - 1) - 11
    return Filters(scope_region(user), dt.date(start_month // 12, start_month % 12 + 1, 1), today)


# ----------------------------------------------------------------------------------------------- scoped bases


def _filings(user: Any, f: Filters) -> QuerySet[Filing]:
    limit = case_scope_q(user) if may_view(user) else None
    if limit is None:
        return Filing.objects.none()
    return Filing.objects.filter(limit).filter(region_q(f.region, "region")).order_by()


def _certificate_counts(user: Any, f: Filters) -> QuerySet[CertificateCount]:
    """The count summary's rows in scope (kept in step with the certificates; issue 16): sums, not counts."""
    limit = case_scope_q(user, "filing__") if may_view(user) else None
    if limit is None:
        return CertificateCount.objects.none()
    return CertificateCount.objects.filter(limit).filter(region_q(f.region, "filing__region")).order_by()


def _span(f: Filters) -> tuple[dt.datetime, dt.datetime]:
    """The range's first and after-last instants (Asia/Shanghai days)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    since = dt.datetime.combine(f.start, dt.time(0), tzinfo=zone)
    return since, dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def _case_regions(user: Any, f: Filters) -> list[int]:
    """The ids of the regions whose cases the chart counts: the filter's region and those below it, in scope."""
    inside = set(Region.objects.filter(region_q(f.region, "")).values_list("pk", flat=True))
    return sorted(inside.intersection(staff_region_ids(user)))


def _cases(user: Any, f: Filters, regions: list[int] | None = None) -> QuerySet[Application]:
    if not may_view(user):
        return Application.objects.none()
    since, until = _span(f)
    regions = _case_regions(user, f) if regions is None else regions
    return staff_scope(user).filter(region_id__in=regions, submitted_at__gte=since, submitted_at__lt=until).order_by()


# ----------------------------------------------------------------------------------------------- institutions


def institution_counts(user: Any, f: Filters, day: dt.date) -> dict[tuple[str, str, int], int]:
    """``_institution_counts``, kept ``SKILLREG_DASHBOARD_CACHE_SECONDS`` per (scope, region, day): a dashboard
    re-drawn with another range, and its exports, do not count the same month ends again."""
    seconds = settings.SKILLREG_DASHBOARD_CACHE_SECONDS
    if seconds <= 0 or not may_view(user):
        return _institution_counts(user, f, day)
    key = f"dashboards:institutions:{region_path(user)}:{f.region.pk}:{day.isoformat()}:{clock.today().isoformat()}"
    return _kept(key, seconds, lambda: _institution_counts(user, f, day))


def _kept(key: str, seconds: int, compute: Any) -> dict[Any, int]:
    """``compute()``'s counts, kept in the cache under ``key`` for ``seconds``."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return dict(found)


def _institution_counts(user: Any, f: Filters, day: dt.date) -> dict[tuple[str, str, int], int]:
    """(status, kind, region id) → number of filed institutions on ``day`` (one GROUP BY query).

    Status: the last status change in force that day (``filing_on(...).status``); kind: the version in force that
    day, the filing's own column when it has none. Filings not yet filed that day are not counted."""
    status_on = FilingStatusChange.objects.filter(filing=OuterRef("pk"), effective_on__lte=day).order_by(
        "-effective_on", "-id"
    )
    version_on = FilingVersion.objects.filter(in_force_q(day), filing=OuterRef("pk")).order_by("-number")
    rows = (
        _filings(user, f)
        .annotate(
            status_on=Subquery(status_on.values("to_status")[:1]),
            kind_on=Coalesce(Subquery(version_on.values("kind")[:1]), F("kind")),
        )
        .filter(status_on__isnull=False)
        .values_list("status_on", "kind_on", "region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(s, k, r): n for s, k, r, n in rows}


def _region_buckets(f: Filters, region_ids: set[int]) -> tuple[dict[int, str], list[str]]:
    """Each region id → the name of the region directly below the filter's region that holds it (or the filter's
    region itself, "…本级"), and the bucket names in code order."""
    base = f.region.path
    children = {r.code: r.name for r in Region.objects.filter(parent=f.region).order_by("code")}
    own = f"{f.region.name}本级"
    out: dict[int, str] = {}
    for pk, path in Region.objects.filter(pk__in=region_ids).values_list("pk", "path"):
        rest = path[len(base) + 1 :].split("/")[0] if path != base else ""
        out[pk] = children.get(rest, own) if rest else own
    order = [own, *children.values()]
    return out, order


def institution_charts(user: Any, f: Filters) -> list[Chart]:
    points = month_points(f.start, f.end)
    counts = [institution_counts(user, f, day) for day in points]
    labels = [month_label(d) for d in points]
    region_of, region_order = _region_buckets(f, {r for c in counts for (_, _, r) in c})

    def tally(key: Callable[[tuple[str, str, int]], str]) -> list[dict[str, int]]:
        out = []
        for c in counts:
            t: dict[str, int] = defaultdict(int)
            for k, n in c.items():
                t[key(k)] += n
            out.append(t)
        return out

    by_status = tally(lambda k: FilingStatus(k[0]).label)
    by_kind = tally(lambda k: InstitutionKind(k[1]).label if k[1] in InstitutionKind.values else k[1])
    by_region = tally(lambda k: region_of[k[2]])
    note = "每月末（所选截止日在月中时为截止日）在册的备案机构，按当日有效的状态和备案内容统计。"
    charts = []
    for key, title, tallies, order in (
        ("institutions-status", "备案机构数（按状态）", by_status, [s.label for s in FilingStatus]),
        ("institutions-kind", "备案机构数（按机构类别）", by_kind, [k.label for k in InstitutionKind]),
        ("institutions-region", "备案机构数（按地区）", by_region, region_order),
    ):
        names = [n for n in order if any(t.get(n) for t in tallies)]
        series, headers, rows = matrix(
            labels, names, lambda i, n, t=tallies: t[i].get(n, 0), first="月份", colors=STATUS_COLORS
        )
        charts.append(
            Chart(key, title, note, "bar", labels, series, headers, rows, filename=title.replace("（", "_").strip("）"))
        )
    return charts


# ----------------------------------------------------------------------------------------------- cases


def case_counts(user: Any, f: Filters, *, today: dt.date | None = None) -> dict[tuple[str, str], int]:
    """``_case_counts``, kept ``SKILLREG_DASHBOARD_CACHE_SECONDS`` per (scope, region, range, day), as the
    institution counts are: a dashboard re-drawn, or its export, within the period does not count again."""
    today = today or clock.today()
    seconds = settings.SKILLREG_DASHBOARD_CACHE_SECONDS
    if seconds <= 0 or not may_view(user):
        return _case_counts(user, f, today)
    span = f"{f.start.isoformat()}:{f.end.isoformat()}"
    key = f"dashboards:cases:{region_path(user)}:{f.region.pk}:{span}:{today.isoformat()}"
    return _kept(key, seconds, lambda: _case_counts(user, f, today))


def _case_counts(user: Any, f: Filters, today: dt.date) -> dict[tuple[str, str], int]:
    """(stage, clock state) → number of cases submitted in the range (stage = the case's state now; clock state
    that of its earliest running deadline, from the deadline index ``deadlines.index``), in two grouped queries."""
    index.ensure_current(reason="统计图表")
    soon = DueCache(get_calendar()).workdays_ahead(today, DUE_SOON_WORKDAYS)
    if not may_view(user):
        return {}
    regions = _case_regions(user, f)
    by_state = dict(_cases(user, f, regions).values_list("state").annotate(n=Count("id")).order_by())
    # Each running case once, by its earliest due day (the index marks that row): grouped by the day itself (a few
    # hundred groups) and classified here as the deadline dashboard does. The same cases as ``_cases`` (the index
    # holds no drafts), filtered on the index's own region column and joined to the case for its dates: as a
    # semi-join on ``_cases`` PostgreSQL hashed the 100,000 cases once per worker (350 ms).
    since, until = _span(f)
    running = (
        CaseDeadline.objects.filter(
            earliest=True,
            region_id__in=regions,
            application__submitted_at__gte=since,
            application__submitted_at__lt=until,
        )
        .values_list("application__state", "due_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[tuple[str, str], int] = defaultdict(int)
    for state, due, n in running:
        out[(state, classify(due, today, soon))] += n
    for state, n in by_state.items():
        rest = n - sum(v for (s, _), v in out.items() if s == state)
        if rest:
            out[(state, "none")] += rest
    return dict(out)


def case_chart(user: Any, f: Filters, *, today: dt.date | None = None) -> Chart:
    counts = case_counts(user, f, today=today)
    stages = [s for s in State if any(k[0] == s for k in counts)]
    labels = [s.label for s in stages]
    names = [CLOCK_LABELS[c] for c in CLOCK_ORDER if any(k[1] == c for k in counts)]
    by_label = {v: k for k, v in CLOCK_LABELS.items()}
    series, headers, rows = matrix(
        labels,
        names,
        lambda i, n: counts.get((stages[i].value, by_label[n]), 0),
        first="办理环节",
        colors={CLOCK_LABELS[k]: c for k, c in CLOCK_COLORS.items()},
    )
    note = (
        "所选期间内提交的申请，按其当前办理环节和法定期限状态统计；期限依各地管理办法的办理时限计算，"
        f"“即将届满”指{DUE_SOON_WORKDAYS}个工作日内届满。"
    )
    return Chart(
        "cases-stage",
        "申请办理情况（按环节和期限状态）",
        note,
        "hbar",
        labels,
        series,
        headers,
        rows,
        filename="申请办理情况",
    )


# ----------------------------------------------------------------------------------------------- certificates


def _plan_applicants(user: Any, f: Filters) -> dict[tuple[int, int], int]:
    limit = case_scope_q(user, "filing__") if may_view(user) else None
    if limit is None:
        return {}
    rows = (
        EvaluationPlan.objects.filter(limit)
        .filter(
            region_q(f.region, "filing__region"),
            ends_on__gte=f.start,
            ends_on__lte=f.end,
            status__in=RESULTS_IN,
        )
        .values_list("occupation_id", "level")
        .annotate(n=Sum("applicants"))
        .order_by()
    )
    return {(o, lv): n for o, lv, n in rows if n}


def applicants_by_occupation_level(user: Any, f: Filters) -> dict[tuple[int, int], int]:
    """THE denominator of every pass rate on the dashboards: applicants per (occupation id, level) in scope and
    range. A key missing from the answer is unknown ("—"). Wired to the ``applicants`` source when one is
    registered, else the results filed for the evaluation plans that ended in the range."""
    fn = sources.provider("applicants")
    return dict(fn(user, f)) if fn is not None else _plan_applicants(user, f)


def certificate_counts(user: Any, f: Filters) -> dict[tuple[int, int], int]:
    """(occupation id, level) → valid certificates issued in the range."""
    rows = (
        _certificate_counts(user, f)
        .filter(status=CertificateStatus.VALID, issue_date__gte=f.start, issue_date__lte=f.end)
        .values_list("occupation_id", "level")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return {(o, lv): n for o, lv, n in rows}


def certificate_charts(user: Any, f: Filters) -> list[Chart]:
    certs = certificate_counts(user, f)
    applicants = applicants_by_occupation_level(user, f)
    occ_ids = {o for o, _ in certs} | {o for o, _ in applicants}
    occupations = {o.pk: o for o in Occupation.objects.filter(pk__in=occ_ids).only("code", "name")}
    levels = sorted({lv for _, lv in certs} | {lv for _, lv in applicants}, reverse=True)
    per_occ: dict[int, int] = defaultdict(int)
    for (o, _), n in certs.items():
        per_occ[o] += n
    top = sorted(per_occ, key=lambda o: (-per_occ[o], occupations[o].code))[:TOP_OCCUPATIONS]
    top_labels = [occupations[o].name for o in top]
    level_names = [LEVEL_NAMES[lv] for lv in levels if any(certs.get((o, lv)) for o in top)]
    by_name = {LEVEL_NAMES[lv]: lv for lv in levels}
    series = [Series(n, [certs.get((o, by_name[n]), 0) for o in top]) for n in level_names]
    keys = sorted(set(certs) | set(applicants), key=lambda k: (occupations[k[0]].code, -k[1]))
    rows = [
        [
            occupations[o].code,
            occupations[o].name,
            LEVEL_NAMES[lv],
            certs.get((o, lv), 0),
            applicants.get((o, lv), UNKNOWN),
            rate_text(certs.get((o, lv), 0), applicants.get((o, lv))),
        ]
        for o, lv in keys
    ]
    cert_chart = Chart(
        "certificates-occupation",
        "证书发放（按职业和等级）",
        f"所选期间内发放且有效的职业技能等级证书；图中为证书数最多的{TOP_OCCUPATIONS}个职业（工种），表中列出全部。"
        "通过率 = 证书数 ÷ 报考人数，报考人数未报送的显示“—”。",
        "hbar",
        top_labels,
        series,
        ["职业编码", "职业（工种）", "等级", "证书数", "报考人数", "通过率"],
        rows,
        filename="证书发放_按职业和等级",
    )
    level_rows, rates = [], []
    for lv in levels:
        known = [k for k in applicants if k[1] == lv]
        passes = sum(certs.get(k, 0) for k in known)
        total = sum(applicants[k] for k in known)
        issued = sum(n for (o, lv2), n in certs.items() if lv2 == lv)
        rates.append(round(passes * 100 / total, 1) if total else None)
        level_rows.append([LEVEL_NAMES[lv], issued, total or UNKNOWN, rate_text(passes, total)])
    rate_chart = Chart(
        "pass-rate-level",
        "通过率（按等级）",
        "按等级汇总：只计已报送报考人数的职业（工种），通过率 = 其证书数 ÷ 其报考人数。",
        "bar",
        [LEVEL_NAMES[lv] for lv in levels],
        [Series("通过率", rates)],
        ["等级", "证书数", "报考人数", "通过率"],
        level_rows,
        stacked=False,
        percent=True,
        filename="通过率_按等级",
    )
    return [cert_chart, rate_chart]


# ----------------------------------------------------------------------------------------------- annual reports


def timeliness_chart(user: Any, f: Filters) -> Chart | None:
    """Annual-report timeliness per report year, when the annual-report app provides it (``sources``)."""
    fn = sources.provider("report_timeliness")
    rows: list[sources.TimelinessRow] = list(fn(user, f)) if fn is not None else []
    if not rows:
        return None
    rows.sort(key=lambda r: r.year)
    labels = [f"{r.year}年度" for r in rows]
    values = {
        "按时报送": [r.on_time for r in rows],
        "逾期报送": [r.late for r in rows],
        "未报送": [r.missing for r in rows],
    }
    colors = {"按时报送": "#2e8b57", "逾期报送": "#e67e22", "未报送": "#c0392b"}
    series, headers, table = matrix(labels, list(values), lambda i, n: values[n][i], first="报告年度", colors=colors)
    return Chart(
        "reports-timeliness",
        "年度工作总结报送情况",
        "按报告年度统计各机构年度工作总结在规定期限内报送、逾期报送和未报送的数量。",
        "bar",
        labels,
        series,
        headers,
        table,
        filename="年度工作总结报送情况",
    )


# ----------------------------------------------------------------------------------------------- the page


# Each group of charts, by the prefix of its charts' keys (an export computes only its own group).
GROUPS: dict[str, Callable[[Any, Filters], list[Chart]]] = {
    "institutions": institution_charts,
    "cases": lambda user, f: [case_chart(user, f)],
    "certificates": certificate_charts,
    "pass": certificate_charts,
    "reports": lambda user, f: [c for c in [timeliness_chart(user, f)] if c is not None],
}


def dashboard(user: Any, f: Filters) -> list[Chart]:
    charts = [*institution_charts(user, f), case_chart(user, f), *certificate_charts(user, f)]
    timely = timeliness_chart(user, f)
    if timely is not None:
        charts.append(timely)
    return charts


def chart_by_key(user: Any, f: Filters, key: str) -> Chart | None:
    group = GROUPS.get(key.split("-")[0])
    if group is None:
        return None
    return next((c for c in group(user, f) if c.key == key), None)


__all__ = [
    "CLOCK_LABELS",
    "Filters",
    "applicants_by_occupation_level",
    "case_chart",
    "case_counts",
    "certificate_charts",
    "certificate_counts",
    "chart_by_key",
    "dashboard",
    "default_filters",
    "filter_regions",
    "institution_charts",
    "institution_counts",
    "may_view",
    "timeliness_chart",
]
