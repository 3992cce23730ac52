"""Before a signed-in user reaches any page or API route: the second factor, then a due password change.

- Staff and the three administrators (``SKILLREG_OTP_REQUIRED_ROLES``, and every superuser) must have passed
  a TOTP code or a recovery code in this session (django-otp's ``user.is_verified()``); without a confirmed
  device they are sent to enrol one first.
- A password set by an administrator (first login) or older than 90 days must be changed first; the login
  view records that in the session (``PASSWORD_DUE_SESSION_KEY``).

Pages answer with a redirect, the API with 401/403 JSON. Only the login/logout and OTP pages and static files
stay reachable before the second factor; the password page only after it (issue 12, item 6: a password alone
must not be enough to change the password and lock the owner out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

PASSWORD_DUE_SESSION_KEY = "skillreg_password_due"  # noqa: S105 - a session key name, not a secret


def otp_required(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in settings.SKILLREG_OTP_REQUIRED_ROLES))


def has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @staticmethod
    def _open_paths() -> tuple[str, ...]:
        return (
            reverse("accounts:login"),
            reverse("accounts:logout"),
            reverse("accounts:otp_verify"),
            reverse("accounts:otp_setup"),
            settings.STATIC_URL,
            "/favicon",
            "/healthz",
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(self._open_paths()):
            return self.get_response(request)
        api = request.path.startswith("/api/")
        if otp_required(user) and not user.is_verified():
            if api:
                return JsonResponse({"code": "OTP_REQUIRED", "message": "请先完成动态口令验证"}, status=401)
            target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        if request.session.get(PASSWORD_DUE_SESSION_KEY) and request.path != reverse("accounts:password_change"):
            if api:
                return JsonResponse({"code": "PASSWORD_CHANGE_REQUIRED", "message": "请先修改密码"}, status=403)
            return redirect(f"{reverse('accounts:password_change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
