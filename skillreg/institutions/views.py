"""A filed institution's life after filing (issue 10): its filing page with versions and history, change /
renewal / exit applications, the wrap-up checklist and the termination notice. Thin: selectors and services."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import CappedPaginator

from . import access, selectors
from .exits import (
    ANNOUNCEMENT_MAX,
    ARCHIVES_NOTE_MAX,
    filing_exit_order,
    filing_exit_voluntary,
    filing_wrap_up_complete,
    wrap_up_checklist,
)
from .lifecycle import LIVE
from .renewals import renewal_certificate_counts
from .status import REASON_MAX
from .validity import latest_renewal_date, latest_renewal_dates

logger = logging.getLogger(__name__)


def _flash(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)
    for item in exc.details.get("missing", []) or exc.details.get("items", []) or []:
        text = item.get("message") if isinstance(item, dict) else str(item)
        if text:
            messages.error(request, f"· {text}")


def _kept(
    request: HttpRequest, filing: Any, exc: DomainError, form: str, fields: tuple[str, ...], **extra: Any
) -> HttpResponse:
    """A refused form of the filing page again, with what the person typed kept and the error next to its field
    (422) — a validation error only; a refusal of the action itself (not allowed, wrong state) goes back to the
    page with its message, as before."""
    from skillreg.core.errors import ValidationFailed

    if not isinstance(exc, ValidationFailed):
        _flash(request, exc)
        return redirect("filings:detail", code=filing.code)
    errors = {e["field"]: e["message"] for e in exc.details.get("errors", []) if isinstance(e, dict) and e.get("field")}
    if exc.field:
        errors.setdefault(exc.field, exc.message)
    _flash(request, exc)  # at the top too: the form may be further down the page
    kept = {"errors": errors, **extra, **{f: request.POST.get(f, "") for f in fields}}
    return render(
        request, "institutions/filing_detail.html", {**_context(request, filing), "kept": {form: kept}}, status=422
    )


def _date(value: str | None, label: str, field: str) -> dt.date:
    from skillreg.core.errors import ValidationFailed

    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(f"请填写{label}（如 2026-12-31）", code="DATE_INVALID", field=field) from None


FILINGS_PER_PAGE = 100


@login_required
@require_GET
def filing_list(request: HttpRequest) -> HttpResponse:
    if not (access.is_institution(request.user) or access.is_staff_member(request.user)):
        raise Http404("页面不存在")
    page = CappedPaginator(selectors.filings_for_user(request.user), FILINGS_PER_PAGE).get_page(request.GET.get("page"))
    filings = list(page)
    exits = selectors.latest_exits(filings)  # one query for the page, not one a filing (issue 16)
    latest = latest_renewal_dates(f for f in filings if f.status in LIVE)
    context = {
        "page": page,
        "exits": exits,
        "latest": latest,
        "today": clock.today(),
        "is_staff": access.is_staff_member(request.user),
    }
    return render(request, "institutions/filing_list.html", context)


def _context(request: HttpRequest, filing: Any) -> dict[str, Any]:
    from skillreg.applications.services.lifecycle import open_lifecycle_application
    from skillreg.appraisals.selectors import decision_references

    today = clock.today()
    exits = selectors.filing_exits(filing)
    latest, limit = latest_renewal_date(filing.region.code, filing.valid_to)
    return {
        "filing": filing,
        "today": today,
        "limits": {"reason": REASON_MAX, "announcement": ANNOUNCEMENT_MAX, "archives_note": ARCHIVES_NOTE_MAX},
        "now": selectors.filing_on(filing, today),
        "versions": list(reversed(selectors.filing_versions(filing))),
        "history": list(reversed(selectors.filing_status_history(filing))),
        "exits": [(e, wrap_up_checklist(e)) for e in exits],
        "applications": selectors.lifecycle_applications(filing),
        "open_application": open_lifecycle_application(filing),
        "live": filing.status in LIVE,
        "counts": renewal_certificate_counts(filing),
        "latest_renewal": latest,
        "renewal_basis": limit.citation if limit else "",
        "is_staff": access.is_staff_member(request.user),
        "is_authority": access.is_filing_authority(request.user, filing),
        "is_institution": access.is_own_unit(request.user, filing),
        "renewal_statements": _statements(),
        # AH-4.2 / HN-2: periodic evaluation results and the credit grade are references for exit decisions.
        "refs": decision_references(filing, today) if access.is_staff_member(request.user) else None,
    }


def _statements() -> dict[str, str]:
    from skillreg.applications.services.lifecycle import RENEWAL_STATEMENTS

    return RENEWAL_STATEMENTS


@login_required
@require_GET
def filing_detail(request: HttpRequest, code: str) -> HttpResponse:
    filing = selectors.managed_filing_for(request.user, code)
    return render(request, "institutions/filing_detail.html", _context(request, filing))


@login_required
@require_POST
def filing_apply(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Start a change (变更) or renewal (延续) draft from the filing's current version, then edit it."""
    from skillreg.applications.services.lifecycle import lifecycle_draft_start

    filing = selectors.managed_filing_for(request.user, code)
    try:
        app = lifecycle_draft_start(filing=filing, kind=kind, actor=request.user)
    except DomainError as exc:
        _flash(request, exc)
        return redirect("filings:detail", code=code)
    messages.success(request, "已按现备案信息生成申请草稿：请修改需要变更的内容，勾选承诺后回到备案信息页提交。")
    return redirect("apply:edit", pid=app.public_id)


