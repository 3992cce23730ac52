"""Writes of the accounts app: passwords, second factor, lockouts. Each in one transaction with its audit
record. Login, logout and failed logins are recorded by ``accounts.signals``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.accounts.scope import is_security_admin
from skillreg.audit.services import audit_record
from skillreg.core import crypto
from skillreg.core.errors import NotFound, PermissionDeniedError, ValidationFailed

from .models import ADMIN_ROLES, User

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


# --- two-person rule (三员分立, issue 12 item 1) -----------------------------------------------------


def password_reset_check(*, actor: Any, user: Any) -> None:
    """Refuse when ``actor`` reset ``user``'s second factor and the owner has not enrolled since: resetting one
    person's password and second factor takes two different people."""
    if actor.pk != user.pk and User.objects.filter(pk=user.pk, otp_reset_by=actor.pk).exists():
        raise PermissionDeniedError(
            "您已重置过该用户的动态口令，不能再重置其密码：须由另一名管理员办理", code="TWO_PERSON_RULE"
        )


def _flag_if_both_reset(*, actor: Any, user: Any) -> None:
    """Both factors of the account were reset by others and the owner has replaced neither: flag it to the
    audit administrator (an ``auth.account_flagged`` record; the audit viewer lists them)."""
    row = User.objects.filter(pk=user.pk).values("password_reset_by__username", "otp_reset_by__username").get()
    by_password, by_otp = row["password_reset_by__username"], row["otp_reset_by__username"]
    if by_password and by_otp:
        audit_record(
            actor=actor,
            action="auth.account_flagged",
            obj=user,
            result="flagged",
            summary=f"账户的密码和动态口令均已被他人重置，请核实：{user.get_username()}",
            after={"password_reset_by": by_password, "otp_reset_by": by_otp},
        )


def password_reset_record(*, actor: Any, user: Any) -> None:
    """After an administrator set ``user``'s password (the admin's form saved it in this transaction): the owner
    must change it at the next login; remember who reset it; flag the account when both factors were reset."""
    password_reset_check(actor=actor, user=user)
    User.objects.filter(pk=user.pk).update(password_change_required=True, password_reset_by=actor.pk)
    audit_record(actor=actor, action="auth.password_reset", obj=user, summary=f"重置密码：{user}")
    _flag_if_both_reset(actor=actor, user=user)


def password_change(*, user: Any, old_password: str | None, new_password: str, actor: Any = None) -> None:
    """Change ``user``'s password. Users changing their own give the old one; the policy validators apply."""
    actor = actor or user
    if actor.pk != user.pk:
        password_reset_check(actor=actor, user=user)
    if old_password is not None and not user.check_password(old_password):
        with transaction.atomic():
            audit_record(actor=actor, action="auth.password_change", obj=user, result="refused", summary="原密码错误")
        raise ValidationFailed("原密码不正确", code="OLD_PASSWORD_WRONG", field="old_password")
    try:
        password_validation.validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="PASSWORD_WEAK", field="new_password1") from None
    with transaction.atomic():
        user.set_password(new_password)
        user.password_change_required = actor.pk != user.pk  # set by someone else: change it at next login
        user.password_reset_by = actor if actor.pk != user.pk else None
        user.save()
        audit_record(
            actor=actor,
            action="auth.password_change" if actor.pk == user.pk else "auth.password_reset",
            obj=user,
            summary=f"修改密码：{user.get_username()}",
            after={"must_change_at_next_login": user.password_change_required},
        )
        if actor.pk != user.pk:
            _flag_if_both_reset(actor=actor, user=user)


def separate_admin_create(*, username: str, role: str, display_name: str, password: str, actor: str) -> Any:
    """A security or audit administrator, made on the host (``manage.py admin_account``): the system
    administrator cannot make one in /sysadmin/ (三员分立, issue 12 item 1). Changes the password at first login."""
    from .models import SEPARATE_ADMIN_ROLES

    if role not in SEPARATE_ADMIN_ROLES:
        raise ValidationFailed("只能创建安全管理员或审计管理员", code="ROLE_NOT_SEPARATE", field="role")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名已存在：{username}", code="USERNAME_TAKEN", field="username")
    user = User(username=username, role=role, display_name=display_name or username)
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="PASSWORD_WEAK", field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.password_change_required = True
        user.save()
        audit_record(
            actor=actor,
            action="admin.add",
            obj=user,
            summary=f"主机上创建{user.get_role_display()}：{username}",
            after={"username": username, "role": user.role},
        )
    return user


