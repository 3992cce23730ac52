"""Anhui (AH, 340000) and Huainan (AH + HN, 3404xx)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.policy.errors import ProfileError

from .helpers import judge, outcome, profile, results, set_level, set_line


@pytest.mark.parametrize(("own", "expected"), [(4, "fail"), (5, "pass")])
@pytest.mark.req("AH-att1-4")
def test_AH_att1_4_own_certified_examiners_per_occupation_and_level(own, expected):
    data = set_level(profile("anhui", "employer"), 1, 3, own_certified_examiners=own)
    record = judge(data)
    r = outcome(record, "AH-att1-4.examiners", index=1, level=3)
    assert (r["outcome"], r["actual"], r["required"]) == (expected, own, 5)
    assert r["subject"]["occupation_code"] == "4-03-02-01"
    assert outcome(record, "AH-att1-4.examiners", index=1, level=4)["outcome"] == "pass"
    assert len(results(record, "AH-att1-4.examiners")) == 6  # 2 occupations x 3 levels


@pytest.mark.req("AH-att1-4")
def test_AH_att1_4_missing_level_facts_are_missing_not_assumed():
    data = profile("anhui", "employer")
    data["scope"][0]["level_facts"] = [lf for lf in data["scope"][0]["level_facts"] if lf["level"] != 5]
    record = judge(data)
    r = outcome(record, "AH-att1-4.examiners", index=0, level=5)
    assert r["outcome"] == "missing"
    assert r["missing_facts"] == ["scope[0].level_facts[level=5].own_certified_examiners"]
    assert record["verdict"] == "incomplete"


@pytest.mark.parametrize(
    ("area", "seats", "exp_area", "exp_seats"),
    [(59, 30, "fail", "pass"), (60, 29, "pass", "fail"), (60, 30, "pass", "pass")],
)
@pytest.mark.req("AH-att1-3.2")
def test_AH_att1_3_2_theory_venue_60_m2_and_30_seats_per_occupation(area, seats, exp_area, exp_seats):
    data = set_line(profile("anhui", "school"), 0, theory_room_area_m2=area, theory_room_seats=seats)
    record = judge(data)
    assert outcome(record, "AH-att1-3.2.area", index=0)["outcome"] == exp_area
    assert outcome(record, "AH-att1-3.2.seats", index=0)["outcome"] == exp_seats


@pytest.mark.parametrize(
    ("widely", "stations", "expected"),
    [(True, 9, "fail"), (True, 10, "pass"), (False, 0, "pass"), (None, 9, "missing"), (None, 10, "pass")],
)
@pytest.mark.req("AH-att1-3.3")
def test_AH_att1_3_3_ten_workstations_for_widely_practised(widely, stations, expected):
    data = set_line(profile("anhui", "social_org"), 0, widely_practised=widely, skill_workstations=stations)
    assert outcome(judge(data), "AH-att1-3.3.workstations", index=0)["outcome"] == expected


@pytest.mark.parametrize(("area", "expected"), [(49, "fail"), (50, "pass")])
@pytest.mark.req("AH-att1-3.1")
def test_AH_att1_3_1_office_50_m2(area, expected):
    assert outcome(judge(profile("anhui", "employer", office_area_m2=area)), "AH-att1-3.1.area")["outcome"] == expected


@pytest.mark.parametrize(
    ("owned", "years", "expected"),
    [(False, 2.9, "fail"), (False, 3, "pass"), (True, None, "pass"), (None, None, "missing")],
)
@pytest.mark.req("AH-att1-3")
def test_AH_att1_3_tenure_own_or_3_years(owned, years, expected):
    data = profile("anhui", "employer", premises_owned=owned, tenure_years=years)
    assert outcome(judge(data), "AH-att1-3.tenure")["outcome"] == expected


@pytest.mark.req("AH-4.1")
def test_AH_4_1_several_types_filed_once_special_ability_without_levels():
    data = profile("anhui", "social_org", lines=2)
    data["evaluation_types"] = ["skill_level", "special_ability"]
    data["scope"][0]["evaluation_type"] = "skill_level"
    data["scope"][1].update(evaluation_type="special_ability", levels=[], level_facts=[], occupation_code="S-34-001")
    record = judge(data)
    assert outcome(record, "AH-3.scope", index=1)["outcome"] == "needs_review"
    assert {r["subject"]["scope_index"] for r in results(record, "AH-att1-4.examiners")} == {0}
    assert [r["id"] for r in record["routing"]] == ["AH-2.skill_level", "AH-3.special_ability"]


@pytest.mark.req("AH-2")
def test_AH_2_levels_1_and_2_copied_to_province():
    record = judge(profile("anhui", "employer", levels=(3, 2)))
    cc = [r for r in record["routing"] if r["id"] == "AH-2.skill_level.cc"]
    assert cc and "安徽省人力资源和社会保障厅" in cc[0]["copy_to"][0]
    assert "AH-2.skill_level.cc" not in [r["id"] for r in judge(profile("anhui", "employer"))["routing"]]


def test_qualification_type_not_covered_in_chongqing_is_an_error():
    data = profile("wuxi", "employer")
    data["evaluation_types"] = ["qualification"]
    for line in data["scope"]:
        line["evaluation_type"] = "qualification"
    with pytest.raises(ProfileError) as exc:
        judge(data)
    assert exc.value.field == "evaluation_types[0]"
    assert "职业资格评价" in exc.value.message


# ---------------------------------------------------------------- Huainan


@pytest.mark.parametrize(("examiners", "expected"), [(4, "fail"), (5, "pass")])
@pytest.mark.req("HN-1")
def test_HN_1_five_examiners_per_filed_occupation(examiners, expected):
    data = set_line(profile("huainan", "employer"), 0, examiners=examiners)
    r = outcome(judge(data), "HN-1.examiners", index=0)
    assert (r["outcome"], r["required"]) == (expected, 5)


@pytest.mark.parametrize(("certified", "expected"), [(4, "fail"), (5, "pass")])
@pytest.mark.req("HN-att1-4")
def test_HN_att1_4_certified_holders_per_level_supersede_AH_own_rule(certified, expected):
    data = set_level(profile("huainan", "school"), 0, 5, own_certified_examiners=0, certified_examiners=certified)
    record = judge(data)
    assert outcome(record, "HN-att1-4.examiners", index=0, level=5)["outcome"] == expected
    assert results(record, "AH-att1-4.examiners") == []
    assert record["superseded"]["AH-att1-4.examiners"] == "HN-att1-4.examiners"
    # In Hefei (Anhui outside Huainan) the AH rule applies and 0 own examiners fail.
    data["region"] = "340100"
    assert outcome(judge(data), "AH-att1-4.examiners", index=0, level=5)["outcome"] == "fail"


@pytest.mark.req("HN-2")
def test_HN_2_annual_report_window_overrides_AH_and_backlog_deadline():
    record = judge(profile("huainan", "employer"), on=dt.date(2025, 6, 1))
    windows = {w["id"]: w for w in record["windows"]}
    assert (windows["annual_report"]["end"], windows["annual_report"]["pack"]) == ("03-31", "hn-2025")
    assert windows["annual_report_2023_2024"]["due"] == "2025-05-31"
    assert windows["annual_report_2023_2024"]["report_years"] == [2023, 2024]
    # Anhui outside Huainan: 1-10 March (AH-4.2).
    ah = {w["id"]: w for w in judge(profile("anhui", "employer"), on=dt.date(2025, 6, 1))["windows"]}
    assert (ah["annual_report"]["start"], ah["annual_report"]["end"]) == ("03-01", "03-10")
    assert "annual_report_2023_2024" not in ah


@pytest.mark.parametrize(
    ("on", "packs"), [(dt.date(2025, 3, 31), ["ah-2020-64"]), (dt.date(2025, 4, 1), ["ah-2020-64", "hn-2025"])]
)
def test_HN_not_used_before_its_date(on, packs):
    record = judge(profile("huainan", "employer"), on=on)
    assert [p["id"] for p in record["packs"]] == packs
    if len(packs) == 1:
        assert record["packs_not_in_force"][0]["id"] == "hn-2025"
        assert outcome(record, "AH-att1-4.examiners", index=0, level=5)["outcome"] == "pass"


@pytest.mark.req("HN-1")
def test_HN_1_routing_county_city_province():
    route = {r["id"]: r for r in judge(profile("huainan", "social_org"))["routing"]}["HN-1.path"]
    assert route["steps"] == ["区县人社部门初审", "市人社部门审核备案", "报省人力资源社会保障厅审批"]
