"""Certificate pages for institutions (their own unit) and staff (their region and below). Thin: parse,
call a selector or a service, render. Out of scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_institution, is_staff_member
from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import CappedPaginator, FirstRows
from skillreg.documents.exports import csv_streaming_response
from skillreg.institutions.models import Filing
from skillreg.occupations.selectors import occupation_names
from skillreg.regions.selectors import region_by_code, region_choices_under

from . import selectors, services, statistics
from .forms import CertificateFilterForm, RevokeForm, StatisticsForm
from .spreadsheets import EXPORT_HEADERS, export_rows
from .verification import qr_url

PAGE_SIZE = 50


def _member(request: HttpRequest) -> None:
    if not (is_institution(request.user) or is_staff_member(request.user)):
        raise Http404("页面不存在")


def current_filing(request: HttpRequest, code: str = "") -> Filing | None:
    """The filing a page is about: the one named (in scope), else an institution user's own."""
    code = code or request.GET.get("filing", "")
    if code:
        return selectors.filing_for(request.user, code)
    return selectors.default_filing_for(request.user)


def _filtered(request: HttpRequest) -> tuple[Any, Any, Any]:
    """The filter form, the chosen filing and the scoped certificates — shared by the list and its export."""
    _member(request)
    form = CertificateFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filing = current_filing(request, data.get("filing") or "")
    qs = selectors.certificates_for(
        request.user,
        filing=filing,
        q=data.get("q") or "",
        status=data.get("status") or "",
        occupation=data.get("occupation") or "",
        level=data.get("level"),
        year=data.get("year"),
    )
    return form, filing, qs


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    form, filing, qs = _filtered(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # no COUNT over millions (issue 16)
    return render(
        request,
        "certificates/list.html",
        {"form": form, "page": page, "filing": filing},
    )


@login_required
def certificate_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, _filing, qs = _filtered(request)
    qs = qs.select_related("occupation", "batch")
    return csv_streaming_response(
        f"证书清单-{clock.today():%Y%m%d}.csv", EXPORT_HEADERS, export_rows(qs.iterator(2000))
    )


@login_required
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    _member(request)
    cert = selectors.certificate_for(request.user, number)
    return render(
        request,
        "certificates/detail.html",
        {"cert": cert, "qr_url": request.build_absolute_uri(qr_url(cert.number)), "revoke_form": RevokeForm()},
    )


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    _member(request)
    cert = selectors.certificate_for(request.user, number)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销原因（不超过500字）")
        return redirect("certificates:detail", number=cert.number)
    try:
        services.certificate_revoke(certificate=cert, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"证书 {cert.number} 已撤销，公开查询将显示“已撤销”。")
    return redirect("certificates:detail", number=cert.number)


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """The evaluation plans of the registry are ``evaluations`` plans: reported, results filed there."""
    _member(request)
    filing = current_filing(request)
    batches = selectors.batches_for(request.user, filing=filing)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/batches.html", {"page": page, "filing": filing})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    batch = selectors.batch_for(request.user, pk)
    certs = selectors.certificates_for(request.user, batch=batch)
    page = Paginator(certs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/batch.html", {"batch": batch, "page": page})


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    _member(request)
    user: Any = request.user
    regions = region_choices_under(user.authority) if is_staff_member(user) else []
    form = StatisticsForm(request.GET or None, regions=regions)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = data.get("year") or clock.today().year - 1
    filing = current_filing(request, data.get("filing") or "")
    region = region_by_code(data["region"]) if data.get("region") else None
    if data.get("region") and region is None:
        raise Http404("未找到该地区")
    renewal = statistics.renewal_counts(request.user, filing=filing, region=region)
    summary = statistics.evaluation_summary(request.user, year=year, filing=filing, region=region)
    return render(
        request,
        "certificates/statistics.html",
        {
            "form": form,
            "year": year,
            "filing": filing,
            "region": region,
            "renewal": FirstRows(renewal, 500),
            "summary": summary,
            "occupation_names": occupation_names(),
        },
    )
