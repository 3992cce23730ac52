from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from skillreg.core.errors import DomainError, ValidationFailed
from skillreg.core.middleware import client_ip
from skillreg.core.ratelimit import hit, rate_for, ratelimit, too_many
from skillreg.institutions.services import unit_register

from . import services
from .forms import LoginForm, PasswordChangeForm, RegisterForm
from .middleware import PASSWORD_DUE_SESSION_KEY
from .passwords import password_change_due
from .views_otp import safe_next


@method_decorator(ratelimit("login"), name="dispatch")
class SkillregLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        due = password_change_due(form.get_user())
        if due:
            self.request.session[PASSWORD_DUE_SESSION_KEY] = due
        return response


class SkillregLogoutView(LogoutView):
    pass


@ratelimit("register")
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = unit_register(
                name=d["name"],
                uscc=d["uscc"],
                region_code=d["region"],
                address=d["address"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                username=d["username"],
                password=d["password"],
                email=d.get("email", ""),
            )
        except ValidationFailed as exc:
            errors = exc.details.get("errors", [exc.as_dict()])
            if any(err.get("code") == "USERNAME_TAKEN" for err in errors):
                # "this name is taken" is an answer about other people's accounts: few per address (item 17)
                allowed, retry_after = hit("register_username_taken", client_ip(request), rate_for("register_probe"))
                if not allowed:
                    return too_many(request, retry_after)
            for err in errors:
                field = err.get("field")
                form.add_error(field if field in form.fields else None, err["message"])
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功，请填写备案申请。")
            return redirect("apply:list")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; also the forced change at first login and after 90 days."""
    due = request.session.get(PASSWORD_DUE_SESSION_KEY, "")
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            request.session.pop(PASSWORD_DUE_SESSION_KEY, None)
            messages.success(request, "密码已修改。")
            return redirect(safe_next(request, "core:home"))
    return render(request, "accounts/password_change.html", {"form": form, "due": due})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    from .middleware import has_confirmed_device, otp_required

    user: Any = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "otp_required": otp_required(user),
            "has_device": has_confirmed_device(user),
            "password_changed_at": user.password_changed_at,
        },
    )
