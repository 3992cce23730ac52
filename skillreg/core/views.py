from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from skillreg.accounts.scope import is_expert, is_institution, is_quality_supervisor, is_staff_member


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        if is_staff_member(user):
            return redirect("staff:worklist")
        if is_institution(user):
            return redirect("apply:list")
        if is_expert(user):
            return redirect("staff:my_assessments")
        if is_quality_supervisor(user):
            return redirect("quality:home")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or stale CSRF token: a Chinese page, nothing done (Django logs it to django.security.csrf)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "CSRF_FAILED", "message": "请求来源校验失败（CSRF），操作未执行"}, status=403)
    return render(request, "403_csrf.html", status=403)