# --- second factor ------------------------------------------------------------------------------


def totp_pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed TOTP device to show during enrolment (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)  # key sealed (otp_keys)
    return device


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed HMAC-SM3 (16 characters, django-otp's column), never the code
    itself (issue 12, item 17). The codes are shown once, when made."""
    return "h:" + crypto.blind_index(code.strip().replace(" ", "").lower(), purpose="otp.recovery_code")[:14]


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(settings.SKILLREG_RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_digest(c)) for c in codes])
    return codes


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def totp_confirm(*, user: Any, device: TOTPDevice, token: str) -> Enrolment:
    """Confirm an enrolment with the first code from the app; replaces any older device and issues
    fresh recovery codes (shown once)."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not (token.isdigit() and device.verify_token(token)):
            audit_record(actor=user, action="otp.enrol", obj=user, result="refused", summary="动态口令不正确")
            raise ValidationFailed("动态口令不正确，请核对手机时间后重试", code="OTP_INVALID", field="token")
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        User.objects.filter(pk=user.pk).update(otp_reset_by=None)  # the owner holds the second factor again
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="otp.enrol", obj=user, summary=f"绑定动态口令：{user.get_username()}")
    return Enrolment(device, codes)


def otp_verify(*, user: Any, token: str) -> Any:
    """The device (TOTP, else a one-time recovery code) that accepts ``token``, or ValidationFailed."""
    token = (token or "").strip().replace(" ", "").lower()
    with transaction.atomic():
        device = None
        for candidate in [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]:
            allowed, _ = candidate.verify_is_allowed()
            given = token
            if isinstance(candidate, StaticDevice):
                digest = recovery_code_digest(token)
                # codes issued before they were stored as digests still work once
                given = digest if candidate.token_set.filter(token=digest).exists() or len(token) != 10 else token
            if allowed and candidate.verify_token(given):
                device = candidate
                break
        kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
        audit_record(
            actor=user,
            action="auth.otp_verify",
            obj=user,
            result="ok" if device else "refused",
            summary=("使用恢复码" if kind == "recovery_code" else "动态口令验证") if device else "动态口令不正确",
        )
    if device is None:
        raise ValidationFailed("动态口令或恢复码不正确", code="OTP_INVALID", field="token")
    return device


def recovery_codes_regenerate(*, user: Any) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="otp.recovery_codes", obj=user, summary="重新生成恢复码")
    return codes


# --- security administrator (三员分立: locks and second factors, no business data) ----------------


def _ensure_security_admin(actor: Any) -> None:
    if not is_security_admin(actor):
        raise PermissionDeniedError("只有安全管理员可以执行此操作", code="NOT_SECURITY_ADMIN")


def _target(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound("用户不存在", code="USER_NOT_FOUND", field="username")
    return user


def lockout_release(*, actor: Any, username: str) -> int:
    """Release a username's login lock (all addresses) before the 30 minutes are over."""
    from axes.utils import reset

    _ensure_security_admin(actor)
    with transaction.atomic():
        count = reset(username=username)
        audit_record(
            actor=actor,
            action="auth.unlock",
            object_type="accounts.user",
            object_id=username,
            summary=f"解除登录锁定：{username}",
            after={"attempts_cleared": count},
        )
    return count


def otp_reset(*, actor: Any, username: str) -> None:
    """Remove a user's second factor (lost phone): they enrol again at the next login."""
    _ensure_security_admin(actor)
    user = _target(username)
    if user.role in ADMIN_ROLES and user.pk == actor.pk:
        raise PermissionDeniedError("不能重置自己的动态口令", code="SELF_RESET")
    if User.objects.filter(pk=user.pk, password_reset_by=actor.pk).exists():
        raise PermissionDeniedError(
            "您已重置过该用户的密码，不能再重置其动态口令：须由另一名管理员办理", code="TWO_PERSON_RULE"
        )
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        User.objects.filter(pk=user.pk).update(otp_reset_by=actor.pk)
        audit_record(
            actor=actor, action="otp.reset", obj=user, summary=f"重置动态口令：{username}", after={"removed": removed}
        )
        _flag_if_both_reset(actor=actor, user=user)
