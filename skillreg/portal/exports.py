"""Columns of the directory export (CSV / XLSX): public facts only, no personal data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from skillreg.documents.filing_text import evaluation_types_text, region_full_name, scope_text
from skillreg.institutions.models import Filing

HEADERS = [
    "备案编码",
    "评价机构名称",
    "申报单位",
    "统一社会信用代码",
    "机构类别",
    "评价类型",
    "所在地区",
    "机构地址",
    "备案机关",
    "备案日期",
    "有效期起",
    "有效期止",
    "状态",
    "评价职业（工种）及等级",
    "评价范围",
]


def row(filing: Filing) -> list[Any]:
    shown = filing.shown  # the version in force today (an early renewal's later version is not yet shown)
    return [
        filing.code,
        shown.name,
        filing.unit.name,
        filing.unit.uscc,
        shown.get_kind_display(),
        evaluation_types_text(shown),  # type: ignore[arg-type]  # a version has the same fields
        region_full_name(filing),
        shown.address,
        filing.authority.name,
        filing.filed_on,
        shown.valid_from,
        shown.valid_to,
        filing.get_status_display(),
        scope_text(shown),  # type: ignore[arg-type]
        shown.coverage,
    ]


def rows(filings: Iterable[Filing]) -> Iterator[list[Any]]:
    for filing in filings:
        yield row(filing)
