from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        role = getattr(user, "role", "")
        if role == "staff":
            return redirect("staff:worklist")
        if role == "institution":
            return redirect("apply:list")
        if role == "expert":
            return redirect("staff:my_assessments")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
