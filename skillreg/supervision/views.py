"""Supervision pages for staff (plans, draws, notices, objections, rectifications), institutions (their
rectification answers) and inspectors (their drawn targets). Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillreg.accounts import scope
from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import CappedPaginator, FirstRows

from . import basis, selectors
from .checklist import CQ26_ITEMS
from .forms import AnswerForm, ConflictForm, InspectorForm, NoticeForm, PlanForm, RectificationOrderForm
from .models import ComplaintOutcome, Conclusion, FollowUpStatus
from .services import rectification_answer, rectification_close, rectification_fail, rectification_order
from .services.complaints import complaint_answer, complaint_assign
from .services.credit import credit_publish
from .services.inspections import CHECKLIST_NOTE_MAX, inspection_conclude
from .services.notices import notice_publish, objection_answer
from .services.plans import inspector_conflict_declare, inspector_enrol, plan_create, plan_draw

# The staff home shows the most urgent rows of each open list, with the total and a link to the whole list.
HOME_ROWS = 50
LIST_PAGE = 50


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _staff_only(request: HttpRequest) -> None:
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if scope.is_inspector(user):
        return render(
            request,
            "supervision/inspector_home.html",
            {"assignments": selectors.assignments_for_inspector(user), "inspections": selectors.inspections_for(user)},
        )
    if scope.is_institution(user):
        return render(
            request,
            "supervision/institution_home.html",
            {
                "rectifications": selectors.rectifications_for(user),
                "cases": selectors.ended_cases_for_institution(user),
            },
        )
    _staff_only(request)
    return render(request, "supervision/staff_home.html", _staff_context(request))


def _staff_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    return {
        "plans": FirstRows(selectors.plans_for_staff(user), 20),
        "objections": FirstRows(selectors.pending_objections(user), HOME_ROWS, total=True),
        "rectifications": FirstRows(selectors.open_rectifications(user), HOME_ROWS, total=True),
        "inspections": FirstRows(selectors.inspections_for(user), 20),
        "complaints": FirstRows(selectors.open_complaints(user), HOME_ROWS, total=True),
        "open_followups": selectors.followups_for_staff(user).exclude(status=FollowUpStatus.CLOSED).count(),
        "entries": selectors.inspector_entries(user),
        "candidates": selectors.inspector_candidates(user),
        "plan_form": forms.get("plan_form") or PlanForm(initial={"inspect_on": today, "per_target": 2}),
        "notice_form": forms.get("notice_form") or NoticeForm(initial={"starts_on": today, "ends_on": today}),
        "order_form": forms.get("order_form") or RectificationOrderForm(),
        "conflict_form": ConflictForm(),
    }


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Every complaint in the staff member's scope: the open ones by handling deadline, or all, newest first."""
    return _open_or_all(
        request, "supervision/complaint_list.html", selectors.open_complaints, selectors.complaints_for_staff
    )


@login_required
@require_GET
def complaint_statistics(request: HttpRequest) -> HttpResponse:
    """Counts of the complaints in scope by institution, category, status and result (CQ-27 statistics): a page of
    its own, so that the staff home does not count every complaint on every visit."""
    _staff_only(request)
    return render(
        request, "supervision/complaint_statistics.html", {"stats": selectors.complaint_statistics(request.user)}
    )


@login_required
@require_GET
def rectification_list(request: HttpRequest) -> HttpResponse:
    """The rectifications in the staff member's scope: the open ones by rectification period, or all, newest first."""
    return _open_or_all(
        request, "supervision/rectification_list.html", selectors.open_rectifications, selectors.rectifications_for
    )


def _open_or_all(request: HttpRequest, template: str, open_rows: Any, all_rows: Any) -> HttpResponse:
    """A staff list of the open rows (most urgent first) or, with ``?show=all``, of all rows, 50 to a page."""
    _staff_only(request)
    show_all = request.GET.get("show") == "all"
    rows = (all_rows if show_all else open_rows)(request.user)
    page = CappedPaginator(rows, LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "show_all": show_all, "today": clock.today()})


def _staff_form_post(
    request: HttpRequest,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], Any],
    success: str,
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """The staff home's forms: validate ``form``, run ``act`` on its data (a service call), then ``done`` with
    the result; a refusal is shown next to its field on the staff home (422). A 备案编码 outside the staff
    member's scope (the selector's 404) is a field error, never an existence leak."""
    _staff_only(request)
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except Http404:
            form.add_error("filing_code", "本机关监管范围内没有该备案编码的机构")
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return done(result)
    return render(request, "supervision/staff_home.html", _staff_context(request, **{form_name: form}), status=422)


