"""Scoped reads of evaluation plans: lists, the review queue, the calendar, the anomalies (100% passes, a
venue used by two plans at once, an examiner in two places on one day) and ``results_by_level`` for the
annual report. An institution sees its own unit's plans, staff those of their region and below; anyone
else nothing. A plan outside the scope is a 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from skillreg.accounts import scope
from skillreg.institutions.models import EvaluationType, Filing
from skillreg.institutions.selectors import filing_timeline

from .checks import examiner_key, filed_venues, person_index, registered_examiners, registered_supervisors
from .models import ACTIVE, RESULTS_IN, EvaluationPlan, PlanStatus, PlanStatusChange, RosterEntry


def plans_for(
    user: Any,
    *,
    filing: Filing | None = None,
    status: str = "",
    occupation: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    region: str = "",
) -> QuerySet[EvaluationPlan]:
    limit = scope.case_scope_q(user, "filing__")
    if limit is None:
        return EvaluationPlan.objects.none()
    qs = EvaluationPlan.objects.filter(limit).select_related("filing", "filing__region", "occupation")
    if filing is not None:
        qs = qs.filter(filing=filing)
    if status:
        qs = qs.filter(status=status)
    if occupation:
        qs = qs.filter(Q(occupation__code__startswith=occupation) | Q(occupation__name__contains=occupation))
    if date_from:
        qs = qs.filter(ends_on__gte=date_from)
    if date_to:
        qs = qs.filter(starts_on__lte=date_to)
    if region:
        qs = qs.filter(filing__region__code=region)
    return qs.order_by("-starts_on", "number")


def plan_for(user: Any, pk: int) -> EvaluationPlan:
    plan = plans_for(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该评价计划")
    return plan


def review_queue(user: Any) -> QuerySet[EvaluationPlan]:
    """Plans waiting for staff: reported plans and filed results, oldest first."""
    if not scope.is_staff_member(user):
        return EvaluationPlan.objects.none()
    return (
        plans_for(user)
        .filter(status__in=[PlanStatus.REPORTED, PlanStatus.RESULTS_FILED])
        .order_by("reported_at", "starts_on")
    )


def occupation_names(codes: set[str]) -> dict[str, str]:
    from skillreg.occupations.models import Occupation

    return dict(Occupation.objects.filter(code__in=codes).values_list("code", "name"))


def plan_history(plan: EvaluationPlan) -> list[PlanStatusChange]:
    """The plan's status history, each row with ``action_label`` (the step's Chinese name) for the page."""
    from .workflow import ACTION_LABELS

    rows = list(PlanStatusChange.objects.filter(plan=plan).select_related("actor").order_by("at", "id"))
    for row in rows:
        row.action_label = ACTION_LABELS.get(row.action, "其他操作")  # type: ignore[attr-defined]
    return rows


def roster_of(plan: EvaluationPlan) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(plan=plan).select_related("occupation").order_by("row")


def roster_keys(plan_id: int) -> dict[str, tuple[str, str]]:
    """The roster as the certificate import matches it: "blind index|occupation id|level" → (name, number)."""
    rows = RosterEntry.objects.filter(plan_id=plan_id).values_list(
        "holder_id_index", "occupation_id", "level", "holder_name", "certificate_number"
    )
    return {f"{i}|{o}|{lv}": (name, number) for i, o, lv, name, number in rows}


@dataclass(frozen=True)
class PlanChoices:
    """What the report form offers, from the filing version in force on ``day``."""

    venues: list[str]
    examiners: list[dict[str, Any]]
    supervisors: list[str]
    scope: dict[str, frozenset[int]]


def plan_choices(filing: Filing, day: dt.date) -> PlanChoices:
    on = filing_timeline(filing).on(day)
    if on.version is None:
        return PlanChoices([], [], [], {})
    return PlanChoices(
        filed_venues(on.version),
        list((on.version.people or {}).get("examiners", [])),
        registered_supervisors(on.version),
        on.scope,
    )


def qualified_examiners(filing: Filing, occupation: Any, level: int, day: dt.date) -> list[dict[str, Any]]:
    on = filing_timeline(filing).on(day)
    return registered_examiners(on.version, occupation, level) if on.version else []


# ----------------------------------------------------------------------------- anomalies


@dataclass
class Anomaly:
    kind: str  # full_pass | venue_overlap | examiner_overlap | examiner_elsewhere | late_report
    label: str
    detail: str
    plans: list[EvaluationPlan] = field(default_factory=list)
    visible: set[int] = field(default_factory=set)  # the plans the staff member may open (their scope)

    def __post_init__(self) -> None:
        if not self.visible:
            self.visible = {p.pk for p in self.plans}


ANOMALY_LABELS = {
    "full_pass": "合格率100%",
    "venue_overlap": "同一场地同时用于两个评价计划",
    "examiner_overlap": "同一考评人员同日在两处评价",
    "examiner_elsewhere": "同一考评人员同日在两家机构评价",
    "late_report": "逾期报备",
}


def _overlap(a: EvaluationPlan, b: EvaluationPlan) -> bool:
    if a.starts_at and a.ends_at and b.starts_at and b.ends_at:
        return a.starts_at < b.ends_at and b.starts_at < a.ends_at
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def _same_day(a: EvaluationPlan, b: EvaluationPlan) -> bool:
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def _booked_elsewhere(mine: list[EvaluationPlan]) -> list[Anomaly]:
    """One person (the blind index of the ID number registered with each filing) in plans of two institutions
    on one day, at least one of them the staff member's. Plans are grouped by person and day, so the work grows
    with the bookings, not with the square of a day's plans; only plans booking a person of ``mine`` are kept."""
    ids = {p.pk for p in mine}
    people = {person_index(e) for p in mine for e in p.examiners if person_index(e)}
    if not people:
        return []
    lo, hi = min(p.starts_on for p in mine), max(p.ends_on for p in mine)
    # every institution's active plans of those days (another institution's plan is the point); its own read,
    # so that the within-institution pairs above can read only the listed institutions' plans
    pool = EvaluationPlan.objects.filter(status__in=ACTIVE, starts_on__lte=hi, ends_on__gte=lo).select_related(
        "filing", "occupation"
    )
    by_person_day: dict[tuple[str, dt.date], list[tuple[EvaluationPlan, str]]] = defaultdict(list)
    for p in pool:
        for e in p.examiners:
            index = person_index(e)
            if index in people:
                d = p.starts_on
                while d <= p.ends_on:
                    by_person_day[(index, d)].append((p, str(e.get("name", ""))))
                    d += dt.timedelta(days=1)
    found: dict[tuple[int, int], tuple[EvaluationPlan, EvaluationPlan, dict[str, str]]] = {}
    for (index, _day), booked in by_person_day.items():
        for i, (a, name_a) in enumerate(booked):
            for b, name_b in booked[i + 1 :]:
                if a.filing_id == b.filing_id or (a.pk not in ids and b.pk not in ids):
                    continue
                (x, nx), (y, ny) = sorted([(a, name_a), (b, name_b)], key=lambda t: t[0].pk)
                pair = found.setdefault((x.pk, y.pk), (x, y, {}))
                pair[2][index] = nx if nx == ny else f"{nx}／{ny}"
    out = []
    for a, b, names in found.values():
        where = "时间重叠" if _overlap(a, b) else "同日"
        out.append(
            Anomaly(
                "examiner_elsewhere",
                ANOMALY_LABELS["examiner_elsewhere"],
                f"考评人员：{'、'.join(sorted(names.values()))}（{where}，两家机构均登记该人员）",
                [a, b],
                visible={p.pk for p in (a, b) if p.pk in ids},
            )
        )
    return out


