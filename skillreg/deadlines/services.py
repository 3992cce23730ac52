"""Automatic outcomes of the statutory clock and the staff confirmation queue.

Every service here runs in one transaction, re-reads (and on PostgreSQL locks) the case, recomputes
its deadline from the case's events, and does nothing when the outcome is no longer due — so the
sweep may call it late, twice, or from two processes at once: the outcome happens once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.applications.models import Application
from skillreg.applications.services import ensure_handling_staff, transition
from skillreg.applications.workflow import TRANSITIONS
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length
from skillreg.workcalendar.selectors import get_calendar

from .clocks import OUTCOME_ACTIONS, OUTCOME_LABELS, DueCache
from .limits import LimitResolver
from .models import Confirmation
from .scan import RunningClock, end_of_day, running_clock, tools

DISMISS_REASON_MAX = 2000  # Confirmation.reason (a TextField): why staff decline an automatic outcome
UPDATES = {"deem_accepted": "accepted_at", "deem_abandoned": "decided_at"}


def _reason(action: str, rc: RunningClock) -> str:
    lim = rc.limit
    if action == "deem_accepted":
        return (
            f"自 {rc.start:%Y-%m-%d} 收到申请起 {lim.length_label}内（至 {rc.due.date:%Y-%m-%d}）"
            "未作出不予受理决定，依法视为受理。"
        )
    return f"补正期限（{lim.length_label}，至 {rc.due.date:%Y-%m-%d}）届满未补正，依法视为放弃申请。"


def _outcome_action(rc: RunningClock) -> str | None:
    action = OUTCOME_ACTIONS.get(rc.limit.on_expiry or "")
    if action is None or rc.state not in TRANSITIONS[action].sources:
        return None
    return action


def application_clock_outcome(
    *,
    application_id: int,
    clock_id: str,
    today: dt.date | None = None,
    actor: Any = None,
    confirmation: Confirmation | None = None,
    resolver: LimitResolver | None = None,
    cache: DueCache | None = None,
) -> str | None:
    """Apply the outcome of an expired clock (视为受理 / 视为放弃, CQ-10). Returns the action, or None
    when nothing was due. A provisional deadline acts only through a staff ``confirmation``."""
    resolver, cache = tools(resolver, cache)
    today = today or clock.today()
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("region").filter(pk=application_id).first()
        if app is None:
            return None
        rc = running_clock(app, clock_id, resolver=resolver, cache=cache)
        if rc is None or (action := _outcome_action(rc)) is None or not today > rc.due.date:
            return None
        if rc.due.provisional and confirmation is None:
            return None
        lim = rc.limit
        data = {
            "clock": lim.id,
            "requirement": lim.requirement,
            "started_on": rc.start.isoformat(),
            "due_on": rc.due.date.isoformat(),
            "effective_on": rc.due.date.isoformat(),
            "provisional": rc.due.provisional,
            "provisional_years": list(rc.due.provisional_years),
            "pack": lim.source.pack_id,
            "confirmation": confirmation.pk if confirmation else None,
        }
        transition(
            app,
            action,
            actor=actor,
            version=app.version,
            reason=_reason(action, rc),
            basis=lim.citation,
            data=data,
            updates={UPDATES[action]: end_of_day(rc.due.date)},
        )
    return action


# --------------------------------------------------------------------------- confirmation queue


def confirmation_hold(*, rc: RunningClock, action: str) -> Confirmation | None:
    """Queue a provisional outcome for staff. Idempotent: one item per clock instance."""
    with transaction.atomic():
        if Confirmation.objects.filter(
            application_id=rc.application_id, clock=rc.limit.id, started_on=rc.start
        ).exists():
            return None
        try:
            with transaction.atomic():
                item = Confirmation.objects.create(
                    application_id=rc.application_id,
                    clock=rc.limit.id,
                    action=action,
                    requirement=rc.limit.requirement,
                    label=rc.limit.label,
                    started_on=rc.start,
                    due_on=rc.due.date,
                    provisional_years=list(rc.due.provisional_years),
                    created_at=clock.now(),
                )
        except IntegrityError:
            return None  # queued by a concurrent sweep
        years = "、".join(str(y) for y in rc.due.provisional_years)
        audit_record(
            actor=None,
            action="clock.hold",
            obj=item,
            summary=f"{rc.limit.label}暂定届满（{years} 年放假安排未确认），“{OUTCOME_LABELS[action]}”待人工确认",
            after={
                "application": rc.application_id,
                "due_on": rc.due.date,
                "provisional_years": list(rc.due.provisional_years),
            },
            rule=rc.limit.requirement,
        )
    return item


def _close(item: Confirmation, status: str, *, actor: Any, reason: str) -> None:
    before = {"status": item.status}
    item.status = status
    item.reason = reason
    item.decided_at = clock.now()
    item.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    item.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action=f"clock.{status}",
        obj=item,
        summary=f"{item.get_status_display()}：{item.label}（{item.application_id}）",
        before=before,
        after={"status": status, "reason": reason},
        rule=item.requirement,
    )


def _locked_open(item: Confirmation) -> Confirmation:
    fresh = Confirmation.objects.select_for_update().get(pk=item.pk)
    if fresh.status != Confirmation.Status.OPEN:
        raise TransitionNotAllowed(f"该事项已{fresh.get_status_display()}，无需再处理", code="CONFIRMATION_CLOSED")
    return fresh


def confirmation_supersede(*, item: Confirmation, note: str) -> bool:
    """The system closes an open item whose clock moved on (case decided, restarted, calendar confirmed)."""
    with transaction.atomic():
        try:
            fresh = _locked_open(item)
        except TransitionNotAllowed:
            return False
        _close(fresh, Confirmation.Status.SUPERSEDED, actor=None, reason=note)
    return True


def stale_reason(item: Confirmation, rc: RunningClock | None, today: dt.date, *, final_is_stale: bool = True) -> str:
    """Why an open item no longer stands ("" when it still does)."""
    if rc is None or rc.start != item.started_on:
        return "案件已办理或期限已重新起算，此事项失效。"
    if not today > rc.due.date:
        return f"期限重新计算为 {rc.due.date:%Y-%m-%d}，尚未届满，此事项失效。"
    if final_is_stale and not rc.due.provisional:
        return f"放假安排已确认，期限按 {rc.due.date:%Y-%m-%d} 届满，已由系统依法自动处理。"
    return ""


def confirmation_confirm(*, item: Confirmation, actor: Any) -> str:
    """Staff confirm a held outcome: it happens now, recorded with them as the actor."""
    resolver, cache = LimitResolver(), DueCache(get_calendar())
    today = clock.today()
    ensure_handling_staff(item.application, actor)
    with transaction.atomic():
        fresh = _locked_open(item)
        app = Application.objects.select_for_update().select_related("region").get(pk=fresh.application_id)
        rc = running_clock(app, fresh.clock, resolver=resolver, cache=cache)
        stale = stale_reason(fresh, rc, today, final_is_stale=False)
        if stale:
            _close(fresh, Confirmation.Status.SUPERSEDED, actor=None, reason=stale)
        else:
            done = application_clock_outcome(
                application_id=app.pk,
                clock_id=fresh.clock,
                today=today,
                actor=actor,
                confirmation=fresh,
                resolver=resolver,
                cache=cache,
            )
            if done is None:
                stale = "期限尚未届满或案件状态不允许此结果。"
                _close(fresh, Confirmation.Status.SUPERSEDED, actor=None, reason=stale)
            else:
                _close(fresh, Confirmation.Status.CONFIRMED, actor=actor, reason="经人工确认，依法处理。")
                return done
    raise TransitionNotAllowed(stale, code="CONFIRMATION_STALE")


def confirmation_dismiss(*, item: Confirmation, actor: Any, reason: str) -> None:
    """Staff decline a held outcome, with a reason. A later final (non-provisional) deadline still acts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写不予执行的理由", code="REASON_REQUIRED", field="reason")
    check_length(reason, limit=DISMISS_REASON_MAX, field="reason", label="不予执行的理由")
    ensure_handling_staff(item.application, actor)
    with transaction.atomic():
        fresh = _locked_open(item)
        _close(fresh, Confirmation.Status.DISMISSED, actor=actor, reason=reason)
