"""Routing (受理渠道) of the jurisdictions whose rules no other test cites: every step names its rule."""

from __future__ import annotations

import pytest

from skillreg.applications.routing import route_for


@pytest.mark.req("AH-1")
def test_AH_1_a_provincial_unit_files_with_the_province():
    route = route_for(
        region_code="340000", region_level="province", kind="employer", evaluation_types=["qualification"]
    )
    assert [(s.authority, s.role, s.rule) for s in route.steps] == [("hrss-340000", "file", "AH-1")]


@pytest.mark.req("AH-3")
def test_AH_3_special_ability_files_with_the_city():
    route = route_for(
        region_code="340102", region_level="county", kind="employer", evaluation_types=["special_ability"]
    )
    assert [(s.authority, s.rule) for s in route.steps] == [("hrss-340100", "AH-3")]
    assert route.copy_to == ()


@pytest.mark.req("AH-2")
def test_AH_2_skill_level_with_technician_levels_files_locally_and_is_copied_to_the_province():
    route = route_for(
        region_code="340102", region_level="county", kind="school", evaluation_types=["skill_level"], levels=[3, 2]
    )
    assert [(s.authority, s.rule) for s in route.steps] == [("hrss-340100", "AH-2")]
    assert (route.copy_to, route.copy_rule) == (("hrss-340000",), "AH-2")


@pytest.mark.req("GZ-2")
def test_GZ_2_guizhou_selects_province_wide():
    route = route_for(region_code="520102", region_level="county", kind="social_org", evaluation_types=["skill_level"])
    assert [(s.authority, s.role, s.rule) for s in route.steps] == [("hrss-520000", "file", "GZ-2")]
