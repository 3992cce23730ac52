"""Public certificate verification at /verify/ (no login). The form posts (ID numbers stay out of URLs and
access logs); the QR code's signed URL is a GET. See ``verification`` for the no-enumeration rules."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from skillreg.core.middleware import client_ip

from . import verification
from .forms import VerifyForm


def _ip(request: HttpRequest) -> str:
    return client_ip(request)


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    context: dict = {"form": form, "searched": False, "answers": [], "not_found": verification.NOT_FOUND}
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip()
        id_number = form.cleaned_data["id_number"].strip()
        try:
            verification.check_rate(_ip(request), number or id_number)
        except verification.RateLimited as exc:
            context["rate_limited"] = exc.message
            status = 429
            retry_after = exc.details.get("retry_after")
        else:
            name = form.cleaned_data["name"]
            if number:
                context["answers"] = verification.verify_by_number(number, name)
            else:
                context["answers"] = verification.verify_by_id(id_number, name)
            context["searched"] = True
        context["form"] = VerifyForm()  # the page never echoes an ID number or a name back
    response = render(request, "certificates/verify.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    context: dict = {"form": VerifyForm(), "searched": True, "answers": [], "not_found": verification.NOT_FOUND}
    try:
        verification.check_rate(_ip(request))
    except verification.RateLimited as exc:
        context.update(searched=False, rate_limited=exc.message)
        response = render(request, "certificates/verify.html", context, status=429)
        response["Retry-After"] = str(exc.details.get("retry_after", 60))
        return response
    context["answers"] = verification.verify_token(token)
    context["via_qr"] = True
    return render(request, "certificates/verify.html", context)
