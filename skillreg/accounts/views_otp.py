"""Second factor pages: verify a TOTP or recovery code, enrol an authenticator app, new recovery codes;
and the security administrator's page (release lockouts, reset a lost second factor)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from skillreg.core.errors import DomainError
from skillreg.core.ratelimit import ratelimit

from . import selectors, services
from .forms import TokenForm, UsernameForm
from .middleware import has_confirmed_device, otp_required


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def _login_device(request: HttpRequest, device: Any) -> None:
    request.session.cycle_key()  # a new session id once fully authenticated
    otp_login(request, device)


@login_required
@ratelimit("otp")
def otp_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not otp_required(user):
        raise Http404("页面不存在")
    if not has_confirmed_device(user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': request.GET.get('next', '')})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=user, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            _login_device(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(request, f"已使用一个恢复码，还剩 {left} 个。请尽快找回手机或重新生成恢复码。")
            return redirect(safe_next(request, "core:home"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@ratelimit("otp")
def otp_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not otp_required(user):
        raise Http404("页面不存在")
    if has_confirmed_device(user) and not user.is_verified():
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.GET.get('next', '')})}")
    device = services.totp_pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.totp_confirm(user=user, device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            _login_device(request, enrolment.device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": enrolment.recovery_codes, "next": safe_next(request, "core:home")},
            )
    uri = device.config_url
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "otpauth_uri": uri,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title="动态口令绑定二维码"),
            "secret": _base32(device.bin_key),
            "next": request.GET.get("next", ""),
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def otp_recovery(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not has_confirmed_device(user) or not user.is_verified():
        raise Http404("页面不存在")
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:account")})
    return render(request, "accounts/otp_recovery.html")


@login_required
def security_admin(request: HttpRequest) -> HttpResponse:
    """安全管理员: current lockouts; release one; reset a lost second factor."""
    attempts = selectors.current_lockouts(request.user)
    return render(request, "accounts/security_admin.html", {"attempts": attempts, "form": UsernameForm()})


@login_required
@require_POST
def security_admin_action(request: HttpRequest, action: str) -> HttpResponse:
    selectors.ensure_security_admin(request.user)
    if action not in ("unlock", "otp-reset"):
        raise Http404("页面不存在")
    form = UsernameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写用户名。")
        return redirect("accounts:security")
    username = form.cleaned_data["username"]
    try:
        if action == "unlock":
            services.lockout_release(actor=request.user, username=username)
            messages.success(request, f"已解除 {username} 的登录锁定。")
        else:
            services.otp_reset(actor=request.user, username=username)
            messages.success(request, f"已重置 {username} 的动态口令，其下次登录时须重新绑定。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:security")
