"""Periodic evaluation pages: staff score an institution per year (AH-4.2, HN-2); an institution fills its yearly
self-check against HN 附件1. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from skillreg.accounts import scope
from skillreg.core import clock
from skillreg.core.errors import DomainError

from . import selectors
from .selfcheck import DOCUMENT, ITEMS
from .services import appraisal_confirm, appraisal_score, appraisal_start, self_check_submit


def _year(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _day_of(year: int) -> dt.date:
    """The day whose rules govern a year's self-check: its last day, or today for the current year."""
    return min(dt.date(year, 12, 31), clock.today())


def _errors(exc: DomainError) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.details.get("errors", []) if isinstance(e, dict)}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    if scope.is_institution(request.user):
        filings = selectors.self_check_filings(request.user, today)  # only where the rules ask for one (HN-2)
        return render(
            request,
            "appraisals/institution_home.html",
            {"rows": [(f, selectors.self_checks(f)) for f in filings], "year": today.year, "document": DOCUMENT},
        )
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")
    year = _year(request.GET.get("year"), today.year)
    return render(
        request,
        "appraisals/staff_home.html",
        {
            "rows": selectors.filings_with_appraisals(request.user, year),
            "year": year,
            "years": range(today.year, 2019, -1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")
    filing = selectors.filing_for(request.user, code)
    appraisal = selectors.appraisal_of(filing, year)
    errors: dict[str, str] = {}
    posted: dict[str, tuple[str, str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start":
                appraisal_start(filing=filing, year=year, actor=request.user)
                messages.success(request, "已开始评估，系统已按现有数据预填部分评估项")
                return redirect("appraisals:appraisal", code=code, year=year)
            if appraisal is None:
                raise Http404("未找到该评估")
            posted = {
                i["code"]: (request.POST.get(f"score_{i['code']}", ""), request.POST.get(f"note_{i['code']}", ""))
                for i in appraisal.scheme["items"]
            }
            appraisal_score(appraisal=appraisal, data=posted, actor=request.user)
            if action == "confirm":
                appraisal_confirm(appraisal=appraisal, actor=request.user)
                messages.success(request, "评估结果已确认")
            else:
                messages.success(request, "评分已保存")
            return redirect("appraisals:appraisal", code=code, year=year)
        except DomainError as exc:
            errors = _errors(exc)
            messages.error(request, exc.message)
            if exc.field and exc.field not in errors:
                errors[exc.field] = exc.message
    rows = selectors.scheme_rows(appraisal) if appraisal else []
    for row in rows:
        if row["item"]["code"] in posted:
            row["score"], row["note"] = posted[row["item"]["code"]]
    check = selectors.self_check_of(filing, year)
    return render(
        request,
        "appraisals/appraisal.html",
        {
            "filing": filing,
            "year": year,
            "appraisal": appraisal,
            "rows": rows,
            "errors": errors,
            "self_check": check,
            "self_check_rows": selectors.self_check_rows(check) if check else [],
            "can_edit": scope.supervises(request.user, filing),
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_check_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    filing = selectors.filing_for(request.user, code)  # an institution its own filings; staff their region
    check = selectors.self_check_of(filing, year)
    not_required = check is None and not selectors.asks_self_check(filing, _day_of(year))
    errors: dict[str, str] = {}
    rows = selectors.self_check_rows(check)
    remedy = check.remedy if check else ""
    if request.method == "POST":
        if not scope.is_institution(request.user):
            raise Http404("页面不存在")
        answers = {
            i.code: (request.POST.get(f"met_{i.code}") == "1", request.POST.get(f"note_{i.code}", "")) for i in ITEMS
        }
        remedy = request.POST.get("remedy", "")
        try:
            self_check_submit(filing=filing, year=year, answers=answers, remedy=remedy, actor=request.user)
            messages.success(request, f"{year}年度自查已提交")
            return redirect("appraisals:self_check", code=code, year=year)
        except DomainError as exc:
            errors = _errors(exc)
            if exc.field and exc.field not in errors:
                errors[exc.field] = exc.message
            messages.error(request, exc.message)
            rows = [{"item": i, "met": answers[i.code][0], "note": answers[i.code][1]} for i in ITEMS]
    return render(
        request,
        "appraisals/self_check.html",
        {
            "filing": filing,
            "year": year,
            "check": check,
            "rows": rows,
            "remedy": remedy,
            "errors": errors,
            "document": DOCUMENT,
            "editable": scope.is_institution(request.user) and not not_required,
            "not_required": not_required,
        },
        status=422 if errors else 200,
    )