@login_required
@require_POST
def plan_new(request: HttpRequest) -> HttpResponse:
    def act(d: dict[str, Any]) -> Any:
        ratio = d["ratio_percent"]
        return plan_create(
            title=d["title"],
            items=d["items"],
            inspect_on=d["inspect_on"],
            institution_kind=d["institution_kind"] or "",
            sample_size=d["sample_size"],
            ratio_permille=int(ratio * Decimal(10)) if ratio is not None else None,
            per_target=d["per_target"],
            actor=request.user,
        )

    return _staff_form_post(
        request,
        PlanForm(request.POST),
        "plan_form",
        act,
        "抽查计划已公布，随机种子的 SHA-256 承诺值已在计划公告中公布。",
        lambda plan: redirect("supervision:plan", pk=plan.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for_staff(request.user, pk)
    if request.method == "POST":
        try:
            plan_draw(plan=plan, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已完成随机抽取，随机种子和抽取结果已公布。")
        return redirect("supervision:plan", pk=pk)
    return render(request, "supervision/plan.html", {"plan": plan, "assignments": selectors.plan_assignments(plan)})


@login_required
@require_POST
def inspector_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = InspectorForm(request.POST)
    candidates = {u.pk: u for u in selectors.inspector_candidates(request.user)}
    if form.is_valid() and form.cleaned_data["user"] in candidates:
        try:
            inspector_enrol(
                user=candidates[form.cleaned_data["user"]],
                number=form.cleaned_data["number"],
                employer_uscc=form.cleaned_data["employer_uscc"],
                actor=request.user,
            )
            messages.success(request, "已列入检查人员名录。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写人员编号")
    return redirect("supervision:home")


@login_required
@require_POST
def conflict_new(request: HttpRequest, entry_id: int) -> HttpResponse:
    _staff_only(request)
    entry = selectors.inspector_entries(request.user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("未找到该检查人员")
    form = ConflictForm(request.POST)
    try:
        if not form.is_valid():
            messages.error(request, "请填写回避机构的备案编码和回避原因")
        else:
            filing = selectors.staff_filing_by_code(request.user, form.cleaned_data["filing_code"])
            inspector_conflict_declare(
                entry=entry, filing=filing, reason=form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, "已登记回避。")
    except DomainError as exc:
        messages.error(request, exc.message)
    except Http404:
        messages.error(request, "本机关监管范围内没有该备案编码的机构")
    return redirect("supervision:home")


@login_required
@require_POST
def credit_publish_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    try:
        grades = credit_publish(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:home")
    messages.success(request, f"已发布 {len(grades)} 家机构的信用评估结果。")
    return redirect("notices:detail", pk=grades[0].notice_id) if grades else redirect("supervision:home")


@login_required
@require_POST
def notice_new(request: HttpRequest) -> HttpResponse:
    def act(d: dict[str, Any]) -> Any:
        filing = selectors.staff_filing_by_code(request.user, d["filing_code"]) if d["filing_code"] else None
        return notice_publish(
            kind=d["kind"],
            topic=d["topic"],
            title=d["title"],
            body=d["body"],
            legal_basis=d["legal_basis"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            filing=filing,
            attachments=[(f, f.name or "") for f in request.FILES.getlist("attachments")],
            actor=request.user,
        )

    return _staff_form_post(
        request,
        NoticeForm(request.POST),
        "notice_form",
        act,
        "已发布。",
        lambda notice: redirect("notices:detail", pk=notice.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_for_staff(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_answer(objection=objection, answer=form.cleaned_data["answer"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已答复，提出人可凭受理编号和查询码查看。")
            return redirect("supervision:objection", pk=pk)
    return render(request, "supervision/objection.html", {"objection": objection, "form": form})


@login_required
@require_POST
def rectification_new(request: HttpRequest) -> HttpResponse:
    def act(d: dict[str, Any]) -> Any:
        return rectification_order(
            filing=selectors.staff_filing_by_code(request.user, d["filing_code"]),
            reason=d["reason"],
            requirements=d["requirements"],
            due_on=d["due_on"],
            actor=request.user,
        )

    return _staff_form_post(
        request,
        RectificationOrderForm(request.POST),
        "order_form",
        act,
        "已责令整改。整改期间该机构不得开展评价活动、不得发放证书。",
        lambda rect: redirect("supervision:rectification", pk=rect.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rect = selectors.rectification_for(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "answer" and scope.is_institution(request.user):
                files = [(f, f.name or "") for f in request.FILES.getlist("files")]
                rectification_answer(
                    rectification=rect, actor=request.user, answer=request.POST.get("answer", ""), files=files
                )
                messages.success(request, "整改情况报告已提交，等待监管部门复查。")
            elif action == "close" and scope.is_staff_member(request.user):
                rectification_close(rectification=rect, actor=request.user, note=request.POST.get("note", ""))
                messages.success(request, "复查合格，整改已结束，机构恢复开展评价活动。")
            elif action == "fail" and scope.is_staff_member(request.user):
                rectification_fail(rectification=rect, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, "复查不合格，已注销备案并发布公告。")
            else:
                raise Http404("页面不存在")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("supervision:rectification", pk=pk)
    legal = basis.legal_basis("rectification", filing=rect.filing, on=rect.ordered_on)
    return render(
        request, "supervision/rectification.html", {"rect": rect, "today": clock.today(), "legal_basis": legal}
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector's checklist and conclusion (CQ-26); staff of the region read it."""
    inspection = selectors.inspection_for(request.user, pk)
    error = ""
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        checklist = {
            key: {"ok": p.get(f"ok_{key}") == "1", "note": p.get(f"note_{key}", "")}
            for key, _label in CQ26_ITEMS
            if p.get(f"ok_{key}") in ("0", "1")
        }
        try:
            due = dt.date.fromisoformat(p["due_on"]) if p.get("due_on") else None
            inspection_conclude(
                inspection=inspection,
                actor=request.user,
                checklist=checklist,
                findings=p.get("findings", ""),
                conclusion=p.get("conclusion", ""),
                requirements=p.get("requirements", ""),
                due_on=due,
                files=[(f, f.name or "") for f in request.FILES.getlist("files")],
            )
        except ValueError:
            error = "整改期限日期格式不正确"
        except DomainError as exc:
            error = exc.message
            field_errors = {e["field"]: e["message"] for e in exc.details.get("errors", []) if isinstance(e, dict)}
        else:
            messages.success(request, "检查结论已记录。")
            return redirect("supervision:inspection", pk=pk)
    # (key, label, saved result, the answer being re-shown after an error: ok?, note, the note's error)
    items = [
        (
            key,
            label,
            inspection.checklist.get(key),
            request.POST.get(f"ok_{key}", "1") != "0",
            request.POST.get(f"note_{key}", ""),
            field_errors.get(f"note_{key}", ""),
        )
        for key, label in CQ26_ITEMS
    ]
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": inspection,
            "items": items,
            "basis": basis.legal_basis("inspection", filing=inspection.filing),
            "error": error,
            "conclusions": Conclusion.choices,
            "may_conclude": inspection.inspector.user_id == request.user.pk and inspection.status == "open",
            "posted": request.POST,
            "note_max": CHECKLIST_NOTE_MAX,
        },
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for_staff(request.user, pk)
    error = ""
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "assign":
                assignee = next(
                    (u for u in selectors.authority_staff(request.user) if str(u.pk) == p.get("assignee")), None
                )
                complaint_assign(complaint=complaint, assignee=assignee, actor=request.user)
                messages.success(request, "已交办。")
            else:
                inspector = selectors.inspector_entries(request.user).filter(pk=p.get("inspector") or 0).first()
                complaint_answer(
                    complaint=complaint,
                    outcome=p.get("outcome", ""),
                    answer=p.get("answer", ""),
                    escalate=p.get("escalate", ""),
                    requirements=p.get("requirements", ""),
                    due_on=dt.date.fromisoformat(p["due_on"]) if p.get("due_on") else None,
                    inspector=inspector,
                    actor=request.user,
                )
                messages.success(request, "已办结并答复投诉举报人。")
            return redirect("supervision:complaint", pk=pk)
        except ValueError:
            error = "整改期限日期格式不正确"
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "supervision/complaint.html",
        {
            "complaint": complaint,
            "error": error,
            "staff": selectors.authority_staff(request.user),
            "entries": selectors.inspector_entries(request.user),
            "outcomes": ComplaintOutcome.choices,
            "today": clock.today(),
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def inspection_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """检查记录 as PDF (embedded CJK font), for the inspectors and staff who may see the inspection."""
    from urllib.parse import quote

    from skillreg.documents.errors import FontMissing
    from skillreg.documents.inspection_record import inspection_record_data, render_inspection_record_pdf

    inspection = selectors.inspection_for(request.user, pk)
    data = inspection_record_data(inspection)
    try:
        pdf = render_inspection_record_pdf(data)
    except FontMissing:
        return render(
            request,
            "documents/unavailable.html",
            {"message": "服务器缺少生成PDF所需的中文字体，暂时无法生成PDF。"},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"inspection-{inspection.pk}.pdf\"; filename*=UTF-8''{quote(data.filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
