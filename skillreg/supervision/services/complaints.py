"""Complaints and reports (投诉举报; CQ-27, AH-4.3, HN-3, WX-7.3): a public channel, routed to the institution's
filing authority ("谁备案，谁监管"), with a handling deadline, assignment, the answer to the complainant, and
escalation of a verified complaint to an inspection (CQ-28 path) or a rectification (CQ-30).
``complaint_assign`` / ``complaint_answer`` are the only writers of ``Complaint.status``."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit
from skillreg.institutions.models import Filing

from .. import basis
from ..models import Complaint, ComplaintAttachment, ComplaintCategory, ComplaintOutcome, ComplaintStatus
from ._files import attach_stored, stored_uploads
from .credit import credit_record
from .inspections import inspection_propose
from .notices import code_digest, new_query_code
from .rectification import rectification_order

CONTACT_MAX = 64  # Complaint.contact is encrypted (no column limit): a phone number or an address line


@dataclass(frozen=True)
class Lodged:
    complaint: Complaint
    query_code: str  # "" when the submission was a repeat
    repeated: bool


def complaint_submit(
    *,
    filing_code: str,
    category: str,
    body: str,
    submission_key: str,
    name: str = "",
    contact: str = "",
    attachments: Sequence[tuple[Any, str]] = (),
    actor: Any = None,
) -> Lodged:
    key = (submission_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed("表单已失效，请刷新页面后重新填写", code="COMPLAINT_FORM_EXPIRED")
    existing = Complaint.objects.filter(submission_key=key).first()
    if existing is not None:
        return Lodged(existing, "", True)
    code = (filing_code or "").strip().upper()
    filing = Filing.objects.select_related("authority", "region").filter(code=code).first() if code else None
    if filing is None:
        raise ValidationFailed(
            "未找到该备案编码的评价机构。请核对备案编码（可在机构名录中查询）；不属于已备案评价机构的问题，"
            "请向当地人力资源社会保障部门反映",
            code="COMPLAINT_INSTITUTION_UNKNOWN",
            field="filing_code",
        )
    if category not in ComplaintCategory.values:
        raise ValidationFailed("请选择投诉举报类别", code="COMPLAINT_CATEGORY_INVALID", field="category")
    body, name, contact = (body or "").strip(), (name or "").strip(), (contact or "").strip()
    if not body:
        raise ValidationFailed("请填写投诉举报的事实", code="COMPLAINT_BODY_REQUIRED", field="body")
    if len(body) > 5000:
        raise ValidationFailed("内容不能超过 5000 字", code="COMPLAINT_BODY_TOO_LONG", field="body")
    check_length(name, limit=column_limit(Complaint, "name"), field="name", label="姓名")
    check_length(contact, limit=CONTACT_MAX, field="contact", label="联系方式")
    query_code = new_query_code()
    try:
        with stored_uploads(attachments, subdir="complaints") as stored, transaction.atomic():
            complaint = Complaint.objects.create(
                tracking_no=f"TS{clock.now():%Y%m%d}{secrets.randbelow(10**6):06d}",
                code_hash=code_digest(query_code),
                submission_key=key,
                filing=filing,
                authority=filing.authority,
                region=filing.region,
                category=category,
                name=name,
                contact=contact,
                body=body,
                submitted_at=clock.now(),
                due_on=clock.today() + dt.timedelta(days=settings.SKILLREG_COMPLAINT_HANDLING_DAYS),
            )
            attach_stored(ComplaintAttachment, stored, complaint=complaint)
            audit_record(
                actor=actor,
                action="complaint.submit",
                obj=complaint,
                summary=f"投诉举报 {filing.name}（{filing.code}），转 {filing.authority.name}",
                rule="CQ-27",
            )
    except IntegrityError:  # the same form submitted twice at once: the files are already removed
        again = Complaint.objects.filter(submission_key=key).first()
        if again is None:
            raise
        return Lodged(again, "", True)
    return Lodged(complaint, query_code, False)


def _ensure_handler(actor: Any, complaint: Complaint) -> None:
    if not scope.supervises(actor, complaint):
        raise PermissionDeniedError("该投诉举报不在本机关办理范围内", code="COMPLAINT_NOT_ALLOWED")


def complaint_assign(*, complaint: Complaint, assignee: Any, actor: Any) -> Complaint:
    _ensure_handler(actor, complaint)
    if not scope.is_staff_member(assignee) or assignee.authority_id != complaint.authority_id:
        raise ValidationFailed("只能交由受理机关的工作人员办理", code="COMPLAINT_ASSIGNEE_INVALID", field="assignee")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status == ComplaintStatus.ANSWERED:
            raise TransitionNotAllowed("该投诉举报已办结", code="COMPLAINT_CLOSED")
        before = locked.status
        locked.status = ComplaintStatus.ASSIGNED
        locked.assigned_to = assignee
        locked.save(update_fields=["status", "assigned_to"])
        audit_record(
            actor=actor,
            action="complaint.assign",
            obj=locked,
            summary=f"{locked.tracking_no} 交由 {assignee.display_name or assignee.username} 办理",
            before={"status": before},
            after={"status": ComplaintStatus.ASSIGNED},
            rule="CQ-27",
        )
    return locked


def complaint_answer(
    *,
    complaint: Complaint,
    outcome: str,
    answer: str,
    actor: Any,
    escalate: str = "",
    requirements: str = "",
    due_on: dt.date | None = None,
    inspector: Any = None,
) -> Complaint:
    """Answer the complainant. A verified complaint may open an inspection (``escalate="inspection"``, with an
    inspector of the register) or order a rectification (``escalate="rectification"``) in the same transaction."""
    _ensure_handler(actor, complaint)
    answer = (answer or "").strip()
    if outcome not in ComplaintOutcome.values:
        raise ValidationFailed("请选择办理结果", code="COMPLAINT_OUTCOME_REQUIRED", field="outcome")
    if not answer:
        raise ValidationFailed("请填写给投诉举报人的答复", code="COMPLAINT_ANSWER_REQUIRED", field="answer")
    if escalate and outcome != ComplaintOutcome.VERIFIED:
        raise ValidationFailed(
            "经查属实的投诉举报才能转检查或责令整改", code="COMPLAINT_ESCALATION_INVALID", field="escalate"
        )
    if escalate not in ("", "inspection", "rectification"):
        raise ValidationFailed("处理方式不正确", code="COMPLAINT_ESCALATION_INVALID", field="escalate")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("filing").get(pk=complaint.pk)
        if locked.status == ComplaintStatus.ANSWERED:
            raise TransitionNotAllowed("该投诉举报已办结", code="COMPLAINT_CLOSED")
        before = locked.status
        if escalate == "inspection":
            if inspector is None:
                raise ValidationFailed("请选择检查人员", code="INSPECTOR_INVALID", field="inspector")
            locked.inspection = inspection_propose(
                filing=locked.filing, inspector=inspector, department="投诉举报", proposal=locked.body, actor=actor
            )
        elif escalate == "rectification":
            locked.rectification = rectification_order(
                filing=locked.filing,
                reason=f"投诉举报经查属实：{answer}",
                requirements=requirements,
                due_on=due_on,
                actor=actor,
            )
        locked.status = ComplaintStatus.ANSWERED
        locked.outcome = outcome
        locked.answer = answer
        locked.answered_at = clock.now()
        locked.answered_by = actor
        locked.save(
            update_fields=["status", "outcome", "answer", "answered_at", "answered_by", "inspection", "rectification"]
        )
        if outcome == ComplaintOutcome.VERIFIED:
            credit_record(
                filing=locked.filing,
                kind="complaint_verified",
                on=clock.today(),
                basis=basis.legal_basis("complaints", filing=locked.filing),
                source=locked,
                note=answer[:300],
            )
        audit_record(
            actor=actor,
            action="complaint.answer",
            obj=locked,
            summary=f"办结投诉举报 {locked.tracking_no}",
            before={"status": before},
            after={"status": ComplaintStatus.ANSWERED, "outcome": outcome, "escalate": escalate},
            rule="CQ-27",
        )
    return locked
