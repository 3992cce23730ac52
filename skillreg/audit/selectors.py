"""Reads of the audit trail, for the audit administrator only (三员分立)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from skillreg.accounts.scope import is_audit_admin

from .models import AuditRecord


def ensure_audit_admin(user: Any) -> None:
    """Only the audit administrator reads the trail; everyone else gets 404 (no existence leak)."""
    if not is_audit_admin(user):
        raise Http404("页面不存在")


def audit_search(
    user: Any,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    result: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditRecord]:
    ensure_audit_admin(user)
    qs = AuditRecord.objects.all()
    if actor:
        qs = qs.filter(Q(actor_label__iexact=actor) | Q(actor__username__iexact=actor))
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if result:
        qs = qs.filter(result=result)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-seq")


def audit_actions() -> list[str]:
    return list(AuditRecord.objects.order_by("action").values_list("action", flat=True).distinct()[:500])


def flagged_accounts(user: Any, limit: int = 20) -> list[AuditRecord]:
    """Accounts whose password and second factor were both reset by others (issue 12, item 1), newest first:
    shown to the audit administrator on the viewer's first page until they are looked into."""
    ensure_audit_admin(user)
    return list(AuditRecord.objects.filter(action="auth.account_flagged").order_by("-seq")[:limit])
