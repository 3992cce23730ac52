"""Who files where (受理渠道) — a pure function over a cited routing table.

Input: the unit's region (code and its path of ancestors), institution kind, evaluation types,
ownership / coverage, the levels applied for. Output: the ordered review steps (authority codes)
and the authorities a filing is copied to. No Django imports: the caller maps codes to rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    authority: str  # Authority.code
    role: str  # "file" (accept, evaluate, decide) | "initial_review" | "review" | "approve"
    label: str
    rule: str  # requirement ID


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]
    copy_to: tuple[str, ...] = field(default_factory=tuple)
    copy_rule: str = ""
    publicity_required: bool = False
    publicity_rule: str = ""


class RoutingError(ValueError):
    pass


def _hrss(code: str) -> str:
    return f"hrss-{code}"


def province_of(code: str) -> str:
    return code[:2] + "0000"


def city_of(code: str) -> str:
    return code[:4] + "00"


def route_for(
    *,
    region_code: str,
    region_level: str,
    kind: str,
    evaluation_types: list[str],
    ownership: str = "",
    coverage_area: str = "",
    levels: list[int] | None = None,
) -> Route:
    """The competent authority path for a filing application (see docs/decisions.md, "Routing")."""
    province = province_of(region_code)
    levels = levels or []
    if province == "500000":
        return _route_chongqing(region_code, region_level, kind, ownership, coverage_area)
    if province == "340000":
        return _route_anhui(region_code, region_level, evaluation_types, levels)
    if province == "520000":
        # GZ 第二条/第三条: 贵州省 selects (遴选) institutions province-wide under the provincial rules.
        return Route(steps=(Step(_hrss("520000"), "file", "省人力资源社会保障厅遴选备案", "GZ-2"),))
    raise RoutingError(f"地区 {region_code} 不在本系统的受理范围内")


def _route_chongqing(region_code: str, region_level: str, kind: str, ownership: str, coverage: str) -> Route:
    centre = "center-500000"
    county = _hrss(region_code) if region_level == "county" else None
    city_managed = (
        (kind == "employer" and ownership in {"central", "provincial"})
        or kind == "school"
        or (kind == "social_org" and coverage in {"city_wide", "province_wide"})
        or county is None
    )
    publicity = kind == "social_org"
    if city_managed:
        step = Step(centre, "file", "市职业技能鉴定指导中心备案", "CQ-6")
    else:
        step = Step(county, "file", "区县人力资源社会保障局备案", "CQ-6")  # type: ignore[arg-type]
    copy_to: tuple[str, ...] = ()
    if not city_managed:
        copy_to = (centre,)  # CQ-15: counties report their institutions to the city centre
    return Route(
        steps=(step,),
        copy_to=copy_to,
        copy_rule="CQ-15" if copy_to else "",
        publicity_required=publicity,
        publicity_rule="CQ-11" if publicity else "",
    )


def _route_anhui(region_code: str, region_level: str, evaluation_types: list[str], levels: list[int]) -> Route:
    city = city_of(region_code)
    province = "340000"
    technician_levels = any(lv in (1, 2) for lv in levels)
    copy_to = (_hrss(province),) if technician_levels else ()
    copy_rule = "AH-2" if technician_levels else ""
    if city == "340400":
        # HN-1: 区县初审 → 市审核备案 → 报省厅审批
        steps: list[Step] = []
        if region_level == "county":
            steps.append(Step(_hrss(region_code), "initial_review", "区县人社部门初审", "HN-1"))
        steps.append(Step(_hrss(city), "review", "市人社部门审核", "HN-1"))
        steps.append(Step(_hrss(province), "approve", "省人力资源社会保障厅审批", "HN-1"))
        return Route(steps=tuple(steps), copy_to=(), copy_rule="")
    if region_level == "province":
        return Route(steps=(Step(_hrss(province), "file", "省人力资源社会保障厅备案", "AH-1"),))
    # AH-1 (属地), AH-2 (分级负责、属地管理), AH-3 (专项职业能力: 属地市级) — one filing for all types (AH-4.1)
    rule = "AH-3" if evaluation_types == ["special_ability"] else "AH-2"
    return Route(
        steps=(Step(_hrss(city), "file", "市人力资源社会保障局备案", rule),),
        copy_to=copy_to,
        copy_rule=copy_rule,
    )