def anomalies(
    user: Any, *, date_from: dt.date | None = None, date_to: dt.date | None = None, kind: str = ""
) -> list[Anomaly]:
    """The anomalies among the staff member's plans (their region and below), newest first. A pair is
    listed when at least one of its plans is in scope (the other may be another region's: an examiner's
    other booking is the point); the other plan is then shown by number and institution only."""
    if not scope.is_staff_member(user):
        return []
    mine = list(plans_for(user, date_from=date_from, date_to=date_to).filter(status__in=ACTIVE))
    out: list[Anomaly] = []
    for p in mine:
        if p.applicants and p.passes == p.applicants:
            out.append(
                Anomaly("full_pass", ANOMALY_LABELS["full_pass"], f"报考 {p.applicants} 人，合格 {p.passes} 人", [p])
            )
        if p.reported_late:
            out.append(Anomaly("late_report", ANOMALY_LABELS["late_report"], f"报备于 {p.reported_at:%Y-%m-%d}", [p]))
    if mine:
        lo, hi = min(p.starts_on for p in mine), max(p.ends_on for p in mine)
        # Both kinds of pair are two plans of one institution (the checks below): only the plans of the
        # institutions of ``mine`` can pair with them, and plans are paired per institution and day — not
        # every plan of the province with every other on a busy day (issue 16).
        pool = list(
            EvaluationPlan.objects.filter(
                status__in=ACTIVE, starts_on__lte=hi, ends_on__gte=lo, filing_id__in={p.filing_id for p in mine}
            ).select_related("filing", "occupation")
        )
    else:
        pool = []
    ids = {p.pk for p in mine}
    seen: set[tuple[str, int, int]] = set()
    by_day: dict[tuple[int, dt.date], list[EvaluationPlan]] = defaultdict(list)
    for p in pool:
        d = p.starts_on
        while d <= p.ends_on:
            by_day[(p.filing_id, d)].append(p)
            d += dt.timedelta(days=1)
    booked = {p.pk: {examiner_key(e): e.get("name", "") for e in p.examiners} for p in pool}
    for day_plans in by_day.values():
        for i, a in enumerate(day_plans):
            for b in day_plans[i + 1 :]:
                if a.pk not in ids and b.pk not in ids:
                    continue
                pair = (min(a.pk, b.pk), max(a.pk, b.pk))
                if a.venue and a.venue == b.venue and a.filing_id == b.filing_id and _overlap(a, b):
                    if ("venue", *pair) not in seen:
                        seen.add(("venue", *pair))
                        out.append(
                            Anomaly("venue_overlap", ANOMALY_LABELS["venue_overlap"], f"场地：{a.venue}", [a, b])
                        )
                shared = booked[a.pk]
                for e in b.examiners:
                    key = examiner_key(e)
                    if key in shared and a.filing_id == b.filing_id:
                        if ("examiner", *pair) not in seen and _same_day(a, b):
                            seen.add(("examiner", *pair))
                            where = "时间重叠" if _overlap(a, b) else "同日"
                            out.append(
                                Anomaly(
                                    "examiner_overlap",
                                    ANOMALY_LABELS["examiner_overlap"],
                                    f"考评人员：{shared[key]}（{where}，场地：{a.venue or '—'}／{b.venue or '—'}）",
                                    [a, b],
                                )
                            )
    out += _booked_elsewhere(mine)
    if kind:
        out = [a for a in out if a.kind == kind]
    return sorted(out, key=lambda a: max(p.starts_on for p in a.plans), reverse=True)


