"""Bridge from an application to the policy engine: its decision record and reviewer checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillreg.core import clock
from skillreg.core.errors import ValidationFailed
from skillreg.occupations.models import LEVEL_NAMES

from .models import Application
from .profile import build_profile

OUTCOME_LABELS = {
    "pass": "符合",
    "fail": "不符合",
    "missing": "缺少事实",
    "needs_review": "待人工审核",
    "drop": "该职业不予延续",  # GZ-10: one occupation below its threshold leaves the renewed scope
}


def result_key(result: dict[str, Any]) -> str:
    """Stable key of one rule instance (rule × occupation × level) for the reviewer checklist."""
    subject = result.get("subject") or {}
    parts = [result["rule"], subject.get("occupation_code", ""), str(subject.get("level", ""))]
    return ":".join(parts).rstrip(":")


def _present(record: dict[str, Any]) -> dict[str, Any]:
    for r in record.get("results", []):
        r["key"] = result_key(r)
        r["outcome_label"] = OUTCOME_LABELS.get(r["outcome"], r["outcome"])
        c = r.get("citation") or {}
        r["citation_text"] = (
            f"{c.get('doc_number', '')} {c.get('article', '')}（{c.get('requirement', '')}）：“{c.get('quote', '')}”"
        )
        s = r.get("subject") or {}
        if s:
            level = LEVEL_NAMES.get(s["level"], "") if s.get("level") else ""
            r["scope_label"] = f"{s.get('occupation_code', '')} {s.get('occupation_name', '')} {level}".strip()
    record["checklist"] = [r for r in record.get("results", []) if r["outcome"] == "needs_review"]
    return record


def evaluate_application(application: Application, on: dt.date | None = None) -> dict[str, Any]:
    """The engine's decision record (JSON) for this application on ``on`` (default today)."""
    from skillreg.policy.engine import check
    from skillreg.policy.errors import PolicyError

    if on is None and application.application_type == "renewal" and application.submitted_at:
        from skillreg.deadlines.scan import local_date

        on = local_date(application.submitted_at)  # CQ-14: the day the renewal was applied for counts
    try:
        record = check(build_profile(application), on=on or clock.today())
    except PolicyError as exc:
        raise ValidationFailed(
            f"条件判定无法进行：{exc.message}", code=f"POLICY_{exc.code.upper()}", field=exc.field
        ) from None
    if application.for_filing_id:
        from .services.lifecycle import lifecycle_record_filter

        record = lifecycle_record_filter(record, application)
    return _present(record)


def review_items(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The judgment items ("信誉良好", "与主营业务相关" …) the reviewer must confirm."""
    if not record:
        return []
    return [r for r in record.get("results", []) if r.get("outcome") == "needs_review"]


def unresolved_review_items(record: dict[str, Any] | None, checklist: list[dict[str, Any]]) -> list[dict[str, Any]]:
    confirmed = {c.get("key") for c in checklist if c.get("checked")}
    return [
        {"key": r["key"], "title": r["title"], "message": f"未确认：{r['title']} {r.get('scope_label', '')}".strip()}
        for r in review_items(record)
        if r.get("key") not in confirmed
    ]
