"""Public read API of a filing's dated history, mounted at /api/v1/filings/ (issue 10).

``GET /api/v1/filings/{code}/history``: the versions and the status history exactly as the public directory
page shows them (CQ-12 information is published). No personal data: a version's people (legal representative,
examiners …), phone numbers and the actors of status changes are not part of the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from skillreg.core import clock
from skillreg.core.errors import NotFound
from skillreg.documents.filing_text import scope_rows
from skillreg.institutions.selectors import filing_timeline, public_filing_by_code

from .api import ErrorOut, ScopeOut

router = Router(tags=["directory"])

CHANGE_KIND_LABELS = {"filing": "首次备案", "change": "变更备案", "renewal": "延续备案"}


class VersionOut(Schema):
    number: int
    effective_from: dt.date
    effective_to: dt.date | None
    in_force: bool
    name: str
    address: str
    kind: str
    kind_label: str
    coverage: str
    valid_from: dt.date
    valid_to: dt.date
    change_kind: str
    change_kind_label: str
    summary: str
    scope: list[ScopeOut]


class StatusChangeOut(Schema):
    effective_on: dt.date
    action: str
    action_label: str
    from_status: str
    to_status: str
    to_status_label: str
    reason: str


class FilingHistoryOut(Schema):
    code: str
    name: str
    status: str
    status_label: str
    as_of: dt.date
    current_version: int | None
    versions: list[VersionOut]
    status_history: list[StatusChangeOut]


@router.get(
    "/{code}/history",
    response={200: FilingHistoryOut, 404: ErrorOut},
    summary="评价机构备案历史：各版本与状态变化（公开）",
)
def filing_history(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        filing = public_filing_by_code(code)
    except Http404:
        raise NotFound(f"未找到备案编码为“{code}”的评价机构") from None
    today = clock.today()
    timeline = filing_timeline(filing)
    now = timeline.on(today)
    return {
        "code": filing.code,
        "name": filing.shown.name,
        "status": filing.status,
        "status_label": filing.get_status_display(),
        "as_of": today,
        "current_version": now.version.number if now.version else None,
        "versions": [
            {
                "number": v.number,
                "effective_from": v.effective_from,
                "effective_to": v.effective_to,
                "in_force": now.version is not None and v.pk == now.version.pk,
                "name": v.name,
                "address": v.address,
                "kind": v.kind,
                "kind_label": v.get_kind_display(),
                "coverage": v.coverage,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "change_kind": v.change_kind,
                "change_kind_label": CHANGE_KIND_LABELS.get(v.change_kind, "备案"),
                "summary": v.summary,
                "scope": [
                    {
                        "occupation_code": r.occupation_code,
                        "occupation_name": r.occupation_name,
                        "levels": list(r.levels),
                        "level_names": r.level_names,
                    }
                    for r in scope_rows(v)  # type: ignore[arg-type]  # a version has the same scope rows
                ],
            }
            for v in timeline.versions
        ],
        "status_history": [
            {
                "effective_on": c.effective_on,
                "action": c.action,
                "action_label": c.action_label,
                "from_status": c.from_status,
                "to_status": c.to_status,
                "to_status_label": c.get_to_status_display(),
                "reason": c.reason,
            }
            for c in timeline.status_changes
        ],
    }
