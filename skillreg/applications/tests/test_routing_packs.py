"""Every route the rule packs describe is the route the system takes (issue 10: packs are the one source)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.applications.routing import FALLBACKS, RoutingError, route_for
from skillreg.policy.loader import default_packset

# A county-level region under each pack region that carries routing rules.
COUNTY_OF = {"500000": "500101", "340000": "340102", "340400": "340403"}
OWNERSHIP_OF = {"city_owned": "provincial", "central_branch": "central", "county_owned": "local"}
COVERAGE_OF = {"province_or_city_wide": "city_wide", "county": "county"}
EXPECTED = {
    "province": lambda c: f"hrss-{c[:2]}0000",
    "city": lambda c: f"hrss-{c[:4]}00",
    "city_center": lambda c: f"center-{c[:2]}0000",
    "county": lambda c: f"hrss-{c}",
}
ON = dt.date(2026, 12, 1)


def _cases():
    for lp in default_packset().packs:
        for rule in lp.pack.routing:
            yield pytest.param(lp, rule, id=rule.id)


@pytest.mark.parametrize(("lp", "rule"), list(_cases()))
def test_each_pack_route_is_the_route_taken(lp, rule):
    md = lp.pack.metadata
    region = COUNTY_OF[md.region]
    kind = (rule.kinds or md.kinds)[0]
    types = list(rule.evaluation_types or [md.evaluation_types[0]])
    levels = list(rule.levels_any or [5])
    ownership = coverage = ""
    if rule.when is not None:
        value = rule.when.in_[0] if hasattr(rule.when, "in_") else rule.when.model_dump(by_alias=True)["in"][0]
        if rule.when.fact == "enterprise_affiliation":
            ownership = OWNERSHIP_OF[value]
        else:
            coverage = COVERAGE_OF[value]
    route = route_for(
        region_code=region,
        region_level="county",
        kind=kind,
        evaluation_types=types,
        ownership=ownership,
        coverage_area=coverage,
        levels=levels,
        on=ON,
    )
    assert rule.id in route.pack_rules
    if rule.steps:
        assert [s.label for s in route.steps] == rule.steps  # a county unit goes through every step
        assert [s.role for s in route.steps] == ["initial_review", "review", "approve"]
        assert route.steps[-1].authority == EXPECTED["province"](region)
    elif not rule.levels_any:
        (step,) = route.steps
        assert step.authority == EXPECTED[rule.authority_level](region)
        assert step.rule == rule.requirement and rule.cite.article in step.basis
    if rule.copy_to:
        assert route.copy_to, f"{rule.id} copies to {rule.copy_to}"


def test_what_the_packs_do_not_describe_is_a_listed_fallback():
    gz = route_for(region_code="520100", region_level="city", kind="social_org", evaluation_types=["skill_level"])
    assert gz.pack_rules == () and gz.steps[0].rule in FALLBACKS and gz.steps[0].authority == "hrss-520000"
    private = route_for(
        region_code="500238",
        region_level="county",
        kind="employer",
        evaluation_types=["skill_level"],
        ownership="private",
    )
    assert private.pack_rules == () and private.steps[0].authority == "hrss-500238"
    with pytest.raises(RoutingError):
        route_for(region_code="110105", region_level="county", kind="employer", evaluation_types=["skill_level"])


def test_huainan_path_replaces_the_anhui_rules_and_skips_the_county_for_a_city_unit():
    route = route_for(
        region_code="340400", region_level="city", kind="employer", evaluation_types=["skill_level"], levels=[2]
    )
    assert route.pack_rules == ("HN-1.path",) and [s.role for s in route.steps] == ["review", "approve"]
    assert route.copy_to == ()
