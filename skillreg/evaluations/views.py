"""Pages of evaluation plans: the institution reports plans, publishes and files results; staff see the
calendar of their region, the review queue and the anomalies, and acknowledge / return plans and results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_institution, is_staff_member
from skillreg.certificates.selectors import default_filing_for
from skillreg.core import clock, objectstore
from skillreg.core.errors import DomainError
from skillreg.core.paging import FirstRows
from skillreg.core.uploads import open_stored

from . import selectors, services
from .forms import CalendarFilterForm, LinksForm, NoticeForm, PlanReportForm, ReasonForm, ResultsForm
from .models import PlanStatus
from .workflow import allowed_actions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ANOMALIES_PER_PAGE = 50


def _member(request: HttpRequest) -> None:
    if not (is_institution(request.user) or is_staff_member(request.user)):
        raise Http404("页面不存在")


def _staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise Http404("页面不存在")


def _apply_errors(form: Any, exc: DomainError) -> None:
    items = exc.details.get("errors") or [{"message": exc.message, "field": exc.field}]
    for item in items:
        name = item.get("field")
        if name == "occupation":
            name = "occupation_code"
        form.add_error(name if name in form.fields else None, item.get("message", ""))


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _member(request)
    filing = default_filing_for(request.user)
    qs = selectors.plans_for(request.user, status=request.GET.get("status", ""))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/plans.html",
        {"page": page, "filing": filing, "statuses": PlanStatus.choices, "status": request.GET.get("status", "")},
    )


@login_required
def plan_report(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not is_institution(request.user):
        raise Http404("页面不存在")
    plan = selectors.plan_for(request.user, pk) if pk else None
    filing = plan.filing if plan else default_filing_for(request.user)
    if filing is None:
        raise Http404("本单位尚无备案的评价机构")
    choices = selectors.plan_choices(filing, clock.today())
    occupations = selectors.occupation_names(set(choices.scope) | {e.get("occupation", "") for e in choices.examiners})
    initial: dict[str, Any] = {}
    if plan is not None:
        initial = {
            "number": plan.number,
            "occupation_code": plan.occupation.code,
            "level": plan.level,
            "evaluation_type": plan.evaluation_type,
            "starts_at": plan.starts_at,
            "ends_at": plan.ends_at,
            "venue": plan.venue,
            "expected_candidates": plan.expected_candidates,
            "examiners": [e.get("certificate_code") or f"name:{e.get('name')}" for e in plan.examiners],
            "supervisors": plan.supervisors,
            "video_link": plan.video_link,
            "data_link": plan.data_link,
        }
    form = PlanReportForm(request.POST or None, initial=initial, choices=choices, occupations=occupations)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_report(filing=filing, actor=request.user, plan=plan, **form.service_kwargs())
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            if saved.reported_late:
                messages.warning(
                    request,
                    f"评价计划 {saved.number} 已报备。报备时距评价开始不足"
                    f"{services.report_days_before()}天，已标记为逾期报备。",
                )
            else:
                messages.success(request, f"评价计划 {saved.number} 已报备，等待监管部门确认。")
            return redirect("evaluations:plan", pk=saved.pk)
    return render(
        request,
        "evaluations/report.html",
        {"form": form, "filing": filing, "plan": plan, "days_before": services.report_days_before()},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    plan = selectors.plan_for(request.user, pk)
    actions = allowed_actions(plan.status)
    ctx = {
        "plan": plan,
        "actions": actions,
        "history": selectors.plan_history(plan),
        "roster": FirstRows(selectors.roster_of(plan), 200),
        "roster_count": selectors.roster_of(plan).count(),
        "reason_form": ReasonForm(),
        "links_form": LinksForm(
            initial={"video_link": plan.video_link, "data_link": plan.data_link, "note": plan.links_note}
        ),
        "notice_form": NoticeForm(),
        "results_form": ResultsForm(),
        "publicity_days": services.results_publicity_days(),
        "evaluation_over": services.evaluation_over(plan),
        "evaluation_over_at": services.evaluation_over_at(plan),
    }
    return render(request, "evaluations/plan.html", ctx)


def _act(request: HttpRequest, pk: int, fn: Any, done: str, **kw: Any) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    try:
        fn(plan=plan, actor=request.user, **kw)
    except DomainError as exc:
        errors = exc.details.get("errors") or []
        messages.error(request, "；".join([exc.message] + [e.get("message", "") for e in errors[:20]]))
    else:
        messages.success(request, done)
    return redirect("evaluations:plan", pk=pk)


@login_required
@require_POST
def plan_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return _act(request, pk, services.plan_acknowledge, "评价计划已确认。")


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return _act(request, pk, services.plan_return, "评价计划已退回机构修改。", reason=request.POST.get("reason", ""))


@login_required
@require_POST
def plan_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    return _act(request, pk, services.plan_withdraw, "评价计划已撤回。", reason=request.POST.get("reason", ""))


@login_required
@require_POST
def plan_links(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    selectors.plan_for(request.user, pk)  # out of scope: 404 before anything else
    form = LinksForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "接入信息有误：" + "；".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect("evaluations:plan", pk=pk)
    upload = form.cleaned_data.get("evidence")
    return _act(
        request,
        pk,
        services.plan_links_update,
        "视频监控和考务数据接入信息已保存。",
        video_link=form.cleaned_data["video_link"],
        data_link=form.cleaned_data["data_link"],
        note=form.cleaned_data["note"],
        evidence=(upload, upload.name) if upload else None,
    )


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    return _act(request, pk, services.results_publish, "评价结果已公示。", body=request.POST.get("body", ""))


@login_required
@require_POST
def results_file(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    selectors.plan_for(request.user, pk)  # out of scope: 404 before anything else
    form = ResultsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请填写报考人数、合格人数并上传合格名册")
        return redirect("evaluations:plan", pk=pk)
    return _act(
        request,
        pk,
        services.results_file,
        "评价结果和合格名册已报备。",
        applicants=form.cleaned_data["applicants"],
        passes=form.cleaned_data["passes"],
        roster=form.cleaned_data["roster"].file,
    )


@login_required
@require_POST
def results_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return _act(request, pk, services.results_accept, "评价结果已确认。")


@login_required
@require_POST
def results_return(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return _act(request, pk, services.results_return, "评价结果已退回机构。", reason=request.POST.get("reason", ""))


@login_required
def roster_errors(request: HttpRequest, pk: int) -> FileResponse:
    _member(request)
    plan = selectors.plan_for(request.user, pk)
    if not plan.roster_errors or not objectstore.exists(plan.roster_errors):
        raise Http404("没有错误清单")
    response = FileResponse(
        objectstore.open_file(plan.roster_errors), as_attachment=True, filename=f"合格名册错误清单-{plan.number}.xlsx"
    )
    response["Content-Type"] = XLSX
    return response


@login_required
def links_evidence(request: HttpRequest, pk: int) -> FileResponse:
    _member(request)
    plan = selectors.plan_for(request.user, pk)
    if not plan.links_evidence:
        raise Http404("没有接入证明")
    return FileResponse(open_stored(plan.links_evidence), as_attachment=True, filename=plan.links_evidence_name)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(request, "evaluations/queue.html", {"plans": FirstRows(selectors.review_queue(request.user), 200)})


@login_required
def plan_calendar(request: HttpRequest) -> HttpResponse:
    _staff(request)
    today = clock.today()
    form = CalendarFilterForm(request.GET or None, initial={"month": f"{today:%Y-%m}"})  # the month shown
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        month = dt.datetime.strptime(data.get("month") or "", "%Y-%m").date()
    except ValueError:
        month = today.replace(day=1)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    plans = FirstRows(
        selectors.plans_for(
            request.user,
            status=data.get("status") or "",
            occupation=data.get("occupation") or "",
            region=data.get("region") or "",
            date_from=month,
            date_to=nxt - dt.timedelta(days=1),
        ).exclude(status=PlanStatus.WITHDRAWN),
        500,
    )
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "evaluations/calendar.html",
        {
            "form": form,
            "month": month,
            "weeks": selectors.calendar_weeks(plans.rows, month),
            "plans": plans,
            "prev": prev.strftime("%Y-%m"),
            "next": nxt.strftime("%Y-%m"),
        },
    )


@login_required
def anomaly_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    kind = request.GET.get("kind", "")
    found = selectors.anomalies(request.user, kind=kind if kind in selectors.ANOMALY_LABELS else "")
    # 50 a page: a province has thousands of plans, each possibly an anomaly (issue 16)
    page = Paginator(found, ANOMALIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/anomalies.html",
        {"anomalies": page.object_list, "page": page, "kinds": selectors.ANOMALY_LABELS, "kind": kind},
    )
