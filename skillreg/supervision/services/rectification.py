"""Rectification (整改, CQ-30): the order with requirements and a period, the institution's answer with evidence,
the re-inspection that closes it, or the failure that cancels the filing and announces it. One transaction + audit
record each; the filing's status changes only through ``institutions.status.filing_transition``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.lifecycle import TRANSITIONS
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.institutions.status import filing_transition

from .. import basis
from ..models import NoticeKind, NoticeTopic, Rectification, RectificationEvidence
from ._files import attach_stored, stored_uploads


def status_after_rectification(filing: Filing, today: dt.date) -> str:
    """Back to where the filing would be without the rectification: renewal pending, expiring or active."""
    from skillreg.applications.models import TERMINAL_STATES, Application, ApplicationType, State
    from skillreg.institutions.validity import renewal_window_opens

    pending = (
        Application.objects.filter(for_filing=filing, application_type=ApplicationType.RENEWAL)
        .exclude(state__in=[*TERMINAL_STATES, State.DRAFT])
        .exists()
    )
    if pending:
        return FilingStatus.RENEWAL_PENDING
    if renewal_window_opens(filing.region.code, filing.valid_to) <= today:
        return FilingStatus.EXPIRING
    return FilingStatus.ACTIVE


def _check_supervisor(actor: Any, filing: Filing) -> None:
    """Only staff of the filing's region or a region above it (CQ-4 "谁备案，谁监管", data scope)."""
    if not scope.is_staff_member(actor) or not getattr(actor, "authority_id", None):
        raise PermissionDeniedError("仅监管部门工作人员可以责令或结束整改", code="RECTIFICATION_NOT_ALLOWED")
    if not scope.supervises(actor, filing):
        raise PermissionDeniedError("该机构不在本机关监管范围内", code="RECTIFICATION_NOT_ALLOWED")


def rectification_order(
    *,
    filing: Filing,
    reason: str,
    actor: Any,
    ordered_on: dt.date | None = None,
    requirements: str = "",
    due_on: dt.date | None = None,
    inspection: Any = None,
) -> Rectification:
    """Order ``filing`` to rectify from ``ordered_on`` (default today) by ``due_on``: status becomes
    ``rectifying``. A filing in wrap-up, terminated or cancelled cannot be ordered (its activity already ended).
    Staff of the supervising region order it; or the inspector of ``inspection`` concludes that inspection of
    this filing with "ordered to rectify" (``supervision.services.inspections``)."""
    today = clock.today()
    ordered_on = ordered_on or today
    if not (reason or "").strip():
        raise ValidationFailed("请填写责令整改的原因", code="RECTIFICATION_REASON_REQUIRED", field="reason")
    if ordered_on > today:
        raise ValidationFailed("责令整改日期不能晚于今天", code="RECTIFICATION_DATE_IN_FUTURE", field="ordered_on")
    if due_on is not None and due_on < ordered_on:
        raise ValidationFailed("整改期限不能早于责令整改日期", code="RECTIFICATION_DATES_INVALID", field="due_on")
    if inspection is None:
        _check_supervisor(actor, filing)
    elif inspection.filing_id != filing.pk or inspection.inspector.user_id != getattr(actor, "pk", None):
        raise PermissionDeniedError("只有本次检查的检查人员可以据检查结论责令整改", code="RECTIFICATION_NOT_ALLOWED")
    try:
        with transaction.atomic():
            locked = Filing.objects.select_for_update().get(pk=filing.pk)
            if locked.status not in TRANSITIONS["order_rectification"].sources:
                raise TransitionNotAllowed(
                    f"机构当前状态为“{locked.get_status_display()}”，评价活动已终止或不在有效状态，不能责令整改",
                    code="RECTIFICATION_NOT_ACTIVE",
                )
            before = locked.status
            rectification = Rectification.objects.create(
                filing=locked,
                ordered_on=ordered_on,
                reason=reason.strip(),
                requirements=(requirements or "").strip(),
                due_on=due_on,
                ordered_by=actor,
                ordered_at=clock.now(),
            )
            filing_transition(
                filing=locked,
                action="order_rectification",
                actor=actor,
                effective_on=ordered_on,
                reason=reason.strip(),
                rule="CQ-30",
                source="inspection" if inspection is not None else "staff",
            )
            audit_record(
                actor=actor,
                action="rectification.order",
                obj=rectification,
                summary=f"责令 {locked.name}（{locked.code}）整改，自 {ordered_on:%Y-%m-%d} 起",
                before={"status": before},
                after={
                    "status": FilingStatus.RECTIFYING,
                    "ordered_on": ordered_on,
                    "due_on": due_on,
                    "reason": reason.strip(),
                    "requirements": (requirements or "").strip(),
                },
                rule="CQ-30",
            )
    except IntegrityError:
        raise TransitionNotAllowed("该机构已有未结束的整改", code="RECTIFICATION_ALREADY_OPEN") from None
    filing.refresh_from_db(fields=["status"])
    return rectification


