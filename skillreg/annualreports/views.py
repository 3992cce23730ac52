"""Annual report pages: the institution drafts, saves, submits and revises; staff of the filing authority (and
above) read every submitted version, send back with comments or accept, download PDF/DOCX and the XLSX summary,
and see the late and missing reports of their region. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillreg.accounts import scope
from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import CappedPaginator, FirstRows
from skillreg.documents.annual_report import (
    ReportDocument,
    render_annual_report_docx,
    render_annual_report_pdf,
)
from skillreg.documents.docx_text import DOCX_CONTENT_TYPE
from skillreg.documents.exports import xlsx_response

from . import selectors, services
from .forms import AcceptForm, ReportForm, ReturnForm, StartForm
from .models import AnnualReport, AnnualReportVersion, ReportStatus
from .presentation import outline
from .sections import H1, H2, H3_1, H3_2, H3_3, H4
from .windows import report_due
from .workflow import ACTION_LABELS, EDITABLE

LIST_PAGE = 50  # submitted reports a page
OVERDUE_SHOWN = 100  # late and missing reports shown (the most recent years first), with their total


def _case_user(request: HttpRequest) -> None:
    if not (scope.is_institution(request.user) or scope.is_staff_member(request.user)):
        raise Http404("页面不存在")


def _huainan(report: AnnualReport) -> bool:
    due = report_due(report.filing.region.code, report.year)
    return due is not None and due.template == "huainan"


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    _case_user(request)
    user = request.user
    today = clock.today()
    if scope.is_institution(user):
        filings = list(selectors.institution_filings(user))
        rows = [
            (f, selectors.report_timeliness(f, y, today=today)) for f in filings for y in selectors.owed_years(f, today)
        ]
        return render(
            request,
            "annualreports/institution_list.html",
            {
                "reports": selectors.reports_for(user),
                "start_form": StartForm(
                    filings=filings, default_year=today.year - 1 if today.month <= 6 else today.year
                ),
                "rows": rows,
                "filings": filings,
            },
        )
    status = request.GET.get("status", "")
    reports = selectors.staff_reports(user, status if status in ReportStatus.values else "")
    return render(
        request,
        "annualreports/staff_list.html",
        {
            "page": CappedPaginator(reports, LIST_PAGE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [(v, label) for v, label in ReportStatus.choices if v != ReportStatus.DRAFT],
            "overdue": FirstRows(selectors.staff_timeliness(user), OVERDUE_SHOWN, total=True),
            "years": selectors.report_years(user),
        },
    )


@login_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    if not scope.is_institution(request.user):
        raise Http404("页面不存在")
    filings = list(selectors.institution_filings(request.user))
    form = StartForm(request.POST, filings=filings, default_year=clock.today().year)
    if form.is_valid():
        try:
            filing = selectors.institution_filing(request.user, form.cleaned_data["filing"])
            report = services.report_start(filing=filing, year=form.cleaned_data["year"], actor=request.user)
            return redirect("annualreports:detail", pk=report.pk)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    today = clock.today()
    return render(
        request,
        "annualreports/institution_list.html",
        {
            "reports": selectors.reports_for(request.user),
            "start_form": form,
            "rows": [(f, selectors.report_timeliness(f, y)) for f in filings for y in selectors.owed_years(f, today)],
            "filings": filings,
        },
        status=422,
    )


def _version_context(report: AnnualReport, version: AnnualReportVersion | None) -> dict[str, Any]:
    if version is None:
        registry = selectors.evaluation_figures(report.filing, report.year).as_dict()
        content = report.content
    else:
        registry, content = version.registry, version.content
    return {
        "blocks": outline(
            institution=report.filing.name,
            year=report.year,
            content=content,
            registry=registry,
            huainan=_huainan(report),
        ),
        "version": version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _case_user(request)
    report = selectors.report_for(request.user, pk)
    user = request.user
    versions = selectors.report_versions(report)
    ctx: dict[str, Any] = {
        "report": report,
        "versions": versions,
        "history": [(c, ACTION_LABELS.get(c.action, c.action)) for c in selectors.report_history(report)],
        "timeliness": selectors.report_timeliness(report.filing, report.year),
        "due": report_due(report.filing.region.code, report.year),
    }
    status = 200
    if scope.is_institution(user) and report.status in EDITABLE:
        figures = selectors.evaluation_figures(report.filing, report.year)
        form = ReportForm(
            request.POST or None, report=report, scope_lines=figures.filed_scope, huainan=_huainan(report)
        )
        if request.method == "POST":
            action = request.POST.get("action", "save")
            try:
                if action == "submit":
                    services.report_submit(report=report, data=request.POST.dict(), actor=user)
                    messages.success(request, f"{report.year}年度工作总结已报送")
                else:
                    services.report_save(report=report, data=request.POST.dict(), actor=user)
                    messages.success(request, "草稿已保存")
                return redirect("annualreports:detail", pk=report.pk)
            except DomainError as exc:
                for item in exc.details.get("errors") or [{"field": exc.field, "message": exc.message}]:
                    field = item.get("field")
                    form.add_error(field if field in form.fields else None, item["message"])
                ctx["error"] = exc.message
                status = 422
        last_return = next((c for c in reversed(ctx["history"]) if c[0].action == "return"), None)
        ctx.update(
            form=form,
            figures=figures,
            last_return=last_return[0] if last_return else None,
            headings={"h1": H1, "h2": H2, "h3_1": H3_1, "h3_2": H3_2, "h3_3": H3_3, "h4": H4},
        )
        return render(request, "annualreports/edit.html", ctx, status=status)
    if request.method == "POST":
        if not scope.is_staff_member(user):
            raise Http404("页面不存在")
        staff_action = request.POST.get("action", "")
        try:
            if staff_action == "return":
                services.report_return(report=report, comment=request.POST.get("comment", ""), actor=user)
                messages.success(request, "已退回修改")
            elif staff_action == "accept":
                services.report_accept(report=report, comment=request.POST.get("comment", ""), actor=user)
                messages.success(request, "已接收该年度工作总结")
            return redirect("annualreports:detail", pk=report.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            status = 422
    latest = versions[-1] if versions else None
    ctx.update(_version_context(report, latest))
    ctx.update(return_form=ReturnForm(), accept_form=AcceptForm(), can_review=services.reviews(user, report))
    return render(request, "annualreports/detail.html", ctx, status=status)


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    _case_user(request)
    report = selectors.report_for(request.user, pk)
    version = selectors.report_version(report, number)
    ctx = {"report": report, "versions": selectors.report_versions(report), **_version_context(report, version)}
    return render(request, "annualreports/version.html", ctx)


def _document(report: AnnualReport, version: AnnualReportVersion) -> ReportDocument:
    ctx = _version_context(report, version)
    return ReportDocument(
        institution=report.filing.name,
        filing_code=report.filing.code,
        authority=selectors.reviewing_authority(report).name,
        year=report.year,
        version_number=version.number,
        submitted_on=timezone.localdate(version.submitted_at),
        status_label=report.get_status_display(),
        blocks=ctx["blocks"],
    )


def _download(content: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def version_file(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    _case_user(request)
    report = selectors.report_for(request.user, pk)
    version = selectors.report_version(report, number)
    data = _document(report, version)
    name = f"{report.filing.name}{report.year}年度工作总结（第{number}次报送）"
    fallback = f"annual-report-{report.filing.code}-{report.year}-v{number}"
    if fmt == "pdf":
        return _download(render_annual_report_pdf(data), "application/pdf", f"{name}.pdf", f"{fallback}.pdf")
    if fmt == "docx":
        return _download(render_annual_report_docx(data), DOCX_CONTENT_TYPE, f"{name}.docx", f"{fallback}.docx")
    raise Http404("页面不存在")


SUMMARY_HEADERS = [
    "报告年度", "备案编码", "评价机构名称", "所在地区", "状态", "报送截止日期", "首次报送日期", "报送情况",
    "报送次数", "报考人数合计", "合格人数合计", "通过率", "修改证书登记数据的项数", "全年累计培训规模（人次）",
]  # fmt: skip


@login_required
@require_GET
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    rows = []
    for r in selectors.summary_reports(request.user, year).select_related("filing__region", "region"):
        levels = r.content.get("levels") or []
        applicants = sum(x.get("applicants") or 0 for x in levels)
        passes = sum(x.get("passes") or 0 for x in levels)
        t = selectors.report_timeliness(r.filing, r.year)
        rows.append(
            [
                r.year,
                r.filing.code,
                r.filing.name,
                r.region.full_name,
                r.get_status_display(),
                r.due_on,
                timezone.localdate(r.first_submitted_at) if r.first_submitted_at else None,
                t.label,
                r.versions.count(),
                applicants,
                passes,
                f"{passes / applicants * 100:.1f}%" if applicants else "",
                sum(1 for x in levels if x.get("passes") != x.get("registry_passes")),
                r.content.get("training_scale"),
            ]
        )
    label = f"{year}年度" if year else "全部年度"
    return xlsx_response(f"年度工作总结汇总（{label}）.xlsx", SUMMARY_HEADERS, rows, sheet_title="年度工作总结汇总")
