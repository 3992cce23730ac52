"""Automatic checks of a reported evaluation plan against the filing as it stood on every evaluation day
(``institutions.selectors.filing_timeline(...).on(day)``, the same answer as ``filing_on``).

Each fault is a ``ValidationFailed`` with a stable code, the form field and a Chinese message naming the
document and article; nothing here writes. Thresholds come from the rule packs (``min_examiners_per_occupation``:
HN-1 淮南 5, WX-6.2.1 巫溪 3, GZ-6.6 贵州 4); where no pack sets one, only the registration is checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from skillreg.core.errors import ValidationFailed
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.institutions.selectors import FilingOnDay, filing_timeline
from skillreg.occupations.models import LEVEL_NAMES, Occupation
from skillreg.policy.errors import PolicyError
from skillreg.policy.loader import default_packset

MIN_EXAMINERS_PARAM = "min_examiners_per_occupation"


@dataclass(frozen=True)
class Threshold:
    value: int
    basis: str  # 《title》（文号）article — shown on pages, never a requirement ID
    requirement: str


def examiner_threshold(region_code: str, day: dt.date) -> Threshold | None:
    """The pack's minimum number of examiners per filed occupation for the region on ``day``, if any."""
    try:
        comp = default_packset().compose(region_code, day)
    except PolicyError:
        return None
    hit = comp.parameters.get(MIN_EXAMINERS_PARAM)
    if hit is None:
        return None
    param, lp = hit
    meta = lp.pack.metadata
    doc = f"《{meta.title}》" + (f"（{meta.doc_number}）" if meta.doc_number else "")
    return Threshold(int(param.value), f"{doc}{param.cite.article}", param.requirement)


def filed_venues(version: Any) -> list[str]:
    """The venues a filing version names: its address and each entry of 场地情况 (see docs/decisions.md)."""
    out: list[str] = []
    for text in [version.address, *_split(version.venues or "")]:
        text = text.strip()
        if text and text not in out:
            out.append(text)
    return out


def _split(text: str) -> list[str]:
    for sep in ("\r\n", "\n", "；", ";", "。", "，", ","):
        text = text.replace(sep, "\n")
    return [t for t in text.split("\n") if t.strip()]


def registered_examiners(version: Any, occupation: Occupation, level: int | None = None) -> list[dict[str, Any]]:
    """The version's examiners registered for the occupation (or its parent occupation), and — with
    ``level`` — qualified for that level: an examiner registered at level L examines L and the levels below
    it (a larger number); one registered without a level counts for every level (docs/decisions.md)."""
    codes = {occupation.code} | ({occupation.parent.code} if occupation.parent is not None else set())
    out = []
    for e in (version.people or {}).get("examiners", []) if version else []:
        if e.get("occupation") not in codes:
            continue
        if level is not None and e.get("level") and int(e["level"]) > level:
            continue
        out.append(e)
    return out


def registered_supervisors(version: Any) -> list[str]:
    return [str(s) for s in (version.people or {}).get("supervisors", [])] if version else []


def examiner_key(e: dict[str, Any]) -> str:
    """Who an examiner is across plans: the examiner certificate code, else the name."""
    return (e.get("certificate_code") or "").strip() or f"name:{(e.get('name') or '').strip()}"


def person_index(e: dict[str, Any]) -> str:
    """Who an examiner is across institutions: the blind index of the ID number registered with the filing
    (``id_index``), empty for examiners registered without one (docs/decisions.md)."""
    return str(e.get("id_index") or "")


