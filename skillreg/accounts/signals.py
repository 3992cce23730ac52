"""Authentication events into the audit trail (等保三级 安全审计: logins, failures, lockouts, logouts).

Django and django-axes report these only as signals, so this is the one place where receivers write: each
receiver only appends an audit record, in its own transaction, and never changes business data.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from skillreg.audit.services import audit_record

logger = logging.getLogger("skillreg.security")


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.login", obj=user, summary=f"登录：{user.get_username()}")


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, action="auth.logout", obj=user, summary=f"退出：{user.get_username()}")


def loggable_username(typed: Any) -> str:
    """What the trail and the log may say of a typed username: itself when an account has it, else a keyed
    hash — a password typed into the username field must not be written anywhere (issue 12, item 15)."""
    from django.contrib.auth import get_user_model

    from skillreg.core import crypto

    username = str(typed or "")[:150]
    if not username or get_user_model().objects.filter(username=username).exists():
        return username
    return "未知用户#" + crypto.blind_index(username, purpose="login.username")[:12]


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = loggable_username(credentials.get("username", ""))
    logger.warning("login failed for %r from %s", username, getattr(request, "META", {}).get("REMOTE_ADDR", ""))
    with transaction.atomic():
        audit_record(
            actor=None,
            action="auth.login_failed",
            object_type="accounts.user",
            object_id=username[:64],
            result="refused",
            summary=f"登录失败：{username}",
        )


def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    username = loggable_username(username)
    logger.warning("login locked out for %r from %s", username, ip_address)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="auth.locked_out",
            object_type="accounts.user",
            object_id=str(username or "")[:64],
            result="refused",
            summary=f"连续登录失败，账号在该地址锁定 30 分钟：{username}",
        )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="skillreg.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="skillreg.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="skillreg.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="skillreg.audit.locked_out")
