"""Staff dashboards: the page (charts + their tables) and each chart's export (CSV / XLSX). Thin: the filter form
checks the input, the selectors compute, ``documents.exports`` writes formula-safe files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from skillreg.core import clock
from skillreg.documents.exports import csv_streaming_response, xlsx_response

from . import selectors
from .forms import FilterForm

FORMATS = ("csv", "xlsx")


def _form(request: HttpRequest) -> FilterForm:
    if not selectors.may_view(request.user):
        raise Http404("页面不存在")
    return FilterForm(request.GET or None, user=request.user, today=clock.today())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "charts": [], "filters": None, "query": ""}
        return render(request, "dashboards/dashboard.html", context, status=400)
    if form.is_bound:
        filters = form.filters()
    else:
        filters = selectors.default_filters(request.user)
        initial = {"region": filters.region.code, "start": filters.start, "end": filters.end}
        form = FilterForm(initial=initial, user=request.user, today=clock.today())
    charts = selectors.dashboard(request.user, filters)
    query = request.GET.urlencode() if request.GET else ""
    return render(
        request, "dashboards/dashboard.html", {"form": form, "charts": charts, "filters": filters, "query": query}
    )


@login_required
@require_GET
def export(request: HttpRequest, key: str, fmt: str) -> HttpResponseBase:
    form = _form(request)
    if fmt not in FORMATS:
        raise Http404("不支持的导出格式")
    if form.is_bound and not form.is_valid():
        return render(request, "dashboards/dashboard.html", {"form": form, "charts": [], "filters": None}, status=400)
    filters = form.filters() if form.is_bound else selectors.default_filters(request.user)
    chart = selectors.chart_by_key(request.user, filters, key)
    if chart is None:
        raise Http404("未找到该图表")
    name = f"{chart.filename}_{filters.region.name}_{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if fmt == "csv":
        return csv_streaming_response(f"{name}.csv", chart.table_headers, chart.table_rows)
    return xlsx_response(f"{name}.xlsx", chart.table_headers, chart.table_rows, sheet_title=chart.title)