def rectification_close(
    *, rectification: Rectification, actor: Any, ends_on: dt.date | None = None, note: str = ""
) -> Rectification:
    """Close an open rectification on ``ends_on`` (default today, inclusive): status returns to ``active``
    unless the filing left ``rectifying`` meanwhile (e.g. it expired)."""
    today = clock.today()
    ends_on = ends_on or today
    if ends_on > today:
        raise ValidationFailed("整改结束日期不能晚于今天", code="RECTIFICATION_DATE_IN_FUTURE", field="ends_on")
    if ends_on < rectification.ordered_on:
        raise ValidationFailed("整改结束日期不能早于责令整改日期", code="RECTIFICATION_DATES_INVALID", field="ends_on")
    _check_supervisor(actor, rectification.filing)
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().select_related("filing").get(pk=rectification.pk)
        if locked.closed_at is not None:
            raise TransitionNotAllowed("该整改已结束", code="RECTIFICATION_ALREADY_CLOSED")
        filing = Filing.objects.select_for_update().get(pk=locked.filing_id)
        before = filing.status
        locked.ends_on = ends_on
        locked.closed_at = clock.now()
        locked.closed_by = actor
        locked.close_note = note.strip()
        locked.save(update_fields=["ends_on", "closed_at", "closed_by", "close_note"])
        if filing.status == FilingStatus.RECTIFYING:
            filing, _change = filing_transition(
                filing=filing,
                action="close_rectification",
                actor=actor,
                effective_on=ends_on + dt.timedelta(days=1),
                target=status_after_rectification(filing, clock.today()),
                reason=note.strip() or "整改结束",
                rule="CQ-30",
                source="staff",
            )
        from .credit import credit_record

        credit_record(
            filing=filing,
            kind="rectification_closed",
            on=ends_on,
            basis=basis.legal_basis("rectification", filing=filing, on=ends_on),
            source=locked,
            note=note.strip(),
        )
        audit_record(
            actor=actor,
            action="rectification.close",
            obj=locked,
            summary=f"{filing.name}（{filing.code}）整改结束于 {ends_on:%Y-%m-%d}",
            before={"status": before},
            after={"status": filing.status, "ends_on": ends_on, "note": note.strip()},
            rule="CQ-30",
        )
    rectification.refresh_from_db()
    return locked


def rectification_fail(
    *, rectification: Rectification, actor: Any, reason: str, announcement: str = ""
) -> Rectification:
    """整改后仍不合格或情节严重 (CQ-30): the filing is cancelled (注销) and announced. The rectification ends the
    day before; evaluation and certificates are refused from the day of the decision on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写注销备案的事实和理由", code="CANCEL_REASON_REQUIRED", field="reason")
    _check_supervisor(actor, rectification.filing)
    if actor.authority_id != rectification.filing.authority_id:
        raise PermissionDeniedError("只有备案机关可以注销备案", code="NOT_FILING_AUTHORITY")
    today = clock.today()
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().select_related("filing").get(pk=rectification.pk)
        if locked.closed_at is not None:
            raise TransitionNotAllowed("该整改已结束，不能据此注销备案", code="RECTIFICATION_ALREADY_CLOSED")
        locked.ends_on = max(locked.ordered_on, today - dt.timedelta(days=1))
        locked.closed_at = clock.now()
        locked.closed_by = actor
        locked.close_note = f"整改不合格，注销备案：{reason}"[:2000]
        locked.save(update_fields=["ends_on", "closed_at", "closed_by", "close_note"])
        filing_transition(
            filing=locked.filing,
            action="cancel",
            actor=actor,
            effective_on=today,
            reason=reason + (f"（公告：{announcement.strip()}）" if announcement.strip() else ""),
            rule="CQ-30",
            source="staff",
        )
        from .notices import headline, notice_publish

        legal = basis.legal_basis("cancellation", filing=locked.filing, on=today)
        notice_publish(
            kind=NoticeKind.ANNOUNCEMENT,
            topic=NoticeTopic.CANCELLATION,
            title=headline(f"关于注销{locked.filing.name}备案信息的公告", "关于注销评价机构备案信息的公告"),
            body=(
                f"{locked.filing.name}（备案编码 {locked.filing.code}）整改期满后仍不符合要求或情节严重，"
                f"{basis.according(legal)}注销其备案信息。\n事实和理由：{reason}"
                + (f"\n{announcement.strip()}" if announcement.strip() else "")
            ),
            legal_basis=legal,
            actor=actor,
            filing=locked.filing,
            starts_on=today,
            ends_on=today,
        )
        from .credit import credit_record

        credit_record(
            filing=locked.filing,
            kind="rectification_failed",
            on=today,
            basis=legal,
            source=locked,
            note=reason,
        )
        audit_record(
            actor=actor,
            action="rectification.fail",
            obj=locked,
            summary=f"{locked.filing.name}（{locked.filing.code}）整改不合格，注销备案",
            after={"reason": reason, "announcement": announcement.strip()},
            rule="CQ-30",
        )
    return locked


def rectification_answer(
    *, rectification: Rectification, actor: Any, answer: str, files: Sequence[tuple[Any, str]] = ()
) -> Rectification:
    """The institution's rectification report (整改情况报告) with evidence files ``(fileobj, name)``. Each file is
    size-capped and type-checked by content (core.uploads); one refused file refuses the whole answer and no file
    is kept. The answer may be resubmitted while the rectification is open; evidence accumulates."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写整改情况报告", code="RECTIFICATION_ANSWER_REQUIRED", field="answer")
    if not scope.is_institution(actor) or actor.unit_id != rectification.filing.unit_id:
        raise PermissionDeniedError("只有被责令整改的机构可以提交整改情况报告", code="RECTIFICATION_NOT_ALLOWED")
    with stored_uploads(files, subdir="rectification") as stored, transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if locked.closed_at is not None:
            raise TransitionNotAllowed("该整改已结束，不能再提交整改情况报告", code="RECTIFICATION_ALREADY_CLOSED")
        locked.answer = answer
        locked.answered_at = clock.now()
        locked.answered_by = actor
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        attach_stored(RectificationEvidence, stored, rectification=locked, uploaded_at=clock.now(), uploaded_by=actor)
        audit_record(
            actor=actor,
            action="rectification.answer",
            obj=locked,
            summary=f"{locked.filing.name} 提交整改情况报告（佐证材料 {len(stored)} 份）",
            after={"answer": answer, "files": [f.sha256 for f in stored]},
            rule="CQ-30",
        )
    return locked
