"""Rating the service (政务服务“好差评”, 国办发〔2019〕51号): once a case (filing, change, renewal) has ended, its
applicant rates how it was handled — five grades and a comment, once per case. A poor rating (不满意 / 非常不满意)
opens a follow-up: a return visit to verify (回访核实), rectification, and feedback to the rater within
``SKILLREG_RATING_FOLLOWUP_WORKING_DAYS`` working days (docs/decisions.md, "好差评"). ``followup_transition`` is
the only writer of ``RatingFollowUp.status``; the table of its moves is ``FOLLOWUP_TRANSITIONS``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed

from ..models import FollowUpStatus, RatingFollowUp, RatingFollowUpEvent, RatingGrade, ServiceRating

RATING_BASIS = "《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）"
COMMENT_MAX = 1000


@dataclass(frozen=True)
class FollowUpMove:
    action: str
    source: str
    target: str
    label: str
    note_field: str  # the follow-up field the move's note is kept in


# The follow-up's state machine: open → rectifying (回访核实) → closed (整改并反馈评价人).
FOLLOWUP_TRANSITIONS: dict[str, FollowUpMove] = {
    m.action: m
    for m in [
        FollowUpMove("visit", FollowUpStatus.OPEN, FollowUpStatus.RECTIFYING, "回访核实", "visit_note"),
        FollowUpMove("close", FollowUpStatus.RECTIFYING, FollowUpStatus.CLOSED, "整改并反馈", "resolution"),
    ]
}


def rateable(application: Any) -> bool:
    """Has the case ended (any end state: filed, refused, not accepted, withdrawn, abandoned)?"""
    from skillreg.applications.models import TERMINAL_STATES

    return application.state in TERMINAL_STATES


def rating_submit(*, application: Any, grade: Any, comment: str, actor: Any) -> ServiceRating:
    """The applicant's one rating of an ended case. A poor grade opens its follow-up in the same transaction."""
    if not scope.is_institution(actor) or getattr(actor, "unit_id", None) != application.unit_id:
        raise PermissionDeniedError("只有办件的申请单位可以评价", code="RATING_NOT_ALLOWED")
    if not rateable(application):
        raise TransitionNotAllowed("办件办结后才能评价", code="RATING_CASE_OPEN")
    try:
        grade = RatingGrade(int(grade))
    except (TypeError, ValueError):
        raise ValidationFailed("请选择评价等级", code="RATING_GRADE_INVALID", field="grade") from None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(f"评价意见不能超过 {COMMENT_MAX} 字", code="RATING_COMMENT_TOO_LONG", field="comment")
    poor = grade in (RatingGrade.DISSATISFIED, RatingGrade.VERY_DISSATISFIED)
    if poor and not comment:
        raise ValidationFailed(
            "评价为“不满意”或“非常不满意”时，请写明不满意的事项，以便回访整改",
            code="RATING_COMMENT_REQUIRED",
            field="comment",
        )
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                application=application,
                authority_id=application.authority_id,
                region_id=application.region_id,
                grade=grade,
                comment=comment,
                rated_at=clock.now(),
                rated_by=actor,
            )
            due_on = None
            if poor:
                due_on = followup_due_on(clock.today())
                follow_up = RatingFollowUp.objects.create(rating=rating, due_on=due_on, opened_at=clock.now())
                RatingFollowUpEvent.objects.create(
                    follow_up=follow_up,
                    action="open",
                    to_status=FollowUpStatus.OPEN,
                    note=comment,
                    actor=actor,
                    at=clock.now(),
                )
            audit_record(
                actor=actor,
                action="rating.submit",
                obj=rating,
                summary=f"评价办件 {application.number or application.pk}：{grade.label}",
                after={"grade": grade.label, "comment": comment, "follow_up_due_on": due_on},
            )
    except IntegrityError:
        raise TransitionNotAllowed("该办件已评价，每件只能评价一次", code="RATING_ALREADY_GIVEN") from None
    return rating


def followup_due_on(opened_on: Any) -> Any:
    """The last day of a follow-up opened on ``opened_on``: that many working days later."""
    from skillreg.workcalendar.selectors import get_calendar

    return get_calendar().add_working_days(opened_on, settings.SKILLREG_RATING_FOLLOWUP_WORKING_DAYS).date


def followup_transition(*, follow_up: RatingFollowUp, action: str, note: str, actor: Any) -> RatingFollowUp:
    """Staff of the rated authority's region (or above) record the return visit, then the rectification and the
    feedback to the rater. Each move needs its note; a move from the wrong state is refused."""
    move = FOLLOWUP_TRANSITIONS.get(action)
    if move is None:
        raise ValidationFailed("操作不正确", code="FOLLOWUP_ACTION_INVALID")
    if not scope.supervises(actor, follow_up.rating):
        raise PermissionDeniedError("该评价不在本机关办理范围内", code="FOLLOWUP_NOT_ALLOWED")
    note = (note or "").strip()
    if not note:
        message = "请填写回访核实情况" if action == "visit" else "请填写整改情况和给评价人的反馈"
        raise ValidationFailed(message, code="FOLLOWUP_NOTE_REQUIRED", field="note")
    if len(note) > 5000:
        raise ValidationFailed("内容不能超过 5000 字", code="FOLLOWUP_NOTE_TOO_LONG", field="note")
    with transaction.atomic():
        locked = RatingFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.status != move.source:
            raise TransitionNotAllowed(
                f"当前状态为“{locked.get_status_display()}”，不能{move.label}", code="FOLLOWUP_TRANSITION_NOT_ALLOWED"
            )
        locked.status = move.target
        setattr(locked, move.note_field, note)
        fields = ["status", move.note_field]
        if move.target == FollowUpStatus.CLOSED:
            locked.closed_at = clock.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
        RatingFollowUpEvent.objects.create(
            follow_up=locked,
            action=action,
            from_status=move.source,
            to_status=move.target,
            note=note,
            actor=actor,
            at=clock.now(),
        )
        audit_record(
            actor=actor,
            action=f"rating.followup_{action}",
            obj=locked,
            summary=f"差评{move.label}（办件 {locked.rating.application.number or locked.rating.application_id}）",
            before={"status": move.source},
            after={"status": move.target, "note": note},
        )
    return locked
