"""Reads of the accounts app for the security administrator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404

from skillreg.accounts.scope import is_security_admin
from skillreg.core.paging import FirstRows


def user_by_username(username: str) -> Any:
    """The user of that name (or ``None``) — for commands acting in a named person's name."""
    return get_user_model().objects.filter(username=username).first()


def ensure_security_admin(user: Any) -> None:
    if not is_security_admin(user):
        raise Http404("页面不存在")


def current_lockouts(user: Any) -> FirstRows:
    """Username/address pairs at or over the failure limit (django-axes counters), newest first."""
    from axes.models import AccessAttempt

    ensure_security_admin(user)
    return FirstRows(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by("-attempt_time"),
        200,
    )
