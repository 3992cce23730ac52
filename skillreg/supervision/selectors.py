"""Reads of supervision records."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from skillreg.accounts import scope
from skillreg.accounts.models import Role
from skillreg.core import clock
from skillreg.core.paging import FirstRows

from . import draw
from .models import (
    Complaint,
    ComplaintStatus,
    CreditGrade,
    Inspection,
    InspectionAssignment,
    InspectionPlan,
    InspectorEntry,
    Notice,
    Objection,
    ObjectionStatus,
    Rectification,
)


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


# ----------------------------------------------------------------------------- notices and objections (public)


def public_notices(topic: str = "") -> QuerySet[Notice]:
    """Notices already published (started today or earlier), newest first."""
    qs = Notice.objects.filter(starts_on__lte=clock.today()).select_related("authority")
    if topic:
        qs = qs.filter(topic=topic)
    return qs


def public_notices_for_filing(filing: Any) -> list[Notice]:
    """The published notices about one filed institution (exit, cancellation, inspection …), newest first."""
    return list(public_notices().filter(filing=filing))


def public_notice(pk: int) -> Notice:
    notice = public_notices().prefetch_related("attachments").filter(pk=pk).first()
    if notice is None:
        raise Http404("未找到该公示公告")
    return notice


def objection_lookup(tracking_no: str, query_code: str) -> Objection | None:
    """The objection with this number whose query code matches; ``None`` otherwise (no hint which one is wrong)."""
    from .services.notices import code_digest

    obj = Objection.objects.select_related("notice").filter(tracking_no=(tracking_no or "").strip().upper()).first()
    if obj is None or not hmac.compare_digest(obj.code_hash, code_digest(query_code or "")):
        return None
    return obj


def objections_for_staff(user: Any) -> QuerySet[Objection]:
    """Objections to notices of the staff member's region and below (none for anyone else)."""
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return Objection.objects.none()
    return Objection.objects.filter(scope.region_q(user, "notice__region")).select_related("notice")


def pending_objections(user: Any) -> QuerySet[Objection]:
    """Objections in the staff member's scope still to be answered, the oldest first."""
    return objections_for_staff(user).filter(status=ObjectionStatus.SUBMITTED).order_by("submitted_at", "id")


def objection_for_staff(user: Any, pk: int) -> Objection:
    obj = objections_for_staff(user).filter(pk=pk).first()
    if obj is None:
        raise Http404("未找到该异议")
    return obj


def notice_objections(notice: Notice) -> list[Objection]:
    return list(notice.objections.order_by("submitted_at"))


# ----------------------------------------------------------------------------- 双随机、一公开


def public_plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.select_related("authority", "plan_notice", "result_notice")


def public_plan(pk: int) -> InspectionPlan:
    plan = public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该抽查计划")
    return plan


def plans_for_staff(user: Any) -> QuerySet[InspectionPlan]:
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return InspectionPlan.objects.none()
    return public_plans().filter(authority_id=user.authority_id)


