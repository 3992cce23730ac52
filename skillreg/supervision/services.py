"""Writes of supervision: ordering and closing a rectification (CQ-30). One transaction + audit record each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.lifecycle import TRANSITIONS
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.institutions.status import filing_transition

from .models import Rectification


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
    authority = getattr(actor, "authority", None)
    if getattr(actor, "role", "") != "staff" or authority is None:
        raise PermissionDeniedError("仅监管部门工作人员可以责令或结束整改", code="RECTIFICATION_NOT_ALLOWED")
    path = authority.region.path
    if not (filing.region.path == path or filing.region.path.startswith(path + "/")):
        raise PermissionDeniedError("该机构不在本机关监管范围内", code="RECTIFICATION_NOT_ALLOWED")


def rectification_order(*, filing: Filing, reason: str, actor: Any, ordered_on: dt.date | None = None) -> Rectification:
    """Order ``filing`` to rectify from ``ordered_on`` (default today): status becomes ``rectifying``."""
    today = clock.today()
    ordered_on = ordered_on or today
    if not (reason or "").strip():
        raise ValidationFailed("请填写责令整改的原因", code="RECTIFICATION_REASON_REQUIRED", field="reason")
    if ordered_on > today:
        raise ValidationFailed("责令整改日期不能晚于今天", code="RECTIFICATION_DATE_IN_FUTURE", field="ordered_on")
    _check_supervisor(actor, filing)
    try:
        with transaction.atomic():
            locked = Filing.objects.select_for_update().get(pk=filing.pk)
            if locked.status not in TRANSITIONS["order_rectification"].sources:
                raise TransitionNotAllowed(
                    f"机构当前状态为“{locked.get_status_display()}”，只能对有效状态的机构责令整改",
                    code="RECTIFICATION_NOT_ACTIVE",
                )
            before = locked.status
            rectification = Rectification.objects.create(
                filing=locked,
                ordered_on=ordered_on,
                reason=reason.strip(),
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
                source="staff",
            )
            audit_record(
                actor=actor,
                action="rectification.order",
                obj=rectification,
                summary=f"责令 {locked.name}（{locked.code}）整改，自 {ordered_on:%Y-%m-%d} 起",
                before={"status": before},
                after={"status": FilingStatus.RECTIFYING, "ordered_on": ordered_on, "reason": reason.strip()},
                rule="CQ-30",
            )
    except IntegrityError:
        raise TransitionNotAllowed("该机构已有未结束的整改", code="RECTIFICATION_ALREADY_OPEN") from None
    filing.status = FilingStatus.RECTIFYING
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
        audit_record(
            actor=actor,
            action="rectification.fail",
            obj=locked,
            summary=f"{locked.filing.name}（{locked.filing.code}）整改不合格，注销备案",
            after={"reason": reason, "announcement": announcement.strip()},
            rule="CQ-30",
        )
    return locked
