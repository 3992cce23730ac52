"""The one writer of ``Filing.status``: a lifecycle transition under a row lock, with its history row
and audit record, in one transaction (``institutions.lifecycle`` holds the table)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.textlimits import check_length

from .lifecycle import check_transition
from .models import Filing, FilingStatusChange

REASON_MAX = 2000  # FilingStatusChange.reason (a TextField): the reason of a status change


def filing_transition(
    *,
    filing: Filing | int,
    action: str,
    actor: Any,
    effective_on: dt.date | None = None,
    target: str | None = None,
    reason: str = "",
    rule: str = "",
    basis: str = "",
    source: str = "",
    data: dict[str, Any] | None = None,
) -> tuple[Filing, FilingStatusChange]:
    """Apply one lifecycle transition to ``filing`` (locked for the transaction) and record it.

    Raises ``TransitionNotAllowed`` when the filing's current status does not allow ``action``;
    nothing is written then. Returns the locked, updated filing and the history row.
    """
    pk = filing if isinstance(filing, int) else filing.pk
    check_length(reason.strip(), limit=REASON_MAX, field="reason", label="原因")
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=pk)
        t = check_transition(action, locked.status, target)
        new = str(target or t.target)  # check_transition guarantees one
        before = locked.status
        Filing.objects.filter(pk=pk).update(status=new)
        locked.status = new
        change = FilingStatusChange.objects.create(
            filing=locked,
            action=action,
            from_status=before,
            to_status=new,
            effective_on=effective_on or clock.today(),
            at=clock.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason.strip(),
            rule=rule or t.rule,
            basis=basis,
            source=source or t.actor,
        )
        audit_record(
            actor=actor,
            action=f"filing.{action}",
            obj=locked,
            summary=f"{t.label}：{locked.name}（{locked.code}）" + (f"，{reason.strip()}" if reason.strip() else ""),
            before={"status": before},
            after={"status": new, "effective_on": change.effective_on, "reason": reason, **(data or {})},
            rule=change.rule,
        )
    if not isinstance(filing, int):
        filing.status = new
    return locked, change


def filing_history_start(*, filing: Filing, actor: Any, effective_on: dt.date, source: str, rule: str) -> None:
    """The first history row of a new filing (nothing → active). Inside the filing decision's transaction."""
    FilingStatusChange.objects.create(
        filing=filing,
        action="file",
        from_status="",
        to_status=filing.status,
        effective_on=effective_on,
        at=clock.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        rule=rule,
        source=source,
    )