def with_person_index(version: Any, examiners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan's examiners with the ``id_index`` of the version's registered examiner of the same key (taken
    from the filing, never from the request)."""
    registered = (
        {examiner_key(e): person_index(e) for e in (version.people or {}).get("examiners", [])} if version else {}
    )
    out = []
    for e in examiners:
        index = registered.get(examiner_key(e), "")
        out.append({**{k: v for k, v in e.items() if k != "id_index"}, **({"id_index": index} if index else {})})
    return out


def evaluation_days(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    return [starts_on + dt.timedelta(days=i) for i in range((ends_on - starts_on).days + 1)]


def _day_faults(on: FilingOnDay, occupation: Occupation, level: int, evaluation_type: str) -> list[ValidationFailed]:
    day = f"{on.day:%Y-%m-%d}"
    out: list[ValidationFailed] = []
    if on.version is None:
        return [ValidationFailed(f"{day} 本机构尚未备案，不得开展评价活动", code="PLAN_NOT_FILED", field="starts_on")]
    if not on.valid:
        return [
            ValidationFailed(
                f"评价日期 {day} 不在备案有效期"
                f"（{on.version.valid_from:%Y-%m-%d} 至 {on.version.valid_to:%Y-%m-%d}）内",
                code="PLAN_AFTER_EXPIRY" if on.day > on.version.valid_to else "PLAN_BEFORE_VALIDITY",
                field="ends_on" if on.day > on.version.valid_to else "starts_on",
            )
        ]
    if on.status == FilingStatus.WRAP_UP:
        out.append(
            ValidationFailed(
                f"{day} 本机构评价资格已终止、处于收尾期，不得开展新的评价", code="PLAN_IN_WRAP_UP", field="starts_on"
            )
        )
    elif on.status in (FilingStatus.TERMINATED, FilingStatus.CANCELLED) or on.exit is not None:
        out.append(
            ValidationFailed(
                f"{day} 本机构已终止评价活动（{on.status_label}），不得开展评价",
                code="PLAN_FILING_ENDED",
                field="starts_on",
            )
        )
    elif not on.may_evaluate and on.rectification is None and on.status != FilingStatus.RECTIFYING:
        out.append(
            ValidationFailed(
                f"{day} 本机构状态为“{on.status_label}”，不得开展评价活动",
                code="PLAN_FILING_NOT_ACTIVE",
                field="starts_on",
            )
        )
    if on.rectification is not None or on.status == FilingStatus.RECTIFYING:
        out.append(
            ValidationFailed(
                f"{day} 本机构在整改期内，整改期内不得开展评价活动（渝人社发〔2020〕128号第三十条）",
                code="PLAN_DURING_RECTIFICATION",
                field="starts_on",
            )
        )
    filed = on.scope.get(occupation.code)
    if filed is None and occupation.parent is not None:
        filed = on.scope.get(occupation.parent.code)
    if filed is None:
        out.append(
            ValidationFailed(
                f"{occupation.code} {occupation.name} 不在本机构 {day} 有效的备案职业范围内",
                code="PLAN_OUT_OF_SCOPE",
                field="occupation",
            )
        )
    elif level not in filed:
        out.append(
            ValidationFailed(
                f"本机构 {day} 备案的 {occupation.name} 不含{LEVEL_NAMES.get(level, level)}",
                code="PLAN_LEVEL_OUT_OF_SCOPE",
                field="level",
            )
        )
    if evaluation_type not in (on.version.evaluation_types or []):
        out.append(ValidationFailed("本机构未备案该评价类型", code="PLAN_TYPE_NOT_FILED", field="evaluation_type"))
    return out


def plan_faults(
    *,
    filing: Filing,
    occupation: Occupation,
    level: int,
    evaluation_type: str,
    starts_on: dt.date,
    ends_on: dt.date,
    venue: str,
    examiners: list[dict[str, Any]],
    supervisors: list[str],
) -> list[ValidationFailed]:
    """Every fault of the plan on every evaluation day, each reported once (the first day it occurs)."""
    timeline = filing_timeline(filing)
    seen: set[str] = set()
    out: list[ValidationFailed] = []

    def add(fault: ValidationFailed, who: str = "") -> None:
        key = f"{fault.code}|{who}"  # once per fault (per person for the people checks), not once per day
        if key not in seen:
            seen.add(key)
            out.append(fault)

    max_days = int(getattr(settings, "SKILLREG_PLAN_MAX_DAYS", 31))
    if (ends_on - starts_on).days + 1 > max_days:
        return [ValidationFailed(f"一个评价计划最长{max_days}天", code="PLAN_TOO_LONG", field="ends_on")]
    for day in evaluation_days(starts_on, ends_on):
        on = timeline.on(day)
        for fault in _day_faults(on, occupation, level, evaluation_type):
            add(fault)
        if on.version is None:
            continue
        if venue and venue not in filed_venues(on.version):
            add(
                ValidationFailed(
                    f"评价场地“{venue}”不是本机构 {day:%Y-%m-%d} 有效备案中的场地",
                    code="PLAN_VENUE_NOT_FILED",
                    field="venue",
                )
            )
        qualified = registered_examiners(on.version, occupation, level)
        keys = {examiner_key(e) for e in qualified}
        for e in examiners:
            if examiner_key(e) not in keys:
                add(
                    ValidationFailed(
                        f"考评人员“{e.get('name', '')}”未在本机构备案中登记为 {occupation.name}"
                        f"{LEVEL_NAMES.get(level, level)}的考评人员",
                        code="PLAN_EXAMINER_NOT_REGISTERED",
                        field="examiners",
                    ),
                    examiner_key(e),
                )
        threshold = examiner_threshold(filing.region.code, day)
        registered = len({examiner_key(e) for e in registered_examiners(on.version, occupation)})
        if threshold is not None and registered < threshold.value:
            add(
                ValidationFailed(
                    f"本机构备案的 {occupation.name} 考评人员 {registered} 人，少于{threshold.basis}"
                    f"规定的每个备案职业（工种）不少于{threshold.value}人",
                    code="PLAN_TOO_FEW_EXAMINERS",
                    field="examiners",
                )
            )
        filed_supervisors = set(registered_supervisors(on.version))
        for name in supervisors:
            if name not in filed_supervisors:
                add(
                    ValidationFailed(
                        f"“{name}”不是本机构备案的内部质量督导员",
                        code="PLAN_SUPERVISOR_NOT_REGISTERED",
                        field="supervisors",
                    ),
                    name,
                )
    return out
