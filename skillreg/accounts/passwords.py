"""Password policy (等保三级 身份鉴别): four character classes, no reuse of the last five, 90-day age.

The validators plug into ``AUTH_PASSWORD_VALIDATORS``, so every Django path that sets a password (the
registration service, the change and reset forms, the admin, ``createsuperuser``, ``changepassword``) applies
them. ``PasswordHistoryValidator.password_changed`` is Django's hook after a new password is saved: it keeps
the history and stamps ``User.password_changed_at``. A hash upgrade at login (new hasher, more iterations) is
not a change and does not reach it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from skillreg.core import clock

CLASSES = ("大写字母", "小写字母", "数字", "特殊字符")


def character_classes(password: str) -> set[str]:
    found = set()
    for ch in password:
        if ch.isupper():
            found.add(CLASSES[0])
        elif ch.islower():
            found.add(CLASSES[1])
        elif ch.isdigit():
            found.add(CLASSES[2])
        else:
            found.add(CLASSES[3])
    return found


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 4):
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = character_classes(password)
        if len(found) < self.min_classes:
            missing = "、".join(c for c in CLASSES if c not in found)
            raise ValidationError(
                f"密码须同时包含大写字母、小写字母、数字和特殊字符（缺少：{missing}）", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码须同时包含大写字母、小写字母、数字和特殊字符。"


class PasswordHistoryValidator:
    def __init__(self, history: int = 5):
        self.history = history

    def _recent(self, user: Any) -> list[str]:
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.history])
        if user.password and user.password not in hashes:
            hashes = [user.password, *hashes][: self.history]
        return hashes

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._recent(user) if encoded):
            raise ValidationError(f"新密码不能与最近 {self.history} 次使用过的密码相同", code="password_reused")

    def password_changed(self, password: str, user: Any) -> None:
        from .models import PasswordHistory

        if user.pk is None:
            return
        now = clock.now()
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: self.history]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return f"不能与最近 {self.history} 次使用过的密码相同。"


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    """True when the password is older than SKILLREG_PASSWORD_MAX_AGE_DAYS (90)."""
    changed = user.password_changed_at or user.date_joined
    max_age = dt.timedelta(days=settings.SKILLREG_PASSWORD_MAX_AGE_DAYS)
    return changed is not None and (now or clock.now()) - changed > max_age


def password_change_due(user: Any) -> str:
    """Why the user must change the password before doing anything else ("" if not)."""
    if not user.has_usable_password():
        return ""
    if user.password_change_required:
        return "first_login"
    if password_expired(user):
        return "expired"
    return ""