@login_required
@require_POST
def filing_submit(request: HttpRequest, code: str, pid: Any) -> HttpResponse:
    from skillreg.applications.services.lifecycle import RENEWAL_STATEMENTS, lifecycle_submit

    filing = selectors.managed_filing_for(request.user, code)
    app = selectors.lifecycle_application_for(filing, pid)  # scoped by the filing above
    statements = {k: request.POST.get(k) == "1" for k in RENEWAL_STATEMENTS if k in request.POST}
    try:
        lifecycle_submit(
            application=app,
            actor=request.user,
            pledge=True if request.POST.get("pledge_accepted") == "1" else None,
            statements=statements or None,
        )
    except DomainError as exc:
        _flash(request, exc)
        return redirect("filings:detail", code=code)
    handler = app.authority.name if app.authority else "受理机关"
    messages.success(request, f"申请已提交（申请编号 {app.number}），由 {handler} 办理。")
    return redirect("filings:detail", code=code)


@login_required
@require_POST
def filing_exit(request: HttpRequest, code: str) -> HttpResponse:
    filing = selectors.managed_filing_for(request.user, code)
    try:
        terminates_on = _date(request.POST.get("terminates_on"), "拟终止评价活动日期", "terminates_on")
        filing_exit_voluntary(
            filing=filing, actor=request.user, terminates_on=terminates_on, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return _kept(request, filing, exc, "exit", ("terminates_on", "reason"))
    messages.success(request, f"自愿退出申请已提交：评价活动将于 {terminates_on:%Y-%m-%d} 终止。")
    return redirect("filings:detail", code=code)


@login_required
@require_POST
def filing_order_exit(request: HttpRequest, code: str) -> HttpResponse:
    filing = selectors.managed_filing_for(request.user, code)
    try:
        due = _date(request.POST.get("wrapup_due_on"), "收尾工作期限", "wrapup_due_on")
        filing_exit_order(
            filing=filing,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            wrapup_due_on=due,
            announcement=request.POST.get("announcement", ""),
        )
    except DomainError as exc:
        return _kept(request, filing, exc, "order_exit", ("reason", "wrapup_due_on", "announcement"))
    messages.success(request, "已责令终止评价活动，机构进入收尾阶段。")
    return redirect("filings:detail", code=code)


@login_required
@require_POST
def filing_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """整改后仍不合格或情节严重：注销备案 (CQ-30)."""
    from skillreg.supervision.services import rectification_fail

    filing = selectors.managed_filing_for(request.user, code)
    rect = selectors.filing_on(filing, clock.today()).rectification
    if rect is None or rect.closed_at is not None:
        messages.error(request, "该机构没有未结束的整改，不能据此注销备案。")
        return redirect("filings:detail", code=code)
    try:
        rectification_fail(
            rectification=rect,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            announcement=request.POST.get("announcement", ""),
        )
    except DomainError as exc:
        return _kept(request, filing, exc, "cancel", ("reason", "announcement"))
    messages.success(request, "已注销备案并公告。")
    return redirect("filings:detail", code=code)


@login_required
@require_POST
def filing_wrap_up(request: HttpRequest, code: str, exit_id: int) -> HttpResponse:
    filing = selectors.managed_filing_for(request.user, code)
    exit_ = next((e for e in selectors.filing_exits(filing) if e.pk == exit_id), None)
    if exit_ is None:
        raise Http404("未找到该退出记录")
    try:
        filing_wrap_up_complete(exit_=exit_, actor=request.user, archives_note=request.POST.get("archives_note", ""))
    except DomainError as exc:
        return _kept(request, filing, exc, "wrap_up", ("archives_note",), exit_id=exit_.pk)
    messages.success(request, "收尾工作已确认，备案已终止，终止评价活动通知书已生成。")
    return redirect("filings:detail", code=code)


@login_required
@require_GET
def termination_notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from skillreg.documents.errors import FontMissing
    from skillreg.documents.termination import render_termination_notice_pdf, termination_notice_data

    filing = selectors.managed_filing_for(request.user, code)
    exit_ = next((e for e in selectors.filing_exits(filing) if e.notice_number), None)
    if exit_ is None:
        raise Http404("尚未生成终止评价活动通知书")
    data = termination_notice_data(exit_)
    try:
        pdf = render_termination_notice_pdf(data)
    except FontMissing as exc:
        logger.error("termination notice not rendered: %s", exc.message)
        return render(
            request,
            "documents/unavailable.html",
            {"message": "服务器缺少生成PDF所需的中文字体，暂时无法生成PDF。", "filing": filing},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"termination-{filing.code}.pdf\"; filename*=UTF-8''{quote(data.filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
