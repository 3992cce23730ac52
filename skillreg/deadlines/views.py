"""Staff SLA dashboard, the confirmation queue (confirm / dismiss, POST) and a case's clock timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_staff_member
from skillreg.applications.selectors import application_for_staff
from skillreg.core.errors import DomainError

from . import selectors, services
from .clocks import OUTCOME_LABELS


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise Http404("页面不存在")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    board = selectors.dashboard(request.user)
    return render(request, "deadlines/dashboard.html", {"board": board, "outcome_labels": OUTCOME_LABELS})


@login_required
def case_timeline(request: HttpRequest, pid: Any) -> HttpResponse:
    _staff_only(request)
    application = application_for_staff(request.user, pid)
    clocks = selectors.case_clocks(application)
    return render(request, "deadlines/case_timeline.html", {"application": application, "clocks": clocks})


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    item = selectors.confirmation_for_staff(request.user, pk)
    try:
        action = services.confirmation_confirm(item=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确认：{item.application.number or ''} {OUTCOME_LABELS.get(action, action)}。")
    return redirect("deadlines:dashboard")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    item = selectors.confirmation_for_staff(request.user, pk)
    try:
        services.confirmation_dismiss(item=item, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        label = OUTCOME_LABELS.get(item.action, item.action)
        messages.success(request, f"已驳回：{item.application.number or ''} 不执行“{label}”。")
    return redirect("deadlines:dashboard")
