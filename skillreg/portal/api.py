"""Public directory API, mounted at /api/v1/directory/ (no login; public data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from skillreg.core.errors import NotFound
from skillreg.documents.filing_text import region_full_name, scope_rows
from skillreg.institutions.models import Filing
from skillreg.institutions.selectors import attach_region_full_names, public_filing_by_code, public_filings

from .views import PAGE_SIZE

router = Router(tags=["directory"])


class DirectoryQuery(Schema):
    q: str = Field("", max_length=100, description="机构名称（包含）、统一社会信用代码（精确）或备案编码（精确或前缀）")
    region: str = Field("", max_length=6, description="行政区划代码：该地区及其下级地区")
    occupation: str = Field("", max_length=20, description="职业（工种）编码，含其下工种")
    kind: str = Field("", description="机构类别：employer / school / social_org")
    status: str = Field(
        "",
        description="状态：active / expiring / renewal_pending / rectifying / wrap_up / terminated / cancelled",
    )
    page: int = Field(1, ge=1, description="页码，每页 20 条")


class ScopeOut(Schema):
    occupation_code: str
    occupation_name: str
    levels: list[int]
    level_names: list[str]


class FilingSummaryOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    evaluation_types: list[str]
    evaluation_type_labels: list[str]
    region_code: str
    region_name: str
    authority_name: str
    filed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date
    status: str
    status_label: str
    url: str


class FilingDetailOut(FilingSummaryOut):
    unit_name: str
    uscc: str
    address: str
    coverage: str
    scope: list[ScopeOut]


class DirectoryPageOut(Schema):
    count: int
    page: int
    num_pages: int
    page_size: int
    results: list[FilingSummaryOut]


class ErrorOut(Schema):
    code: str
    message: str


def _summary(filing: Filing) -> dict[str, Any]:
    shown = filing.shown  # the version in force today
    return {
        "code": filing.code,
        "name": shown.name,
        "kind": shown.kind,
        "kind_label": shown.get_kind_display(),
        "evaluation_types": list(shown.evaluation_types),
        "evaluation_type_labels": shown.evaluation_type_labels,
        "region_code": filing.region.code,
        "region_name": region_full_name(filing),
        "authority_name": filing.authority.name,
        "filed_on": filing.filed_on,
        "valid_from": shown.valid_from,
        "valid_to": shown.valid_to,
        "status": filing.status,
        "status_label": filing.get_status_display(),
        "url": reverse("portal:institution", args=[filing.code]),
    }


@router.get("/", response=DirectoryPageOut, summary="查询已备案评价机构（公开）")
def list_filings(request: HttpRequest, filters: Query[DirectoryQuery]) -> dict[str, Any]:
    filings = public_filings(
        q=filters.q,
        region_code=filters.region,
        occupation_code=filters.occupation,
        kind=filters.kind,
        status=filters.status,
    )
    paginator = Paginator(filings, PAGE_SIZE)
    page = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "num_pages": paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": [_summary(f) for f in attach_region_full_names(page.object_list)],
    }


@router.get("/{code}", response={200: FilingDetailOut, 404: ErrorOut}, summary="评价机构备案详情（公开）")
def get_filing(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        filing = public_filing_by_code(code)
    except Http404:
        raise NotFound(f"未找到备案编码为“{code}”的评价机构") from None
    return {
        **_summary(filing),
        "unit_name": filing.unit.name,
        "uscc": filing.unit.uscc,
        "address": filing.shown.address,
        "coverage": filing.shown.coverage,
        "scope": [
            {
                "occupation_code": r.occupation_code,
                "occupation_name": r.occupation_name,
                "levels": list(r.levels),
                "level_names": r.level_names,
            }
            for r in scope_rows(filing.shown)  # type: ignore[arg-type]  # a version has the same scope rows
        ],
    }
