"""Sample application profiles (used by docs/examples, tests and the benchmark).

:func:`sample_profile` returns a complete profile that meets every automatic check of its
jurisdiction and kind (so its verdict is ``needs_review``: only the judgment items remain).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from .facts import InformationSystem, ManagementRule, OfficeEquipment, OfficeRoom, StaffRole
from .loader import PackSet, default_packset
from .schema import iter_leaves

JURISDICTIONS: dict[str, str] = {
    "wuxi": "500238",  # 重庆市巫溪县: CQ + WX
    "chongqing": "500000",  # 重庆市（市级受理）: CQ
    "anhui": "340100",  # 安徽省合肥市: AH
    "huainan": "340403",  # 安徽省淮南市田家庵区: AH + HN
    "guizhou": "520100",  # 贵州省贵阳市: GZ
}
KINDS = ("employer", "school", "social_org")
SAMPLE_DATE = dt.date(2026, 11, 1)

_INSTITUTION: dict[str, Any] = {
    "independent_legal_person": True,
    "registered_in_region": True,
    "violation_or_dishonesty_record": False,
    "premises_owned": False,
    "tenure_years": 6,
    "office_area_m2": 220,
    "office_independent": True,
    "office_rooms": [e.value for e in OfficeRoom],
    "office_equipment": [e.value for e in OfficeEquipment],
    "largest_theory_room_seats": 40,
    "standard_theory_rooms": 2,
    "computer_exam_seats": 60,
    "single_seat_single_desk": True,
    "desk_spacing_cm": 90,
    "skill_venue_area_m2": 320,
    "skill_venue_rooms": ["exam_affairs_room", "waiting_room"],
    "video_surveillance_theory": True,
    "video_surveillance_skill": True,
    "video_hd_recording": True,
    "video_skill_full_coverage": True,
    "dedicated_department": True,
    "full_time_staff": 5,
    "finance_staff": 2,
    "staff_roles": [e.value for e in StaffRole],
    "internal_quality_supervisors": 3,
    "qualified_technical_experts": 2,
    "head_age": 52,
    "head_full_civil_capacity": True,
    "head_education": "bachelor",
    "head_title_level": "intermediate",
    "head_has_level2_certificate": False,
    "head_years_experience": 8,
    "management_rules": [e.value for e in ManagementRule],
    "information_systems": [e.value for e in InformationSystem],
    "question_bank_updated_yearly": True,
    "has_implementation_plan": True,
    "stable_funding": True,
    "training_evaluation_violation_record": False,
    "unfinished_rectification": False,
    "failed_annual_inspection_3y": False,
    "on_illegal_org_list": False,
    "abnormal_operation_list_3y": False,
}
_BY_KIND: dict[str, dict[str, Any]] = {
    "employer": {
        "legal_form": "enterprise",
        "above_designated_size": True,
        "large_or_medium_enterprise": True,
        "local_feature_enterprise": False,
        "skill_pay_linkage": True,
        "skill_promotion_linkage": True,
        "skill_training_linkage": True,
        "enterprise_affiliation": "county_owned",
    },
    "school": {
        "legal_form": "public_institution",
        "has_testing_institution": True,
        "has_national_testing_station": True,
        "major_occupation_linkage": True,
        "own_fulltime_students_only": True,
        "evaluation_in_graduation_period": True,
    },
    "social_org": {
        "legal_form": "private_non_enterprise",
        "government_affiliated": False,
        "training_years_consecutive": 6,
        "training_person_times_total": 8000,
        "national_base_or_studio": False,
        "local_feature_enterprise": False,
        "evaluation_area": "county",
    },
}
_OCCUPATION: dict[str, Any] = {
    "theory_room_area_m2": 80,
    "theory_room_seats": 40,
    "skill_workstations": 12,
    "widely_practised": True,
    "examiners": 6,
    "own_examiners": 2,
    "training_person_times": 1500,
    "has_matching_skill_post": True,
    "matches_school_major": True,
    "level_matches_school_tier": True,
}
_LEVEL: dict[str, Any] = {
    "own_certified_examiners": 6,
    "certified_examiners": 6,
    "question_bank_theory_items": 1000,
    "question_bank_skill_items": 40,
}
_LINES = (("6-18-01-01", "车工"), ("4-03-02-01", "中式烹调师"))


def full_profile(region: str, kind: str, levels: tuple[int, ...] = (5, 4, 3)) -> dict[str, Any]:
    """A profile with every catalogue fact filled with a passing value."""
    facts = {**_INSTITUTION, **_BY_KIND[kind]}
    scope = [
        {
            "occupation_code": code,
            "occupation_name": name,
            "levels": list(levels),
            "new_occupation": False,
            "facts": dict(_OCCUPATION),
            "level_facts": [{"level": lvl, **_LEVEL} for lvl in levels],
        }
        for code, name in _LINES
    ]
    return {
        "schema_version": "1",
        "reference": f"SAMPLE-{region}-{kind}",
        "region": region,
        "kind": kind,
        "evaluation_types": ["skill_level"],
        "application_type": "filing",
        "scope": scope,
        "facts": facts,
    }


def used_facts(region: str, kind: str, on: dt.date = SAMPLE_DATE, packset: PackSet | None = None) -> set[str]:
    """Fact names the composed packs of ``region`` use for ``kind`` (conditions and routing)."""
    comp = (packset or default_packset()).compose(region, on)
    names: set[str] = set()
    for cond, lp in comp.conditions:
        if kind not in (cond.kinds or lp.pack.metadata.kinds):
            continue
        for leaf in iter_leaves(cond.check) + iter_leaves(cond.when):
            names.add(leaf.fact)
    for route, _lp in comp.routing:
        if not route.kinds or kind in route.kinds:
            names.update(leaf.fact for leaf in iter_leaves(route.when))
    return names


def registration_regions(
    region: str, kind: str, on: dt.date = SAMPLE_DATE, packset: PackSet | None = None
) -> list[tuple[str, str]]:
    """(region code, region name) of every composed pack whose conditions for ``kind`` ask "registered in this
    region" — each is a separate question (registered_in[code]), general → specific."""
    from .compiler import REGION_RELATIVE

    comp = (packset or default_packset()).compose(region, on)
    out: list[tuple[str, str]] = []
    for cond, lp in comp.conditions:
        if kind not in (cond.kinds or lp.pack.metadata.kinds):
            continue
        if any(leaf.fact in REGION_RELATIVE for leaf in iter_leaves(cond.check) + iter_leaves(cond.when)):
            md = lp.pack.metadata
            item = (str(md.region), str(md.region_name or md.region))
            if item not in out:
                out.append(item)
    return out


def sample_profile(jurisdiction: str, kind: str, minimal: bool = True) -> dict[str, Any]:
    region = JURISDICTIONS[jurisdiction]
    data = full_profile(region, kind)
    data["reference"] = f"EXAMPLE-{jurisdiction}-{kind}"
    if region.startswith("50") and kind == "employer" and region == "500000":
        data["facts"]["enterprise_affiliation"] = "city_owned"
    if region == "500000" and kind == "social_org":
        data["facts"]["evaluation_area"] = "province_or_city_wide"
    if not minimal:
        return data
    keep = used_facts(region, kind)
    data["facts"] = {k: v for k, v in data["facts"].items() if k in keep}
    for line in data["scope"]:
        line["facts"] = {k: v for k, v in line["facts"].items() if k in keep}
        level_keep = [{k: v for k, v in lf.items() if k == "level" or k in keep} for lf in line["level_facts"]]
        line["level_facts"] = [lf for lf in level_keep if len(lf) > 1]
    return copy.deepcopy(data)
