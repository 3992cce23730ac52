"""Writing the audit trail. Call ``audit_record`` inside the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction

from skillreg.core import clock, crypto
from skillreg.core.middleware import current_client_ip

from .models import AuditHead, AuditRecord


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def record_mac(rec: AuditRecord, prev_mac: str) -> str:
    content = {
        "seq": rec.seq,
        # In UTC, as the database gives it back: an aware time in another zone (the demo's replayed clock is
        # Asia/Shanghai) must hash the same when written and when verified.
        "at": rec.at.astimezone(dt.UTC).isoformat(),
        "actor": rec.actor_id,
        "actor_label": rec.actor_label,
        "role": rec.role,
        "ip": rec.ip,
        "action": rec.action,
        "object_type": rec.object_type,
        "object_id": rec.object_id,
        "summary": rec.summary,
        "before": rec.before,
        "after": rec.after,
        "result": rec.result,
        "rule": rec.rule,
    }
    return crypto.audit_mac(prev_mac.encode() + _canonical(content))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    result: str = "ok",
    rule: str = "",
) -> AuditRecord:
    """Append one record. Must run inside the caller's ``transaction.atomic()``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    user = actor if getattr(actor, "is_authenticated", False) else None
    rec = AuditRecord(
        seq=head.seq + 1,
        at=clock.now(),
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "system")),
        role=getattr(user, "role", "") if user else "system",
        ip=current_client_ip(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        before=_jsonable(before),
        after=_jsonable(after),
        result=result,
        rule=rule,
        prev_mac=head.mac,
    )
    rec.mac = record_mac(rec, head.mac)
    rec.save(force_insert=True)
    head.seq = rec.seq
    head.mac = rec.mac
    head.save(update_fields=["seq", "mac"])
    return rec


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))
