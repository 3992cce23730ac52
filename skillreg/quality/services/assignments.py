"""Sending external supervisors to an evaluation plan (选派, 人社职司便函〔2020〕53号), reproducibly like the
inspection draw (``supervision.draw``): ``draw_commit`` fixes a fresh seed's SHA-256; ``draw_run`` reads the
register, runs the pure ``draw.run_assignment``, stores snapshot and result, reveals the seed and creates the
assignments. ``assignment_designate`` names one supervisor by hand and is refused for the same reasons the draw
leaves people out. This module is the only writer of ``SupervisorAssignment.status`` (``assignment_transition``)."""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

from django.db import transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit
from skillreg.evaluations.models import EvaluationPlan, PlanStatus
from skillreg.supervision import draw

from ..models import (
    AssignmentStatus,
    ConflictKind,
    ExternalSupervisor,
    SupervisorAssignment,
    SupervisorConflict,
    SupervisorDraw,
)
from ..registers import candidate_of, engagement_for, plan_code, supervisor_register
from ..workflow import ASSIGNMENT_TRANSITIONS
from ._common import ensure_staff

# The plan statuses in which supervisors may be sent: acknowledged by staff, evaluation not yet over.
SENDABLE = (PlanStatus.ACKNOWLEDGED,)

EXCLUSION_LABELS = {
    "inactive": "暂停选派或已解聘",
    "recused": "须回避（工作单位即该机构，或已申报利害关系）",
    "term": "聘期未覆盖评价日期",
    "occupation": "督导职业（工种）不符",
    "region": "督导地区不符",
    "booked": "已选派到时间重叠的其他评价计划",
}


def _check_plan(actor: Any, plan: EvaluationPlan) -> None:
    ensure_staff(actor)
    if not scope.supervises(actor, plan.filing):
        raise PermissionDeniedError("该评价计划不在本机关监管范围内", code="QUALITY_NOT_ALLOWED")
    if plan.status not in SENDABLE:
        raise TransitionNotAllowed(
            f"评价计划当前状态为“{plan.get_status_display()}”，须经确认后才能选派质量督导员",
            code="PLAN_NOT_ACKNOWLEDGED",
        )
    if plan.ends_on < clock.today():
        raise TransitionNotAllowed("该评价计划已结束，不能再选派质量督导员", code="PLAN_OVER")


def draw_commit(*, plan: EvaluationPlan, count: int, actor: Any) -> SupervisorDraw:
    """Fix the seed of a draw before it is made: its SHA-256 is shown and recorded now, the seed later."""
    _check_plan(actor, plan)
    if not 1 <= count <= 10:
        raise ValidationFailed("选派人数应为 1 至 10 名", code="DRAW_SAMPLE_INVALID", field="count")
    seed = secrets.token_hex(32)
    with transaction.atomic():
        row = SupervisorDraw.objects.create(
            plan=plan,
            authority=actor.authority,
            count=count,
            seed_hash=draw.seed_hash(seed),
            seed=seed,
            committed_at=clock.now(),
            committed_by=actor,
        )
        audit_record(
            actor=actor,
            action="quality.draw_commit",
            obj=row,
            summary=f"评价计划 {plan.number} 质量督导员选派：随机种子承诺值已生成",
            after={"seed_hash": row.seed_hash, "count": count},
        )
    return row


def _shortfall(candidates: list[draw.Candidate], engagement: draw.Engagement) -> str:
    reasons = Counter(draw.exclusion(c, engagement) for c in candidates)
    parts = [f"{EXCLUSION_LABELS[k]} {n} 名" for k, n in sorted(reasons.items(), key=lambda x: str(x[0])) if k]
    return "；".join(parts)


def draw_run(*, row: SupervisorDraw, actor: Any) -> SupervisorDraw:
    """Draw once with the committed seed; nothing is written when too few supervisors are eligible."""
    with transaction.atomic():
        locked = SupervisorDraw.objects.select_for_update().select_related("plan__filing__unit").get(pk=row.pk)
        plan = (
            EvaluationPlan.objects.select_for_update()
            .select_related("filing__unit", "filing__region", "occupation")
            .get(pk=locked.plan_id)
        )
        _check_plan(actor, plan)
        if locked.authority_id != actor.authority_id:
            raise PermissionDeniedError("只有生成随机种子的机关可以选派", code="QUALITY_NOT_ALLOWED")
        if locked.drawn:
            raise TransitionNotAllowed("该次选派已完成，不能重复抽取", code="DRAW_ALREADY_DONE")
        engagement = engagement_for(plan, locked.count)
        candidates = supervisor_register(locked.authority, plan)
        try:
            result = draw.run_assignment(str(locked.seed), engagement, candidates)
        except draw.DrawError as exc:
            detail = _shortfall(candidates, engagement) if exc.code == "DRAW_NOT_ENOUGH_SUPERVISORS" else ""
            raise ValidationFailed(exc.message + (f"（{detail}）" if detail else ""), code=exc.code) from None
        by_number = {s.number: s for s in ExternalSupervisor.objects.filter(authority=locked.authority)}
        for key in result.chosen:
            SupervisorAssignment.objects.create(
                draw=locked, plan=plan, supervisor=by_number[key], assigned_at=clock.now()
            )
        locked.engagement = draw.engagement_json(engagement)
        locked.register = [draw.candidate_json(c) for c in sorted(candidates, key=lambda c: c.person.key)]
        locked.result = result.as_json()
        locked.register_digest = result.register_digest
        locked.drawn_at = clock.now()
        locked.save(update_fields=["engagement", "register", "result", "register_digest", "drawn_at"])
        audit_record(
            actor=actor,
            action="quality.draw",
            obj=locked,
            summary=f"评价计划 {plan.number} 随机选派质量督导员 {'、'.join(result.chosen)}",
            after={"register_digest": result.register_digest, "chosen": list(result.chosen)},
        )
    return locked


