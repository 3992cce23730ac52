"""Public directory of filed institutions (AH-4.3 public query service; CQ-12 information is published).

No login. Thin views: the form validates the filters, ``institutions.selectors`` does the reading.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from skillreg.core import clock
from skillreg.core.errors import ValidationFailed
from skillreg.core.publiccache import cached_public_page, keep_public_page
from skillreg.documents.exports import csv_streaming_response, xlsx_response
from skillreg.documents.filing_text import level_headers, scope_rows
from skillreg.institutions.models import Filing
from skillreg.institutions.selectors import (
    attach_region_full_names,
    filing_timeline,
    iter_with_region_full_names,
    public_filing_by_code,
    public_filings,
)
from skillreg.supervision.selectors import public_notices_for_filing

from . import exports
from .forms import DirectoryFilterForm
from .paging import DirectoryPaginator, directory_state, page_key, results_key

PAGE_SIZE = 20
EXPORT_FORMATS = ("csv", "xlsx")
RESULTS_TTL = 300  # seconds; the key changes with any write anyway (portal.paging)


def _filtered(request: HttpRequest) -> tuple[DirectoryFilterForm, QuerySet[Filing] | None]:
    """The bound form and the filtered queryset, or ``None`` when a filter value is invalid."""
    form = DirectoryFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        return form, public_filings(**form.selector_kwargs())
    except ValidationFailed as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return form, None


def _filter_errors(form: DirectoryFilterForm) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def _render_directory(
    request: HttpRequest,
    form: DirectoryFilterForm,
    filings: QuerySet[Filing] | None,
    state: tuple[str | None, list[Any]] | None = None,
) -> HttpResponse:
    version, occupations = state or directory_state()
    whole = page_key(version, request.GET) if version and filings is not None else None
    context: dict[str, Any] = {
        "form": form,
        "page": None,
        "filter_errors": _filter_errors(form),
        "filtered": any(request.GET.get(name) for name in form.fields),
        "occupations": occupations,
        "ellipsis": Paginator.ELLIPSIS,
    }
    if filings is None:
        return render(request, "portal/directory.html", context, status=400)
    key = results_key(version, request.GET) if version else None
    results = cache.get(key) if key else None
    if results is None:
        paginator = DirectoryPaginator(filings, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        attach_region_full_names(page.object_list)
        context["page"] = page
        context["page_range"] = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        results = render_to_string("portal/_directory_results.html", context, request=request)
        if key:
            cache.set(key, results, RESULTS_TTL)
    context["results"] = mark_safe(results)  # noqa: S308 - our own rendered template
    response = render(request, "portal/directory.html", context)
    if whole:
        keep_public_page(request, response, whole, RESULTS_TTL)
    return response


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    state = directory_state()
    if state[0] and (hit := cached_public_page(request, page_key(state[0], request.GET))) is not None:
        # The whole anonymous page as rendered before for the same data version, day and query (issue 16: the
        # directory at 10,000 institutions); only valid queries' pages are kept (_render_directory).
        return hit
    form, filings = _filtered(request)
    return _render_directory(request, form, filings, state)


@require_GET
def institution(request: HttpRequest, code: str) -> HttpResponse:
    filing = public_filing_by_code(code)
    timeline = filing_timeline(filing)
    now = timeline.on(clock.today())
    shown = now.version or filing  # the version in force today (a renewal may add a later one)
    context = {
        "filing": filing,
        "shown": shown,
        "later": [v for v in timeline.versions if v.effective_from > clock.today()],
        "scope_rows": scope_rows(shown),  # type: ignore[arg-type]  # a version has the same scope rows
        "level_headers": level_headers(),
        # The dated history (issue 10): what held today, every version and every status change.
        "now": now,
        "versions": list(reversed(timeline.versions)),
        "history": list(reversed(timeline.status_changes)),
        "exits": timeline.exits,
        "notices": public_notices_for_filing(filing),  # 公告 of an ordered exit or cancellation (GZ-15, CQ-30)
    }
    return render(request, "portal/institution.html", context)


@require_GET
def export(request: HttpRequest, fmt: str | None = None) -> HttpResponseBase:
    fmt = (fmt or request.GET.get("format") or "csv").lower()
    if fmt not in EXPORT_FORMATS:
        raise Http404("不支持的导出格式")
    form, filings = _filtered(request)
    if filings is None:
        return _render_directory(request, form, None)
    filename = f"技能人才评价机构名录-{clock.today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_streaming_response(filename, exports.HEADERS, exports.rows(iter_with_region_full_names(filings)))
    return xlsx_response(
        filename, exports.HEADERS, exports.rows(iter_with_region_full_names(filings)), sheet_title="机构名录"
    )
