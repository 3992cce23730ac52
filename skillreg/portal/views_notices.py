"""Public pages of supervision: notices (公示/公告), objections and their status, and anyone's re-run of a
双随机 draw (CQ-11, CQ-25, CQ-30; AH-4.3 public query service). No login; thin views."""

from __future__ import annotations

import secrets

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.ratelimit import ratelimit
from skillreg.supervision import selectors
from skillreg.supervision.credit import GRADE_LABELS
from skillreg.supervision.models import NoticeTopic
from skillreg.supervision.services.complaints import complaint_submit
from skillreg.supervision.services.notices import objection_submit

from .forms_notices import ComplaintForm, DrawCheckForm, ObjectionForm, ObjectionLookupForm


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic", "")
    topic = topic if topic in NoticeTopic.values else ""
    page = Paginator(selectors.public_notices(topic), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notices/list.html",
        {"page": page, "topic": topic, "topics": NoticeTopic.choices, "today": clock.today()},
    )


def _notice_context(request: HttpRequest, pk: int, form: ObjectionForm | None = None) -> dict[str, object]:
    notice = selectors.public_notice(pk)
    accepting = notice.accepts_objections_on(clock.today())
    if form is None and accepting:
        form = ObjectionForm(initial={"submission_key": secrets.token_urlsafe(24)})
    plan = selectors.plan_for_notice(notice)
    return {"notice": notice, "accepting": accepting, "form": form, "plan": plan}


@require_http_methods(["GET", "POST"])
@ratelimit("complaint")
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/notices/detail.html", _notice_context(request, pk))
    notice = selectors.public_notice(pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            lodged = objection_submit(notice=notice, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(request, "portal/notices/lodged.html", {"notice": notice, "lodged": lodged})
    return render(request, "portal/notices/detail.html", _notice_context(request, pk, form), status=422)


@require_GET
def objection_status(request: HttpRequest) -> HttpResponse:
    form = ObjectionLookupForm(request.GET or None)
    objection = None
    not_found = False
    if form.is_bound and form.is_valid():
        objection = selectors.objection_lookup(form.cleaned_data["tracking_no"], form.cleaned_data["query_code"])
        not_found = objection is None
    return render(
        request, "portal/notices/objection_status.html", {"form": form, "objection": objection, "not_found": not_found}
    )


@require_GET
def draw_verify(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.public_plan(pk)
    form = DrawCheckForm(request.GET or None)
    check = None
    if plan.result:
        seed = (form.cleaned_data["seed"] or None) if form.is_bound and form.is_valid() else None
        check = selectors.draw_check(plan, seed)
    return render(
        request,
        "portal/notices/draw_verify.html",
        {"plan": plan, "check": check, "form": form, "assignments": selectors.plan_assignments(plan)},
    )


@require_http_methods(["GET", "POST"])
@ratelimit("complaint")
def complaint_new(request: HttpRequest) -> HttpResponse:
    """投诉举报 (CQ-27, AH-4.3, HN-3, WX-7.3): named or anonymous, attachments, a tracking number and query code."""
    if request.method != "POST":
        form = ComplaintForm(
            initial={"submission_key": secrets.token_urlsafe(24), "filing_code": request.GET.get("code", "")}
        )
        return render(request, "portal/notices/complaint_form.html", {"form": form})
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            lodged = complaint_submit(
                actor=request.user,
                attachments=[(f, f.name or "") for f in request.FILES.getlist("attachments")],
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(request, "portal/notices/complaint_lodged.html", {"lodged": lodged})
    return render(request, "portal/notices/complaint_form.html", {"form": form}, status=422)


@require_GET
def complaint_status(request: HttpRequest) -> HttpResponse:
    form = ObjectionLookupForm(request.GET or None)
    complaint = None
    not_found = False
    if form.is_bound and form.is_valid():
        complaint = selectors.complaint_lookup(form.cleaned_data["tracking_no"], form.cleaned_data["query_code"])
        not_found = complaint is None
    return render(
        request, "portal/notices/complaint_status.html", {"form": form, "complaint": complaint, "not_found": not_found}
    )


@require_GET
def credit_history(request: HttpRequest, code: str) -> HttpResponse:
    """The published credit grades of one institution with their factors (CQ-29)."""
    filing, grades = selectors.public_credit_history(code)
    return render(request, "portal/notices/credit.html", {"filing": filing, "grades": grades, "labels": GRADE_LABELS})
