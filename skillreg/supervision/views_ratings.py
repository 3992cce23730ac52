"""好差评 pages: the applicant rates an ended case; staff read their authorities' ratings and statistics and
handle the follow-ups of poor ratings. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from skillreg.accounts import scope
from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import FirstRows

from . import selectors
from .models import FollowUpStatus, RatingGrade
from .services.ratings import followup_transition, rateable, rating_submit


@login_required
@require_http_methods(["GET", "POST"])
def rate_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.rateable_case(request.user, pk)
    rating = selectors.case_rating(case)
    error, field = "", ""
    if request.method == "POST" and rating is None:
        try:
            rating = rating_submit(
                application=case,
                grade=request.POST.get("grade", ""),
                comment=request.POST.get("comment", ""),
                actor=request.user,
            )
        except DomainError as exc:
            error, field = exc.message, exc.field or ""
        else:
            if rating.is_poor:
                messages.success(request, "评价已提交。受理机关将回访核实并在期限内反馈整改情况。")
            else:
                messages.success(request, "评价已提交，感谢您的评价。")
            return redirect("supervision:rate_case", pk=pk)
    return render(
        request,
        "supervision/rate_case.html",
        {
            "case": case,
            "rating": rating,
            "open_case": not rateable(case),
            "grades": RatingGrade.choices,
            "error": error,
            "error_field": field,
            "posted": request.POST,
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")
    return render(
        request,
        "supervision/ratings.html",
        {
            "stats": selectors.rating_statistics(request.user),
            "followups": selectors.followups_for_staff(request.user).exclude(status=FollowUpStatus.CLOSED),
            "ratings": FirstRows(selectors.ratings_for_staff(request.user), 100),
            "today": clock.today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = selectors.followup_for_staff(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            followup_transition(
                follow_up=follow_up,
                action=request.POST.get("action", ""),
                note=request.POST.get("note", ""),
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "已记录。")
            return redirect("supervision:followup", pk=pk)
    return render(
        request,
        "supervision/followup.html",
        {"f": follow_up, "r": follow_up.rating, "error": error, "today": clock.today(), "posted": request.POST},
        status=422 if error else 200,
    )


@login_required
@require_GET
def export_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    """A staff export (XLSX) of plans, draws, inspection results, complaints or ratings of their region."""
    from skillreg.documents.exports import xlsx_response

    from .exports import EXPORTS

    export = EXPORTS.get(kind)
    if export is None or not scope.is_staff_member(request.user):
        raise Http404("页面不存在")
    response = xlsx_response(export.filename, export.headers, export.rows(request.user), sheet_title=export.sheet)
    response["Cache-Control"] = "private, no-store"
    return response
