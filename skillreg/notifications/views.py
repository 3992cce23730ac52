"""The inbox page: every message of the signed-in user, newest first; mark as read (POST)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from skillreg.core.paging import KeysFirstPaginator

from . import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = selectors.messages_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = KeysFirstPaginator(qs, 30).get_page(request.GET.get("page"))  # deep pages: keys first (core.paging)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user), "only_unread": only_unread},
    )


def _back(request: HttpRequest, default: str = "notifications:inbox") -> Any:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(request.user, pk)
    services.message_mark_read(message=message, actor=request.user)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    n = services.messages_mark_all_read(actor=request.user)
    messages.success(request, f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")
    return _back(request)
