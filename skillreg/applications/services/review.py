"""Staff side: acceptance, technical evaluation, multi-step review, publicity, decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from skillreg.accounts.scope import is_expert
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import length_error, raise_length_errors
from skillreg.institutions.services import filing_create

from ..eligibility import evaluate_application, unresolved_review_items
from ..models import Application, Assessment, Decision, Publicity, State, SupplementRequest
from ._common import ensure_handling_staff, transition

CHECKLIST_COMMENT_MAX = 500  # a reviewer's comment on one checklist item (stored in Decision.checklist's JSON)


def _require(text: str, field: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code="REQUIRED", field=field)
    return text


def supplement_request(
    *, application: Application, actor: Any, items: list[str], note: str = "", version: int | None = None
) -> SupplementRequest:
    """Tell the applicant everything to supplement, at once (CQ-10)."""
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise ValidationFailed("请列明需要补正的全部材料", code="SUPPLEMENT_ITEMS_REQUIRED", field="items")
    with transaction.atomic():
        transition(application, "request_supplement", actor=actor, version=version, reason=note, data={"items": items})
        request = SupplementRequest.objects.create(
            application=application, items=items, requested_by=actor, requested_at=clock.now(), response_note=""
        )
        from skillreg.deadlines.index import refresh_case

        refresh_case(application)  # the supplement period runs from the request (CQ-10)
        return request


def application_accept(*, application: Application, actor: Any, version: int | None = None) -> Application:
    with transaction.atomic():
        transition(application, "accept", actor=actor, version=version, updates={"accepted_at": clock.now()})
    return application


def _decide(
    application: Application,
    action: str,
    outcome: str,
    *,
    actor: Any,
    reasons: str,
    basis: str,
    version: int | None,
    policy_record: dict[str, Any] | None = None,
    checklist: list[dict[str, Any]] | None = None,
    updates: dict[str, Any] | None = None,
) -> Decision:
    reasons = _require(reasons, "reasons", "理由")
    basis = _require(basis, "basis", "依据")
    transition(
        application,
        action,
        actor=actor,
        version=version,
        reason=reasons,
        basis=basis,
        updates={"decided_at": clock.now(), **(updates or {})},
    )
    return Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons,
        basis=basis,
        decided_by=actor,
        authority=actor.authority,
        decided_at=clock.now(),
        policy_record=policy_record,
        checklist=checklist or [],
    )


def application_refuse_acceptance(
    *, application: Application, actor: Any, reasons: str, basis: str, version: int | None = None
) -> Decision:
    """不予受理 — states reasons and basis (CQ-10)."""
    with transaction.atomic():
        return _decide(
            application,
            "refuse_acceptance",
            Decision.Outcome.NOT_ACCEPTED,
            actor=actor,
            reasons=reasons,
            basis=basis,
            version=version,
        )


def assessment_assign(
    *, application: Application, actor: Any, method: str, expert: Any, version: int | None = None
) -> Assessment:
    """Assign a technical-evaluation task (材料验核 / 专家论证 / 现场考察, CQ-11) to an expert."""
    if method not in Assessment.Method.values:
        raise ValidationFailed("请选择评估方式", code="ASSESSMENT_METHOD_INVALID", field="method")
    if not is_expert(expert) or not expert.is_active:
        raise ValidationFailed("所选人员不是评审专家", code="NOT_AN_EXPERT", field="expert")
    if application.assessments.filter(method=method, expert=expert).exists():
        raise ValidationFailed("该专家已承担此项评估", code="ASSESSMENT_DUPLICATE", field="expert")
    with transaction.atomic():
        transition(
            application,
            "assign_assessment",
            actor=actor,
            version=version,
            data={"method": method, "expert": expert.get_username()},
        )
        return Assessment.objects.create(
            application=application, method=method, expert=expert, assigned_by=actor, assigned_at=clock.now()
        )


def assessment_submit(*, assessment: Assessment, actor: Any, opinion: str, recommendation: str) -> Assessment:
    """The assigned expert records an opinion. Only the assigned expert may; only once."""
    if assessment.expert_id != getattr(actor, "pk", None):
        raise PermissionDeniedError("只有被指派的专家可以提交此评估意见", code="NOT_ASSIGNED_EXPERT")
    if assessment.submitted_at:
        raise TransitionNotAllowed("评估意见已提交，不能重复提交", code="ASSESSMENT_ALREADY_SUBMITTED")
    if assessment.application.state != State.UNDER_EVALUATION:
        raise TransitionNotAllowed("申请已不在技术评估阶段", code="NOT_UNDER_EVALUATION")
    opinion = _require(opinion, "opinion", "评估意见")
    if recommendation not in Assessment.Recommendation.values:
        raise ValidationFailed("请选择评估结论", code="RECOMMENDATION_INVALID", field="recommendation")
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, submitted_at__isnull=True).update(
            opinion=opinion, recommendation=recommendation, submitted_at=clock.now()
        )
        if updated != 1:
            raise TransitionNotAllowed("评估意见已提交，不能重复提交", code="ASSESSMENT_ALREADY_SUBMITTED")
        assessment.refresh_from_db()
        audit_record(
            actor=actor,
            action="assessment.submit",
            obj=assessment,
            summary=f"提交{assessment.get_method_display()}意见：{assessment.application.institution_name}",
            after={"recommendation": recommendation},
        )
    return assessment


def _evaluation_done(application: Application) -> None:
    tasks = list(application.assessments.all())
    if not tasks:
        raise TransitionNotAllowed("尚未安排技术评估（材料验核、专家论证、现场考察）", code="NO_ASSESSMENT")
    pending = [t for t in tasks if not t.submitted_at]
    if pending:
        raise TransitionNotAllowed(f"还有 {len(pending)} 项技术评估未提交意见", code="ASSESSMENT_PENDING")


def _current_step(application: Application) -> dict[str, Any]:
    steps = (application.route or {}).get("steps", [])
    return steps[application.route_step] if application.route_step < len(steps) else {}


def _is_final_step(application: Application) -> bool:
    steps = (application.route or {}).get("steps", [])
    return application.route_step >= len(steps) - 1


def application_forward(
    *, application: Application, actor: Any, opinion: str, version: int | None = None
) -> Application:
    """Pass the case to the next authority of its route (HN-1: 区县初审 → 市审核 → 省审批)."""
    from skillreg.accounts.models import Authority

    ensure_handling_staff(application, actor)
    opinion = _require(opinion, "opinion", "审核意见")
    if _is_final_step(application):
        raise TransitionNotAllowed("本机关是最后一级，请直接作出备案决定", code="NO_NEXT_STEP")
    step = _current_step(application)
    if step.get("role") != "initial_review":
        _evaluation_done(application)
    nxt = application.route["steps"][application.route_step + 1]
    target = Authority.objects.get(code=nxt["authority"])
    with transaction.atomic():
        transition(
            application,
            "forward",
            actor=actor,
            version=version,
            reason=opinion,
            target=State.UNDER_EVALUATION,
            updates={"authority": target, "route_step": application.route_step + 1},
            data={"to": target.code, "step": nxt["label"]},
        )
        Decision.objects.create(
            application=application,
            outcome=Decision.Outcome.FORWARDED,
            reasons=opinion,
            basis=step.get("rule", ""),
            decided_by=actor,
            authority=actor.authority,
            decided_at=clock.now(),
        )
    return application


def publicity_start(
    *, application: Application, actor: Any, starts_on: dt.date, ends_on: dt.date, text: str, version: int | None = None
) -> Publicity:
    """Publicise a selected social training-evaluation organisation (CQ-11 第二款)."""
    ensure_handling_staff(application, actor)
    _evaluation_done(application)
    text = _require(text, "text", "公示内容")
    if starts_on < clock.today():
        # a notice back-dated into the past could be closed at once, never seen by anyone (issue 12, item 14)
        raise ValidationFailed("公示开始日期不能早于今天", code="PUBLICITY_BACKDATED", field="starts_on")
    if ends_on < starts_on:
        raise ValidationFailed("公示结束日期不能早于开始日期", code="PUBLICITY_DATES_INVALID", field="ends_on")
    if hasattr(application, "publicity"):
        raise TransitionNotAllowed("该申请已公示过", code="PUBLICITY_EXISTS")
    with transaction.atomic():
        transition(
            application,
            "start_publicity",
            actor=actor,
            version=version,
            data={"starts_on": starts_on, "ends_on": ends_on},
        )
        from skillreg.supervision.services.notices import selection_publicity_publish

        # The public 公示 (issue 13): starts today or later; the public objects on it during the period.
        selection_publicity_publish(
            application=application, starts_on=starts_on, ends_on=ends_on, text=text, actor=actor
        )
        return Publicity.objects.create(application=application, starts_on=starts_on, ends_on=ends_on, text=text)


def publicity_close(*, application: Application, actor: Any, version: int | None = None) -> Publicity:
    """End the 公示 after its period. The objections are the records lodged on the public notice (issue 13): each
    must be answered first; their summary is recorded with the publicity and the transition."""
    from skillreg.supervision.services.notices import selection_objections_outcome

    ensure_handling_staff(application, actor)
    pub = application.publicity
    if clock.today() <= pub.ends_on:
        raise TransitionNotAllowed(
            f"公示期至 {pub.ends_on:%Y年%m月%d日} 届满，届满后方可结束公示", code="PUBLICITY_RUNNING"
        )
    objections, unanswered = selection_objections_outcome(application)
    if unanswered:
        raise TransitionNotAllowed(
            f"公示期内收到的异议尚有 {unanswered} 件未答复，答复后方可结束公示", code="PUBLICITY_OBJECTIONS_OPEN"
        )
    with transaction.atomic():
        transition(application, "close_publicity", actor=actor, version=version, reason=objections)
        pub.objections = objections.strip()
        pub.closed_at = clock.now()
        pub.save(update_fields=["objections", "closed_at"])
    return pub


def application_file(
    *,
    application: Application,
    actor: Any,
    reasons: str,
    basis: str,
    checklist: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Decision:
    """予以备案: issue the filing code and receipt (CQ-11, CQ-12). Needs the technical evaluation done,
    publicity closed where the route requires it, and every reviewer checklist item confirmed."""
    ensure_handling_staff(application, actor)
    if not _is_final_step(application):
        raise TransitionNotAllowed("本机关不是最后一级，请审核后报送上级", code="NOT_FINAL_STEP")
    _evaluation_done(application)
    if (application.route or {}).get("publicity_required"):
        pub = getattr(application, "publicity", None)
        if pub is None or pub.closed_at is None:
            raise TransitionNotAllowed("社会培训评价组织须经择优遴选并公示期满后方可备案", code="PUBLICITY_REQUIRED")
    record = evaluate_application(application)
    if settings.SKILLREG_FILING_REQUIRES_ELIGIBLE:
        blocking = [r for r in record["results"] if r["outcome"] in ("fail", "missing")]
        if blocking:
            raise ValidationFailed(
                f"有 {len(blocking)} 项备案条件不符合或缺少事实，不能予以备案；请告知补正或作出不予备案决定",
                code="NOT_ELIGIBLE",
                items=[
                    {"key": r["key"], "message": f"{r['title']} {r.get('scope_label', '')}：{r['message']}"}
                    for r in blocking
                ],
            )
    checklist = checklist or []
    raise_length_errors(
        [
            e
            for item in checklist
            if (
                e := length_error(
                    str(item.get("comment") or ""),
                    limit=CHECKLIST_COMMENT_MAX,
                    field=f"comment_{item.get('key', '')}",
                    label="核查意见",
                )
            )
            is not None
        ]
    )
    open_items = unresolved_review_items(record, checklist)
    if open_items:
        raise ValidationFailed(
            f"还有 {len(open_items)} 项需人工核查的条件未确认", code="CHECKLIST_INCOMPLETE", items=open_items
        )
    with transaction.atomic():
        decision = _decide(
            application,
            "file",
            Decision.Outcome.FILED,
            actor=actor,
            reasons=reasons,
            basis=basis,
            version=version,
            policy_record=record,
            checklist=checklist,
        )
        copy_to = bool((application.route or {}).get("copy_to"))
        if application.for_filing_id:  # change or renewal: a new version of the same filing (issue 10)
            from .lifecycle import lifecycle_file

            lifecycle_file(application=application, decision=decision, actor=actor)
            return decision
        filing_create(
            application=application,
            authority=actor.authority,
            actor=actor,
            copy_to_province=copy_to,
            decision=decision,
        )
    return decision


def application_refuse(
    *, application: Application, actor: Any, reasons: str, basis: str, version: int | None = None
) -> Decision:
    """不予备案 — written notice with reasons and basis (CQ-11)."""
    record = evaluate_application(application)
    with transaction.atomic():
        return _decide(
            application,
            "refuse",
            Decision.Outcome.REFUSED,
            actor=actor,
            reasons=reasons,
            basis=basis,
            version=version,
            policy_record=record,
        )


def application_withdraw(
    *, application: Application, actor: Any, reason: str = "", version: int | None = None
) -> Application:
    with transaction.atomic():
        transition(application, "withdraw", actor=actor, version=version, reason=reason)
    return application
