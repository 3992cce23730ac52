from __future__ import annotations

from typing import Any

from skillreg.accounts import scope
from skillreg.core.errors import PermissionDeniedError


def ensure_staff(actor: Any) -> None:
    if not scope.is_staff_member(actor) or not getattr(actor, "authority_id", None):
        raise PermissionDeniedError("仅监管部门工作人员可以管理质量督导", code="QUALITY_NOT_ALLOWED")


def ensure_own_register(actor: Any, supervisor: Any) -> None:
    ensure_staff(actor)
    if supervisor.authority_id != actor.authority_id:
        raise PermissionDeniedError("只能管理本机关的质量督导员名录", code="QUALITY_NOT_ALLOWED")
