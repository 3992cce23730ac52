from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from skillreg.core.errors import ValidationFailed
from skillreg.institutions.services import unit_register

from .forms import LoginForm, RegisterForm


class SkillregLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class SkillregLogoutView(LogoutView):
    pass


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
            for err in exc.details.get("errors", [exc.as_dict()]):
                field = err.get("field")
                form.add_error(field if field in form.fields else None, err["message"])
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功，请填写备案申请。")
            return redirect("apply:list")
    return render(request, "accounts/register.html", {"form": form})
