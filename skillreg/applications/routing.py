"""Who files where (受理渠道): the ``routing:`` sections of the governing rule packs, applied.

Input: the unit's region (code and level), institution kind, evaluation types, ownership / coverage, the
levels applied for, the day. Output: the ordered review steps (authority codes) and the authorities a
filing is copied to. No Django imports (the packs are read by the pure ``skillreg.policy`` loader); the
caller maps codes to rows.

The rules of the most specific pack that has a matching rule decide (Huainan's HN-1 path replaces
Anhui's "属地" rules). What the packs do not describe is listed in ``FALLBACKS`` with its reason, and
docs/decisions.md, "Lifecycle (issue 10)", explains each; a test proves every route the packs describe
is the route this function returns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from skillreg.policy.errors import DateError, RegionError


@dataclass(frozen=True)
class Step:
    authority: str  # Authority.code
    role: str  # "file" (accept, evaluate, decide) | "initial_review" | "review" | "approve"
    label: str
    rule: str  # requirement ID
    basis: str = ""  # 《…》第…条 — the pack's citation


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]
    copy_to: tuple[str, ...] = field(default_factory=tuple)
    copy_rule: str = ""
    publicity_required: bool = False
    publicity_rule: str = ""
    pack_rules: tuple[str, ...] = ()  # ids of the pack routing rules applied; empty = a documented fallback


class RoutingError(ValueError):
    pass


# The routing fields of the form, as the packs' facts (same mapping as applications.profile).
OWNERSHIP_FACT = {"central": "central_branch", "provincial": "city_owned", "local": "county_owned", "private": "other"}
COVERAGE_FACT = {"province_wide": "province_or_city_wide", "city_wide": "province_or_city_wide", "county": "county"}

FALLBACKS = {
    "GZ-2": "贵州：遴选细则未规定受理渠道（见规则包 notes），由省人力资源社会保障厅遴选备案",
    "CQ-6.other": "重庆：第六条未列明的其他企业，按属地由区县（无区县时由市鉴定中心）备案",
    "AH-1.province": "安徽：省级登记的单位无属地市，由省人力资源社会保障厅备案",
}


def _hrss(code: str) -> str:
    return f"hrss-{code}"


def province_of(code: str) -> str:
    return code[:2] + "0000"


def city_of(code: str) -> str:
    return code[:4] + "00"


def _authority(level: str, region_code: str, region_level: str) -> str | None:
    if level == "province":
        return _hrss(province_of(region_code))
    if level == "city_center":
        return f"center-{province_of(region_code)}"
    if level == "city":
        return _hrss(city_of(region_code))
    if level == "county":
        return _hrss(region_code) if region_level == "county" else None
    return None


def _copy_target(text: str, region_code: str) -> str:
    if "鉴定指导中心" in text:
        return f"center-{province_of(region_code)}"
    return _hrss(province_of(region_code))


def _rule_in(text: str) -> str | None:
    m = re.search(r"[A-Z]{2}-\d+", text)
    return m.group(0) if m else None


def _basis(route: Any, lp: Any) -> str:
    md = lp.pack.metadata
    return f"《{md.title}》" + (f"（{md.doc_number}）" if md.doc_number else "") + route.cite.article


def _matches(route: Any, kind: str, types: list[str], levels: set[int], facts: dict[str, Any], on: dt.date) -> bool:
    from skillreg.policy.compiler import PASS, compile_check

    if route.kinds and kind not in route.kinds:
        return False
    if route.evaluation_types and not set(route.evaluation_types) & set(types):
        return False
    if route.levels_any and not levels & set(route.levels_any):
        return False
    if route.when is not None:
        return compile_check(route.when, {})((facts, {}, {}, on), None) == PASS
    return True


def _steps_of(route: Any, lp: Any, region_code: str, region_level: str) -> list[Step]:
    """A multi-step path (HN-1: 区县初审 → 市审核备案 → 报省厅审批) as steps; the county step only for a county."""
    out: list[Step] = []
    basis = _basis(route, lp)
    for label in route.steps:
        if "区县" in label:
            if region_level != "county":
                continue
            out.append(Step(_hrss(region_code), "initial_review", label, route.requirement, basis))
        elif "省" in label:
            out.append(Step(_hrss(province_of(region_code)), "approve", label, route.requirement, basis))
        else:
            out.append(Step(_hrss(city_of(region_code)), "review", label, route.requirement, basis))
    return out


def route_for(
    *,
    region_code: str,
    region_level: str,
    kind: str,
    evaluation_types: list[str],
    ownership: str = "",
    coverage_area: str = "",
    levels: list[int] | None = None,
    on: dt.date | None = None,
) -> Route:
    """The competent authority path for a filing (or change / renewal) application."""
    from skillreg.policy.loader import default_packset

    on = on or dt.date.today()
    level_set = set(levels or [])
    try:
        comp = default_packset().compose(region_code, on)
    except (RegionError, DateError):
        raise RoutingError(f"地区 {region_code} 不在本系统的受理范围内") from None
    facts: dict[str, Any] = {}
    if ownership:
        facts["enterprise_affiliation"] = OWNERSHIP_FACT.get(ownership)
    if coverage_area:
        facts["evaluation_area"] = COVERAGE_FACT.get(coverage_area)
    matching = [(r, lp) for r, lp in comp.routing if _matches(r, kind, evaluation_types, level_set, facts, on)]
    publicity = province_of(region_code) == "500000" and kind == "social_org"  # CQ-11 第二款 (not a routing rule)
    extra: dict[str, Any] = {"publicity_required": publicity, "publicity_rule": "CQ-11" if publicity else ""}
    if not matching:
        return _fallback(region_code, region_level, kind, extra)
    # The most specific pack with a matching rule decides (comp.routing runs general → specific).
    specific = matching[-1][1]
    own = [(r, lp) for r, lp in matching if lp is specific]
    main = [(r, lp) for r, lp in own if not r.levels_any] or own
    route, lp = main[0]
    if route.steps:
        steps = _steps_of(route, lp, region_code, region_level)
    else:
        code = _authority(route.authority_level, region_code, region_level)
        if code is None:  # a county rule for a unit registered above county level
            return _fallback(region_code, region_level, kind, extra)
        if region_level == "province" and route.authority_level == "city":
            return _fallback(region_code, region_level, kind, extra)
        steps = [Step(code, "file", f"{route.authority}备案", route.requirement, _basis(route, lp))]
    copies = [(text, r) for r, _lp in own for text in r.copy_to]
    copy_to = tuple(dict.fromkeys(_copy_target(text, region_code) for text, _r in copies))
    copy_rule = (_rule_in(copies[0][0]) or copies[0][1].requirement) if copies else ""
    return Route(
        steps=tuple(steps),
        copy_to=copy_to,
        copy_rule=copy_rule,
        pack_rules=tuple(r.id for r, _lp in own),
        **extra,
    )


def _fallback(region_code: str, region_level: str, kind: str, extra: dict[str, Any]) -> Route:
    province = province_of(region_code)
    if province == "520000":
        return Route(steps=(Step(_hrss("520000"), "file", "省人力资源社会保障厅遴选备案", "GZ-2"),), **extra)
    if province == "500000":
        if region_level == "county":
            return Route(
                steps=(Step(_hrss(region_code), "file", "区县人力资源社会保障局备案", "CQ-6"),),
                copy_to=("center-500000",),
                copy_rule="CQ-15",
                **extra,
            )
        return Route(steps=(Step("center-500000", "file", "市职业技能鉴定指导中心备案", "CQ-6"),), **extra)
    if province == "340000" and region_level == "province":
        return Route(steps=(Step(_hrss(province), "file", "省人力资源社会保障厅备案", "AH-1"),), **extra)
    raise RoutingError(f"地区 {region_code} 不在本系统的受理范围内")