# ----------------------------------------------------------------------------- annual report figures


def full_pass_counts(filing: Filing, year: int) -> tuple[int, int]:
    """(plans that ended in ``year`` with results filed or accepted, those of them in which every applicant passed —
    the ``full_pass`` anomaly) for one filing: the periodic evaluation's pass-rate item (AH-4.2, HN-2)."""
    rows = EvaluationPlan.objects.filter(filing=filing, ends_on__year=year, status__in=RESULTS_IN).values_list(
        "applicants", "passes"
    )
    plans = list(rows)
    return len(plans), sum(1 for a, p in plans if a and p == a)


def results_by_level(filing: Filing, year: int) -> dict[str, Any]:
    """Applicants, passes and pass rate of the filing's plans that ended in ``year`` with results filed or
    accepted (AH-att3 三、(一)), per evaluation type (qualification and skill_level apart), per level, and
    per occupation ranked by applicants. Shape::

        {"year": 2026, "plans": 3,
         "by_type": {"skill_level": {"label": "职业技能等级认定",
                                      "levels": [{"level": 4, "label": "四级/中级工", "applicants": 40,
                                                  "passes": 32, "pass_rate": 0.8, "plans": 2}, …],
                                      "applicants": 40, "passes": 32, "pass_rate": 0.8}, …},
         "by_occupation": [{"evaluation_type": "skill_level", "code": "4-10-01-02", "name": "…",
                            "applicants": 40, "passes": 32, "pass_rate": 0.8,
                            "levels": {4: {"applicants": 40, "passes": 32}}}, …]}

    Only plans in results_filed, results_accepted or closed count; levels 1 … 5 in descending order
    (五级 first), occupations by applicants then passes, descending."""
    plans = list(
        EvaluationPlan.objects.filter(
            filing=filing,
            ends_on__year=year,
            status__in=[PlanStatus.RESULTS_FILED, PlanStatus.RESULTS_ACCEPTED, PlanStatus.CLOSED],
        ).select_related("occupation")
    )

    def rate(a: int, p: int) -> float | None:
        return round(p / a, 4) if a else None

    types: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    occs: dict[tuple[str, str], dict[str, Any]] = {}
    for p in plans:
        a, n = p.applicants or 0, p.passes or 0
        cell = types[p.evaluation_type][p.level]
        cell[0] += a
        cell[1] += n
        cell[2] += 1
        o = occs.setdefault(
            (p.evaluation_type, p.occupation.code),
            {
                "evaluation_type": p.evaluation_type,
                "code": p.occupation.code,
                "name": p.occupation.name,
                "applicants": 0,
                "passes": 0,
                "levels": {},
            },
        )
        o["applicants"] += a
        o["passes"] += n
        lv = o["levels"].setdefault(p.level, {"applicants": 0, "passes": 0})
        lv["applicants"] += a
        lv["passes"] += n
    by_type: dict[str, Any] = {}
    for t, levels in types.items():
        rows: list[dict[str, Any]] = [
            {
                "level": lv,
                "label": EvaluationPlan(level=lv).level_label,
                "applicants": c[0],
                "passes": c[1],
                "pass_rate": rate(c[0], c[1]),
                "plans": c[2],
            }
            for lv, c in sorted(levels.items(), reverse=True)
        ]
        total_a, total_p = sum(c[0] for c in levels.values()), sum(c[1] for c in levels.values())
        by_type[t] = {
            "label": EvaluationType(t).label if t in EvaluationType.values else t,
            "levels": rows,
            "applicants": total_a,
            "passes": total_p,
            "pass_rate": rate(total_a, total_p),
        }
    ranked = sorted(occs.values(), key=lambda o: (-o["applicants"], -o["passes"], o["code"]))
    for o in ranked:
        o["pass_rate"] = rate(o["applicants"], o["passes"])
    return {"year": year, "plans": len(plans), "by_type": by_type, "by_occupation": ranked}


def calendar_weeks(plans: list[EvaluationPlan], month_start: dt.date) -> list[list[dict[str, Any]]]:
    """A month as weeks (Monday first) of days, each with the plans held that day."""
    first = month_start.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    weeks: list[list[dict[str, Any]]] = []
    day = start
    while day < nxt or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(
            {
                "day": day,
                "in_month": first <= day < nxt,
                "plans": [p for p in plans if p.starts_on <= day <= p.ends_on],
            }
        )
        day += dt.timedelta(days=1)
    return weeks
