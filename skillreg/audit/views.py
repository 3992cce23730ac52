"""Audit viewer (审计管理员): search the trail and check the chain. Read-only; every use is itself audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import labels, selectors
from .forms import AuditSearchForm
from .services import audit_record
from .verify import verify_chain

PAGE_SIZE = 50


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    selectors.ensure_audit_admin(request.user)
    form = AuditSearchForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data.items() if form.is_valid() else []) if v}
    page = None
    if not form.is_bound or form.is_valid():
        qs = selectors.audit_search(request.user, **filters)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for r in page:  # Chinese labels for the page; the trail itself keeps its codes
            r.role_label = labels.role_label(r.role)  # type: ignore[attr-defined]
            r.actor_text = labels.actor_text(r.actor_id, r.actor_label)  # type: ignore[attr-defined]
            r.action_label = labels.action_label(r.action)  # type: ignore[attr-defined]
            r.object_label = labels.object_label(r.object_type, r.object_id)  # type: ignore[attr-defined]
            r.result_label = labels.RESULT_LABELS.get(r.result, r.result)  # type: ignore[attr-defined]
            r.before_text = labels.changes_text(r.before)  # type: ignore[attr-defined]
            r.after_text = labels.changes_text(r.after)  # type: ignore[attr-defined]
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="audit.search",
            object_type="audit.auditrecord",
            summary="查询审计记录",
            after={k: str(v) for k, v in filters.items()},
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "actions": [(a, labels.action_label(a)) for a in selectors.audit_actions()],
            "flagged": selectors.flagged_accounts(request.user),
        },
        status=200 if page is not None else 400,
    )


@login_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    selectors.ensure_audit_admin(request.user)
    report = verify_chain()
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="audit.verify",
            object_type="audit.auditrecord",
            summary="校验审计链：" + ("完好" if report.ok else report.problem),
            result="ok" if report.ok else "failed",
            after={"checked": report.checked, "ok": report.ok, "seq": report.seq},
        )
    return render(request, "audit/verify.html", {"report": report})
