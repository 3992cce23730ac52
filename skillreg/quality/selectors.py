"""Scoped reads of quality supervision. Staff: their authority's region and below; a quality supervisor: only
the plans it is sent to; an institution: its own plans, and who was sent only once the evaluation is over.
Anything else is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from skillreg.accounts import scope
from skillreg.accounts.models import Role
from skillreg.core import clock
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.selectors import filing_on
from skillreg.supervision import draw

from .models import (
    AssignmentStatus,
    ExternalSupervisor,
    QualityReport,
    ReportPhoto,
    ReportProblem,
    SupervisorAssignment,
    SupervisorDraw,
)

# ----------------------------------------------------------------------------- the register


def supervisors_for(user: Any) -> QuerySet[ExternalSupervisor]:
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return ExternalSupervisor.objects.none()
    return (
        ExternalSupervisor.objects.filter(scope.region_q(user, "authority__region"))
        .select_related("authority", "user")
        .prefetch_related("occupations", "regions")
        .order_by("authority__code", "number")
    )


def supervisor_for(user: Any, pk: int) -> ExternalSupervisor:
    sup = (
        supervisors_for(user)
        .prefetch_related("trainings", "conflicts__filing", "status_changes", "assignments__plan__filing")
        .filter(pk=pk)
        .first()
    )
    if sup is None:
        raise Http404("未找到该质量督导员")
    return sup


def occupations_by_code(codes: list[str]) -> list[Any]:
    from skillreg.occupations.models import Occupation

    return list(Occupation.objects.filter(code__in=codes)) if codes else []


def regions_by_code(codes: list[str]) -> list[Any]:
    from skillreg.regions.models import Region

    return list(Region.objects.filter(code__in=codes)) if codes else []


def filing_by_code_for_staff(user: Any, code: str) -> Any:
    from skillreg.institutions.models import Filing

    if not scope.is_staff_member(user):
        return None
    return Filing.objects.filter(scope.region_q(user, "region"), code=code).first()


def supervisor_accounts_free(user: Any) -> list[Any]:
    """Quality-supervisor logins not yet tied to a register entry (for the enrol form)."""
    from django.contrib.auth import get_user_model

    if not scope.is_staff_member(user):
        return []
    taken = ExternalSupervisor.objects.exclude(user=None).values_list("user_id", flat=True)
    users = (
        get_user_model()
        .objects.filter(scope.role_users_q(Role.QUALITY_SUPERVISOR), is_active=True)
        .exclude(pk__in=taken)
        .order_by("username")
    )
    return [u for u in users if scope.is_quality_supervisor(u)]


# ----------------------------------------------------------------------------- plans


def plans_for_staff(user: Any) -> QuerySet[EvaluationPlan]:
    if not scope.is_staff_member(user) or not getattr(user, "authority_id", None):
        return EvaluationPlan.objects.none()
    return (
        EvaluationPlan.objects.filter(scope.region_q(user, "filing__region"))
        .select_related("filing__unit", "filing__region", "occupation")
        .order_by("starts_on", "id")
    )


def plan_for_staff(user: Any, pk: int) -> EvaluationPlan:
    plan = plans_for_staff(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该评价计划")
    return plan


def assignments_of(plan: EvaluationPlan) -> list[SupervisorAssignment]:
    return list(
        SupervisorAssignment.objects.filter(plan=plan).select_related("supervisor", "draw", "report").order_by("id")
    )


def draws_of(plan: EvaluationPlan) -> list[SupervisorDraw]:
    return list(SupervisorDraw.objects.filter(plan=plan).order_by("committed_at", "id"))


def draw_by_id(pk: int) -> SupervisorDraw | None:
    """For the verification command (run by an operator on the server; nothing is written)."""
    return SupervisorDraw.objects.filter(pk=pk).select_related("plan").first()


def draw_for_staff(user: Any, pk: int) -> SupervisorDraw:
    row = SupervisorDraw.objects.filter(plan__in=plans_for_staff(user), pk=pk).select_related("plan").first()
    if row is None:
        raise Http404("未找到该次选派")
    return row


# ----------------------------------------------------------------------------- the supervisor's own work


def assignments_for_supervisor(user: Any) -> QuerySet[SupervisorAssignment]:
    if not scope.is_quality_supervisor(user):
        return SupervisorAssignment.objects.none()
    return (
        SupervisorAssignment.objects.filter(supervisor__user=user)
        .select_related("plan__filing", "plan__occupation", "supervisor")
        .order_by("plan__starts_on", "id")
    )


def assignment_for_supervisor(user: Any, pk: int) -> SupervisorAssignment:
    a = assignments_for_supervisor(user).filter(pk=pk).first()
    if a is None:
        raise Http404("未找到该督导任务")
    return a


# ----------------------------------------------------------------------------- reports


def reports_for_staff(user: Any) -> QuerySet[QualityReport]:
    return (
        QualityReport.objects.filter(assignment__plan__in=plans_for_staff(user))
        .select_related("assignment__plan__filing", "assignment__supervisor")
        .prefetch_related(
            Prefetch("problems", queryset=ReportProblem.objects.select_related("rectification").order_by("seq"))
        )
        .order_by("-filed_at")
    )


def report_for_user(user: Any, pk: int) -> QualityReport:
    """Staff of the plan's region, or the supervisor who filed it."""
    if scope.is_staff_member(user):
        qs = reports_for_staff(user)
    elif scope.is_quality_supervisor(user):
        qs = QualityReport.objects.filter(assignment__supervisor__user=user)
    else:
        raise Http404("未找到该督导报告")
    report = qs.prefetch_related("photos", "problems").filter(pk=pk).first()
    if report is None:
        raise Http404("未找到该督导报告")
    return report


