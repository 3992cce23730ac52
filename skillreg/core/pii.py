"""Revealing personal data: the full value once, with an audit record ``pii.reveal`` written first.

Pages and exports show masked values only (``mask_id_number``: 110101********1234, ``mask_phone``:
138****8000). A person whose work needs the full value presses "显示": the view checks the role and the data
scope, then calls ``pii_reveal``, which commits the audit record before handing the value back. If the record
cannot be written, nothing is revealed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core.errors import NotFound


def pii_reveal(*, actor: Any, obj: Any, field: str, label: str) -> str:
    value = getattr(obj, field, None)
    if not value:
        raise NotFound("该项未填写", code="PII_EMPTY", field=field)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="pii.reveal",
            obj=obj,
            summary=f"查看完整{label}",
            after={"field": field},
        )
    return str(value)
