"""Bridge from an application to the policy engine: its decision record and reviewer checklist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from skillreg.core import clock
from skillreg.core.errors import ValidationFailed
from skillreg.occupations.models import LEVEL_NAMES

from .models import Application
from .profile import build_profile

OUTCOME_LABELS = {
    "pass": "符合",
    "fail": "不符合",
    "missing": "缺少信息",
    "needs_review": "待人工审核",
    "drop": "该职业不予延续",  # GZ-10: one occupation below its threshold leaves the renewed scope
}
CONFIRMED_LABEL = "审核人员已确认"

# Where on the filing form (applicant_edit.html) each fact is entered; the self-check and the staff case page
# say it next to every missing fact (issue 11: "缺少事实：facts.registered_in_region" told nobody anything).
SECTION_KIND = "一、申请类别"
SECTION_SCOPE = "四、拟鉴定职业（工种）等级"
SECTION_PEOPLE = "五、人员"
SECTION_FACTS = "八、备案条件相关情况"
_PEOPLE_FACTS = {
    "finance_staff",
    "internal_quality_supervisors",
    "examiners",
    "own_examiners",
    "certified_examiners",
    "own_certified_examiners",
}
_KIND_FACTS = {"enterprise_affiliation", "evaluation_area"}


def form_section(path: str) -> str:
    """The form section of a fact path of the engine (``facts.x``, ``scope[0].facts.x``, ``scope``…)."""
    name = re.split(r"[.\]]", path)[-1]
    if name in _PEOPLE_FACTS:
        return SECTION_PEOPLE
    if name in _KIND_FACTS:
        return SECTION_KIND
    if path.startswith("facts."):
        return SECTION_FACTS
    return SECTION_SCOPE


def _missing_text(result: dict[str, Any]) -> str:
    labels: dict[str, list[str]] = {}
    for c in result.get("checks") or []:
        if c.get("outcome") != "missing":
            continue
        path = _path_of(c, result)
        labels.setdefault(form_section(path), [])
        if c["label"] not in labels[form_section(path)]:
            labels[form_section(path)].append(c["label"])
    if not labels:
        return result.get("message", "")
    return "；".join(f"尚未填写{'、'.join(v)}（在“{k}”中填写）" for k, v in labels.items())


def _path_of(check: dict[str, Any], result: dict[str, Any]) -> str:
    name, scope = check.get("fact", ""), check.get("scope", "institution")
    if scope == "institution":
        return "scope" if name in ("occupation_count", "all_new_occupations") else f"facts.{name}"
    return f"scope[0].facts.{name}"


def _choice_words(result: dict[str, Any]) -> str:
    """The engine names list values by code ("已制定的管理制度缺少：archive、quality"); a page shows their Chinese
    labels ("档案管理制度、质量管理制度"), read with the fact each check is about."""
    from .forms import CHOICE_LABELS, choice_label

    message = str(result.get("message") or "")
    facts = [c.get("fact", "") for c in result.get("checks") or []]

    def label(m: re.Match[str]) -> str:
        word = m.group(0)
        for fact in facts:
            text = choice_label(word, fact)
            if text != word:
                return text
        return CHOICE_LABELS.get(word, word)

    return re.sub(r"(?<![A-Za-z0-9_.-])[a-z][a-z_]+(?![A-Za-z0-9_.-])", label, message)


def citation_text(citation: dict[str, Any] | None) -> str:
    """The document's own 文号 and article with the quote — never a requirement ID (issue 11)."""
    c = citation or {}
    # a document without a 文号 (淮南's notice) is named by its title
    document = c.get("doc_number") or (f"《{c['title']}》" if c.get("title") else "")
    head = " ".join(x for x in (document, c.get("article", "")) if x)
    quote = c.get("quote", "")
    return f"{head}：“{quote}”" if quote else head


def result_key(result: dict[str, Any]) -> str:
    """Stable key of one rule instance (rule × occupation × level) for the reviewer checklist."""
    subject = result.get("subject") or {}
    parts = [result["rule"], subject.get("occupation_code", ""), str(subject.get("level", ""))]
    return ":".join(parts).rstrip(":")


def _present(record: dict[str, Any]) -> dict[str, Any]:
    for r in record.get("results", []):
        r["key"] = result_key(r)
        r["outcome_label"] = OUTCOME_LABELS.get(r["outcome"], r["outcome"])
        r["citation_text"] = citation_text(r.get("citation"))
        if r["outcome"] == "missing":
            r["message"] = _missing_text(r)
        else:
            r["message"] = _choice_words(r)
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


def apply_confirmations(record: dict[str, Any] | None, checklists: list[list[dict[str, Any]]]) -> None:
    """Mark the judgment items a reviewer confirmed in a decision as such (issue 11: ticked items still read
    "待人工审核" after the decision). ``checklists``: the ``checklist`` of each decision of the case."""
    if not record:
        return
    confirmed = {c.get("key"): c for cl in checklists for c in cl or [] if c.get("checked")}
    for r in record.get("results", []):
        if r.get("outcome") == "needs_review" and r.get("key") in confirmed:
            r["outcome_label"] = CONFIRMED_LABEL
            r["confirmed"] = True
            comment = (confirmed[r["key"]].get("comment") or "").strip()
            if comment:
                r["message"] = f"{r.get('message') or ''}（审核意见：{comment}）".strip()


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