def plan_for_staff(user: Any, pk: int) -> InspectionPlan:
    plan = plans_for_staff(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该抽查计划")
    return plan


def assignments_for_inspector(user: Any) -> QuerySet[InspectionAssignment]:
    """An inspector sees only the targets drawn for them."""
    if not scope.is_inspector(user):
        return InspectionAssignment.objects.none()
    return InspectionAssignment.objects.filter(inspector__user=user).select_related("plan", "filing")


def plan_assignments(plan: InspectionPlan) -> list[tuple[str, str, list[str]]]:
    """(code, name, inspector numbers) in draw order, from the published snapshot."""
    names = {row[0]: row[2] for row in plan.registers.get("targets", [])}
    return [(code, names.get(code, ""), list(keys)) for code, keys in plan.result.get("assignments", [])]


@dataclass(frozen=True)
class DrawCheck:
    """Anyone's re-run of a draw: each line is one thing that must hold."""

    plan: InspectionPlan
    seed: str
    seed_matches: bool  # sha256(seed) is the commitment published before the draw
    snapshot_matches: bool  # the published registers give the published register digest
    result_matches: bool  # the re-run with (seed, published registers, parameters) gives the published result
    register_unchanged: bool | None  # today's reading of the registers as of the plan date equals the snapshot
    rerun: draw.DrawResult | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.seed_matches and self.snapshot_matches and self.result_matches


def draw_check(plan: InspectionPlan, seed: str | None = None, *, reread_registers: bool = True) -> DrawCheck:
    """Re-run a completed draw from its published data (``seed`` overrides the revealed one, to show that
    another seed is detectably different). Nothing is written."""
    from .registers import inspectable_register, inspector_register
    from .services.plans import plan_params

    used = (seed if seed is not None else str(plan.seed or "")).strip()
    targets = draw.targets_from_json(plan.registers.get("targets", []))
    inspectors = draw.inspectors_from_json(plan.registers.get("inspectors", []))
    params = plan_params(plan)
    seed_ok = bool(used) and draw.seed_hash(used) == plan.seed_hash
    snapshot_ok = draw.register_digest(targets, inspectors, params) == plan.register_digest
    unchanged = None
    if reread_registers:
        now_t = inspectable_register(plan.authority, plan.inspect_on, plan.institution_kind)
        now_i = inspector_register(plan.authority)
        unchanged = draw.register_digest(now_t, now_i, params) == plan.register_digest
    try:
        rerun = draw.run_draw(used, targets, inspectors, params)
    except draw.DrawError as exc:
        return DrawCheck(plan, used, seed_ok, snapshot_ok, False, unchanged, None, exc.message)
    return DrawCheck(plan, used, seed_ok, snapshot_ok, rerun.as_json() == plan.result, unchanged, rerun)


# ----------------------------------------------------------------------------- rectification pages


def rectifications_for(user: Any) -> QuerySet[Rectification]:
    """Staff: their region and below; an institution: its own unit's; nobody else."""
    q = scope.case_scope_q(user, "filing__")
    if q is None:
        return Rectification.objects.none()
    return Rectification.objects.filter(q).select_related("filing", "filing__unit")


def open_rectifications(user: Any) -> QuerySet[Rectification]:
    """The staff member's open rectifications, the most urgent first: by rectification period (整改期限; those
    without one after), then by the day they were ordered."""
    return (
        rectifications_for(user)
        .filter(closed_at__isnull=True)
        .order_by(F("due_on").asc(nulls_last=True), "ordered_on", "id")
    )


def rectification_for(user: Any, pk: int) -> Rectification:
    r = rectifications_for(user).prefetch_related("evidence").filter(pk=pk).first()
    if r is None:
        raise Http404("未找到该整改")
    return r


def plan_for_notice(notice: Notice) -> InspectionPlan | None:
    """The plan a plan or result notice belongs to (for the link to the public re-run)."""
    return InspectionPlan.objects.filter(Q(plan_notice=notice) | Q(result_notice=notice)).first()


def staff_filing_by_code(user: Any, code: str) -> Any:
    """A filing of the staff member's region or below, by 备案编码; 404 otherwise."""
    from skillreg.institutions.models import Filing

    q = scope.case_scope_q(user) if scope.is_staff_member(user) else None
    filing = Filing.objects.filter(q, code=(code or "").strip()).first() if q is not None else None
    if filing is None:
        raise Http404("未找到该备案机构")
    return filing


def inspector_candidates(user: Any) -> list[Any]:
    """Inspector-role users not yet on the staff member's authority's register (for the enrol form)."""
    from django.contrib.auth import get_user_model

    if not scope.is_staff_member(user):
        return []
    on = InspectorEntry.objects.filter(authority_id=user.authority_id).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(scope.role_users_q(Role.INSPECTOR)).exclude(pk__in=on).order_by("username")
    return [u for u in users if scope.is_inspector(u)]


def inspector_entries(user: Any) -> QuerySet[InspectorEntry]:
    if not scope.is_staff_member(user):
        return InspectorEntry.objects.none()
    return InspectorEntry.objects.filter(authority_id=user.authority_id).select_related("user")


# ----------------------------------------------------------------------------- inspections


def inspections_for(user: Any) -> QuerySet[Inspection]:
    """An inspector: the inspections they lead or were drawn for; staff: their region's; nobody else."""
    qs = Inspection.objects.select_related("filing", "plan", "inspector__user", "rectification")
    if scope.is_inspector(user):
        drawn = InspectionAssignment.objects.filter(inspector__user=user).values_list("plan_id", "filing_id")
        q = Q(inspector__user=user)
        for plan_id, filing_id in drawn:
            q |= Q(plan_id=plan_id, filing_id=filing_id)
        return qs.filter(q)
    if scope.is_staff_member(user) and getattr(user, "authority_id", None):
        return qs.filter(scope.region_q(user, "filing__region"))
    return qs.none()


def inspection_for(user: Any, pk: int) -> Inspection:
    inspection = inspections_for(user).prefetch_related("evidence").filter(pk=pk).first()
    if inspection is None:
        raise Http404("未找到该检查")
    return inspection


# ----------------------------------------------------------------------------- complaints


def complaint_lookup(tracking_no: str, query_code: str) -> Complaint | None:
    from .services.notices import code_digest

    c = Complaint.objects.select_related("filing").filter(tracking_no=(tracking_no or "").strip().upper()).first()
    if c is None or not hmac.compare_digest(c.code_hash, code_digest(query_code or "")):
        return None
    return c


def complaints_for_staff(user: Any) -> QuerySet[Complaint]:
    """Complaints about institutions of the staff member's region and below."""
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return Complaint.objects.none()
    return Complaint.objects.filter(scope.region_q(user)).select_related("filing", "assigned_to", "authority")


def open_complaints(user: Any) -> QuerySet[Complaint]:
    """Complaints in the staff member's scope not yet answered (办结), the earliest handling deadline first."""
    return complaints_for_staff(user).exclude(status=ComplaintStatus.ANSWERED).order_by("due_on", "submitted_at", "id")


def complaint_for_staff(user: Any, pk: int) -> Complaint:
    c = complaints_for_staff(user).prefetch_related("attachments").filter(pk=pk).first()
    if c is None:
        raise Http404("未找到该投诉举报")
    return c


def complaint_statistics(user: Any) -> list[dict[str, Any]]:
    """Counts by institution, category and status (CQ-27 statistics) within the staff member's scope."""
    from django.db.models import Count

    from .models import ComplaintCategory, ComplaintOutcome, ComplaintStatus

    rows = list(
        complaints_for_staff(user)
        .values("filing__code", "filing__name", "category", "status", "outcome")
        .annotate(n=Count("id"))
        .order_by("filing__code", "category", "status")
    )
    for r in rows:  # labels for people; the codes stay for exports
        r["category_label"] = ComplaintCategory(r["category"]).label
        r["status_label"] = ComplaintStatus(r["status"]).label
        r["outcome_label"] = ComplaintOutcome(r["outcome"]).label if r["outcome"] else "—"
    return rows


def authority_staff(user: Any) -> list[Any]:
    from django.contrib.auth import get_user_model

    if not scope.is_staff_member(user):
        return []
    return [
        u
        for u in get_user_model().objects.filter(authority_id=user.authority_id).order_by("username")
        if scope.is_staff_member(u)
    ]


# ----------------------------------------------------------------------------- credit


def public_credit_history(code: str) -> tuple[Any, list[CreditGrade]]:
    """A filed institution's published grades, newest first (public information, CQ-29 及时公布评估结果)."""
    from skillreg.institutions.selectors import public_filing_by_code

    filing = public_filing_by_code(code)
    return filing, list(CreditGrade.objects.filter(filing=filing).select_related("notice"))


# ----------------------------------------------------------------------------- 好差评 (ratings)


def ended_cases_for_institution(user: Any) -> Any:
    """The institution user's ended cases, newest first, each with its rating (or ``None``)."""
    from skillreg.applications.models import TERMINAL_STATES, Application

    from .models import ServiceRating

    if not scope.is_institution(user) or not getattr(user, "unit_id", None):
        return []
    cases = FirstRows(
        Application.objects.filter(unit_id=user.unit_id, state__in=TERMINAL_STATES)
        .select_related("authority")
        .order_by("-decided_at", "-id"),
        50,
    )
    ratings = {r.application_id: r for r in ServiceRating.objects.filter(application__in=cases.rows)}
    return cases.with_rows([(a, ratings.get(a.pk)) for a in cases])


def rateable_case(user: Any, pk: int) -> Any:
    """One of the institution user's own cases (any state: the service refuses an open one); 404 otherwise."""
    from skillreg.applications.models import Application

    if not scope.is_institution(user) or not getattr(user, "unit_id", None):
        raise Http404("未找到该办件")
    app = Application.objects.select_related("authority").filter(pk=pk, unit_id=user.unit_id).first()
    if app is None:
        raise Http404("未找到该办件")
    return app


def case_rating(application: Any) -> Any:
    from .models import ServiceRating

    return ServiceRating.objects.filter(application=application).select_related("follow_up").first()


def ratings_for_staff(user: Any) -> QuerySet[Any]:
    """Ratings of cases handled by authorities of the staff member's region and below."""
    from .models import ServiceRating

    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return ServiceRating.objects.none()
    return ServiceRating.objects.filter(scope.region_q(user)).select_related("application", "authority")


def followups_for_staff(user: Any) -> QuerySet[Any]:
    from .models import RatingFollowUp

    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return RatingFollowUp.objects.none()
    return RatingFollowUp.objects.filter(scope.region_q(user, "rating__region")).select_related(
        "rating__application", "rating__authority"
    )


def followup_for_staff(user: Any, pk: int) -> Any:
    f = followups_for_staff(user).prefetch_related("events__actor").filter(pk=pk).first()
    if f is None:
        raise Http404("未找到该差评回访")
    return f


def rating_statistics(user: Any) -> list[dict[str, Any]]:
    """Per authority in scope: count by grade, the satisfaction rate (基本满意 and better), poor ratings and
    their follow-ups (open, overdue today)."""
    from django.db.models import Count

    from .models import POOR_GRADES, FollowUpStatus, RatingGrade

    today = clock.today()
    per: dict[int, dict[str, Any]] = {}
    rows = ratings_for_staff(user).values("authority_id", "authority__name", "grade").annotate(n=Count("id"))
    for r in rows:
        s = per.setdefault(
            r["authority_id"],
            {"authority": r["authority__name"], "grades": {g.value: 0 for g in RatingGrade}, "total": 0},
        )
        s["grades"][r["grade"]] += r["n"]
        s["total"] += r["n"]
    open_fu = followups_for_staff(user).exclude(status=FollowUpStatus.CLOSED).values("rating__authority_id", "due_on")
    for s in per.values():
        s["open_followups"] = 0
        s["overdue_followups"] = 0
    for f in open_fu:
        row = per.get(f["rating__authority_id"])
        if row is not None:
            row["open_followups"] += 1
            row["overdue_followups"] += 1 if f["due_on"] < today else 0
    out = []
    for s in sorted(per.values(), key=lambda x: x["authority"]):
        poor = sum(s["grades"][g] for g in POOR_GRADES)
        s["poor"] = poor
        s["satisfied_rate"] = f"{(s['total'] - poor) * 100 / s['total']:.1f}%" if s["total"] else "—"
        s["by_grade"] = [(g.label, s["grades"][g.value]) for g in RatingGrade]
        out.append(s)
    return out


# ----------------------------------------------------------------------------- exports (staff, their region)


def plans_in_region(user: Any) -> QuerySet[InspectionPlan]:
    """Plans of authorities in the staff member's region and below (for the exports)."""
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope.region_q(user, "authority__region")).select_related("authority")