def assignment_designate(
    *, plan: EvaluationPlan, supervisor: ExternalSupervisor, reason: str, actor: Any
) -> SupervisorAssignment:
    """Name one supervisor for the plan (e.g. a rare occupation): refused for every reason the draw would leave
    the person out — their own institution first."""
    _check_plan(actor, plan)
    if supervisor.authority_id != actor.authority_id:
        raise PermissionDeniedError("只能选派本机关名录中的质量督导员", code="QUALITY_NOT_ALLOWED")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写指定选派的理由", code="DESIGNATE_REASON_REQUIRED", field="reason")
    with transaction.atomic():
        locked = ExternalSupervisor.objects.select_for_update().get(pk=supervisor.pk)
        candidates = {c.person.key: c for c in supervisor_register(actor.authority, plan)}
        engagement = engagement_for(plan, 1)
        why = draw.exclusion(candidates[locked.number], engagement)
        if why == "recused":
            own = bool(locked.unit_uscc and locked.unit_uscc == plan.filing.unit.uscc)
            raise ValidationFailed(
                f"督导员 {locked.name} 的工作单位即被督导机构“{plan.filing.name}”，不能选派其督导本单位的评价活动"
                if own
                else f"督导员 {locked.name} 已申报与“{plan.filing.name}”存在利害关系，应当回避，不能选派",
                code="SUPERVISOR_OWN_INSTITUTION" if own else "SUPERVISOR_CONFLICTED",
                field="supervisor",
            )
        if why == "term":
            raise ValidationFailed(
                f"督导员 {locked.name} 的聘期（{locked.term_from:%Y-%m-%d} 至 {locked.term_to:%Y-%m-%d}）"
                f"未覆盖评价日期 {plan.starts_on:%Y-%m-%d} 至 {plan.ends_on:%Y-%m-%d}，不能选派",
                code="SUPERVISOR_TERM_EXPIRED",
                field="supervisor",
            )
        if why is not None:
            raise ValidationFailed(
                f"督导员 {locked.name} 不能选派：{EXCLUSION_LABELS[why]}",
                code="SUPERVISOR_NOT_ELIGIBLE",
                field="supervisor",
            )
        a = SupervisorAssignment.objects.create(draw=None, plan=plan, supervisor=locked, assigned_at=clock.now())
        audit_record(
            actor=actor,
            action="quality.designate",
            obj=a,
            summary=f"评价计划 {plan.number} 指定选派质量督导员 {locked.number}：{reason}",
            after={"number": locked.number, "reason": reason},
        )
    return a


def assignment_transition(
    *, assignment: SupervisorAssignment, action: str, actor: Any, reason: str = ""
) -> SupervisorAssignment:
    """The only writer of ``SupervisorAssignment.status`` (report filed, or recusal). Call inside the caller's
    transaction when it writes more (the report)."""
    t = ASSIGNMENT_TRANSITIONS[action]
    with transaction.atomic():
        locked = SupervisorAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status not in t.sources:
            if action == "report" and locked.status == AssignmentStatus.REPORTED:
                raise TransitionNotAllowed("已提交过本计划的督导报告，不能重复提交", code="REPORT_ALREADY_FILED")
            raise TransitionNotAllowed(
                f"选派记录当前状态为“{locked.get_status_display()}”，不能{t.label}", code="ASSIGNMENT_TRANSITION"
            )
        before = locked.status
        locked.status = t.target
        fields = ["status"]
        if action == "recuse":
            locked.recusal_reason = check_length(
                reason, limit=column_limit(SupervisorAssignment, "recusal_reason"), field="reason", label="回避原因"
            )
            fields.append("recusal_reason")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=f"quality.assignment_{action}",
            obj=locked,
            summary=f"督导员 {locked.supervisor.number} {t.label}（评价计划 {locked.plan.number}）",
            before={"status": before},
            after={"status": t.target, **({"reason": reason} if reason else {})},
        )
    return locked


def assignment_recuse(*, assignment: SupervisorAssignment, reason: str, actor: Any) -> SupervisorAssignment:
    """A conflict found after the draw (the supervisor declares it, or staff record it): the assignment is
    withdrawn and the conflict registered, so a supplementary draw never picks the person for this institution."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写回避原因", code="CONFLICT_REASON_REQUIRED", field="reason")
    # stored whole both as the assignment's recusal reason and as the registered conflict's (same limit)
    check_length(reason, limit=column_limit(SupervisorAssignment, "recusal_reason"), field="reason", label="回避原因")
    sup = assignment.supervisor
    is_own = scope.is_quality_supervisor(actor) and sup.user_id == actor.pk
    if not is_own:
        ensure_staff(actor)
        if sup.authority_id != actor.authority_id:
            raise PermissionDeniedError("只能管理本机关的质量督导员", code="QUALITY_NOT_ALLOWED")
    with transaction.atomic():
        done = assignment_transition(assignment=assignment, action="recuse", actor=actor, reason=reason)
        SupervisorConflict.objects.get_or_create(
            supervisor=sup,
            filing=assignment.plan.filing,
            defaults={
                "kind": ConflictKind.OTHER,
                "reason": reason,
                "declared_at": clock.now(),
                "declared_by": actor,
            },
        )
    return done


__all__ = [
    "EXCLUSION_LABELS",
    "assignment_designate",
    "assignment_recuse",
    "assignment_transition",
    "candidate_of",
    "draw_commit",
    "draw_run",
    "plan_code",
]