def photo_for_user(user: Any, pk: int) -> ReportPhoto:
    photo = ReportPhoto.objects.filter(pk=pk).select_related("report").first()
    if photo is None:
        raise Http404("未找到该照片")
    report_for_user(user, photo.report_id)  # 404 unless the user may read the report
    return photo


def problem_for_staff(user: Any, pk: int) -> ReportProblem:
    problem = (
        ReportProblem.objects.filter(report__in=reports_for_staff(user), pk=pk)
        .select_related("report__assignment__plan__filing")
        .first()
    )
    if problem is None:
        raise Http404("未找到该问题")
    return problem


# ----------------------------------------------------------------------------- the institution's view


def plans_for_institution(user: Any) -> QuerySet[EvaluationPlan]:
    if not scope.is_institution(user) or not getattr(user, "unit_id", None):
        return EvaluationPlan.objects.none()
    return (
        EvaluationPlan.objects.filter(filing__unit_id=user.unit_id)
        .select_related("filing", "occupation")
        .order_by("-starts_on", "id")
    )


def sent_after_the_fact(plan: EvaluationPlan, today: dt.date | None = None) -> list[SupervisorAssignment]:
    """Who was sent to the plan, shown to the institution only once the evaluation is over (decisions.md)."""
    if plan.ends_on >= (today or clock.today()):
        return []
    return [a for a in assignments_of(plan) if a.status != AssignmentStatus.RECUSED]


# ----------------------------------------------------------------------------- internal supervisors (内督)


@dataclass(frozen=True)
class InternalSupervisors:
    names: list[str]
    required: int | None  # the pack's minimum, None when the pack names no number
    basis: str  # 文号 and article
    review_only: bool  # the pack asks for supervisors without a number (a reviewer judges)

    @property
    def short(self) -> bool:
        return self.required is not None and len(self.names) < self.required


def internal_supervisors(filing: Any, day: dt.date) -> InternalSupervisors:
    """The filing version's internal quality supervisors on ``day`` (``filing_on``) and the minimum the rule
    packs of the filing's region set (WX-6.2.2 ≥2, GZ-6.6 ≥3; CQ-7.3 asks for them without a number)."""
    from skillreg.policy.loader import default_packset

    on = filing_on(filing, day)
    people = (on.version.people if on.version is not None else {}) or {}
    names = [str(n) for n in people.get("supervisors", [])]
    try:
        comp = default_packset().compose(filing.region.code, day)
    except Exception:  # noqa: BLE001 - no pack in force: nothing to compare against
        return InternalSupervisors(names, None, "", False)
    hit = comp.parameters.get("min_internal_quality_supervisors")
    if hit is not None:
        param, lp = hit
        kinds = {str(k) for k in lp.pack.metadata.kinds}
        if not kinds or filing.kind in kinds:
            return InternalSupervisors(names, int(param.value), _basis(lp, param.cite.article), False)
    for cond, lp in comp.conditions:
        if "督导" in cond.cite.quote:
            return InternalSupervisors(names, None, _basis(lp, cond.cite.article), True)
    return InternalSupervisors(names, None, "", False)


def _basis(lp: Any, article: str) -> str:
    md = lp.pack.metadata
    return f"《{md.title}》" + (f"（{md.doc_number}）" if md.doc_number else "") + article


# ----------------------------------------------------------------------------- re-running a draw


@dataclass(frozen=True)
class DrawCheck:
    row: SupervisorDraw
    seed: str
    seed_matches: bool
    snapshot_matches: bool
    result_matches: bool
    rerun: draw.AssignmentResult | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.seed_matches and self.snapshot_matches and self.result_matches


def draw_check(row: SupervisorDraw, seed: str | None = None) -> DrawCheck:
    """Re-run a completed supervisor draw from its stored register and parameters (``seed`` overrides the
    revealed one, to show another seed is detectably different). Nothing is written."""
    used = (seed if seed is not None else str(row.seed or "")).strip()
    if not row.drawn:
        return DrawCheck(row, used, False, False, False, None, "该次选派尚未抽取")
    engagement = draw.engagement_from_json(row.engagement)
    candidates = [draw.candidate_from_json(r) for r in row.register]
    seed_ok = bool(used) and draw.seed_hash(used) == row.seed_hash
    snapshot_ok = draw.assignment_digest(engagement, candidates) == row.register_digest
    try:
        rerun = draw.run_assignment(used, engagement, candidates)
    except draw.DrawError as exc:
        return DrawCheck(row, used, seed_ok, snapshot_ok, False, None, exc.message)
    return DrawCheck(row, used, seed_ok, snapshot_ok, rerun.as_json() == row.result, rerun)
