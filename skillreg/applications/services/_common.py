"""The one place where an application changes state."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from skillreg.accounts.scope import is_institution, is_staff_member
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import ConcurrentChange, PermissionDeniedError

from ..models import Application, Event
from ..workflow import Transition, check_transition


def ensure_applicant(application: Application, actor: Any) -> None:
    if not (is_institution(actor) and actor.unit_id == application.unit_id):
        raise PermissionDeniedError("只有本单位的机构用户可以办理此申请", code="NOT_APPLICANT")


def ensure_handling_staff(application: Application, actor: Any) -> None:
    if not (is_staff_member(actor) and actor.authority_id and actor.authority_id == application.authority_id):
        raise PermissionDeniedError("此申请当前不由您所在的机关办理", code="NOT_HANDLING_AUTHORITY")


def transition(
    application: Application,
    action: str,
    *,
    actor: Any,
    version: int | None,
    reason: str = "",
    basis: str = "",
    data: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
    target: str | None = None,
) -> Transition:
    """Check and apply one transition with an optimistic lock.

    The conditional UPDATE (``WHERE id=… AND version=… AND state=…``) is atomic on SQLite and
    PostgreSQL: of two staff deciding the same case at once exactly one matches a row; the other
    gets ``ConcurrentChange`` and nothing of theirs is written. Must run inside ``atomic()``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    t = check_transition(action, application.state)
    if t.actor == "applicant":
        ensure_applicant(application, actor)
    elif t.actor == "staff":
        ensure_handling_staff(application, actor)
    expected = application.version if version is None else version
    if expected != application.version:
        raise ConcurrentChange("此申请已被他人处理或更新，请刷新页面后再操作", code="STALE_VERSION")
    new_state = target or t.target or application.state
    values = {"state": new_state, "version": application.version + 1, **(updates or {})}
    changed = Application.objects.filter(pk=application.pk, version=expected, state=application.state).update(**values)
    if changed != 1:
        raise ConcurrentChange("此申请已被他人处理，请刷新页面查看最新状态", code="CONCURRENT_CHANGE")
    old_state = application.state
    for k, v in values.items():
        setattr(application, k, v)
    event = Event.objects.create(
        application=application,
        action=action,
        from_state=old_state,
        to_state=new_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        authority=getattr(actor, "authority", None) if is_staff_member(actor) else None,
        at=clock.now(),
        reason=reason,
        basis=basis,
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=f"application.{action}",
        obj=application,
        summary=f"{t.label}：{application.institution_name}",
        before={"state": old_state},
        after={"state": new_state, "reason": reason, "basis": basis, **(data or {})},
        rule=t.rule if t.actor == "system" else "",
    )
    from skillreg.deadlines.index import refresh_case

    refresh_case(application)  # the case's running deadlines, in this transaction (issue 16)
    from ..notices import applicant_notices

    applicant_notices(application, action, event)
    return t
