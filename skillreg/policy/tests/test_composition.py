"""Composition along the region path, effective dates, decision record shape (CQ, WX, AH, HN, GZ)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from skillreg.policy.errors import DateError, RegionError
from skillreg.policy.loader import REPO_ROOT, PackSet, default_packset, load_pack_file, parse_pack, region_path

from .helpers import ON, judge, outcome, profile

WX = REPO_ROOT / "policies" / "500238-wuxi" / "wx-2021-62.yaml"


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("500238", ("500000", "500200", "500238")),
        ("500000", ("500000",)),
        ("340403", ("340000", "340400", "340403")),
        ("340400", ("340000", "340400")),
        ("520100", ("520000", "520100")),
    ],
)
def test_region_path_from_code(code, path):
    assert region_path(code) == path


@pytest.mark.parametrize(
    ("code", "packs"),
    [
        ("500238", ["cq-2020-128", "wx-2021-62"]),
        ("500101", ["cq-2020-128"]),
        ("340403", ["ah-2020-64", "hn-2025"]),
        ("340400", ["ah-2020-64", "hn-2025"]),
        ("340100", ["ah-2020-64"]),
        ("520102", ["gz-selection-exit"]),
    ],
)
def test_packs_compose_along_region_path(code, packs):
    comp = default_packset().compose(code, ON)
    assert [lp.id for lp in comp.packs] == packs


def test_CQ_WX_conditions_add_up_in_wuxi():
    record = judge(profile("wuxi", "social_org"))
    prefixes = {r["requirement"].split("-")[0] for r in record["results"]}
    assert prefixes == {"CQ", "WX"}
    assert outcome(record, "CQ-7.2.b")["outcome"] == "pass"
    assert outcome(record, "WX-5.2")["outcome"] == "pass"
    # Both fail on the same missing video: the conditions add up (all must hold).
    record = judge(profile("wuxi", "social_org", video_surveillance_skill=False))
    assert outcome(record, "CQ-7.2.b")["outcome"] == outcome(record, "WX-5.2")["outcome"] == "fail"


@pytest.mark.req("CQ-10")
def test_CQ_10_most_specific_region_parameter_wins(tmp_path: Path):
    text = WX.read_text(encoding="utf-8").replace(
        "parameters:\n",
        "parameters:\n"
        "  supplement_notice_working_days:\n"
        "    value: 3\n    unit: working_days\n    requirement: WX-2\n"
        "    cite: {article: 二、, quote: 社会信用良好}\n",
        1,
    )
    draft = parse_pack(text, "draft-wx.yaml")
    packs = default_packset().with_draft(draft)
    wuxi = packs.compose("500238", ON)
    assert wuxi.parameters["supplement_notice_working_days"][0].value == 3
    assert wuxi.parameters["supplement_notice_working_days"][1].id == "wx-2021-62"
    chongqing = packs.compose("500101", ON)
    assert chongqing.parameters["supplement_notice_working_days"][0].value == 5


def test_most_specific_parameter_changes_a_verdict(tmp_path: Path):
    text = WX.read_text(encoding="utf-8").replace(
        "    value: 200\n    unit: m2\n    label: 办公场地面积", "    value: 250\n    unit: m2\n    label: 办公场地面积"
    )
    packs = default_packset().with_draft(parse_pack(text, "draft.yaml"))
    r = outcome(judge(profile("wuxi", "employer", office_area_m2=220), packset=packs), "WX-4.1.area")
    assert (r["outcome"], r["required"]) == ("fail", 250)


@pytest.mark.parametrize(
    ("region", "on", "packs"),
    [
        ("500238", dt.date(2021, 6, 17), ["cq-2020-128"]),
        ("500238", dt.date(2021, 6, 18), ["cq-2020-128", "wx-2021-62"]),
        ("500238", dt.date(2020, 12, 31), ["cq-2020-128"]),
        ("340100", dt.date(2020, 3, 26), ["ah-2020-64"]),
    ],
)
def test_effective_dates_respected(region, on, packs):
    assert [lp.id for lp in default_packset().compose(region, on).packs] == packs


@pytest.mark.parametrize(("region", "on"), [("500238", dt.date(2020, 12, 30)), ("340403", dt.date(2020, 3, 25))])
def test_date_before_any_pack_is_an_error(region, on):
    with pytest.raises(DateError) as exc:
        default_packset().compose(region, on)
    assert exc.value.code == "no_pack_in_force"
    assert exc.value.field == "on"


def test_wuxi_before_wx_date_is_judged_by_cq_only():
    record = judge(profile("wuxi", "employer", office_area_m2=10), on=dt.date(2021, 6, 1))
    assert {r["requirement"].split("-")[0] for r in record["results"]} == {"CQ"}
    assert record["packs_not_in_force"][0]["id"] == "wx-2021-62"
    assert record["verdict"] == "needs_review"  # the 10 m² office is not a CQ condition


@pytest.mark.parametrize(
    ("code", "error"), [("110000", "region_unknown"), ("5002", "region_invalid"), ("50023x", "region_invalid")]
)
def test_unknown_or_invalid_region_is_a_clear_error(code, error):
    with pytest.raises(RegionError) as exc:
        default_packset().compose(code, ON)
    assert (exc.value.code, exc.value.field) == (error, "region")
    assert code in exc.value.message


def test_region_override_unknown():
    with pytest.raises(RegionError):
        judge(profile("wuxi", "employer"), region="110000")


def test_decision_record_is_json_serialisable_and_names_pack_versions():
    record = judge(profile("huainan", "social_org"))
    text = json.dumps(record, ensure_ascii=False)
    assert json.loads(text)["verdict"] == "needs_review"
    for p in record["packs"]:
        assert p["sha256"] == hashlib.sha256((REPO_ROOT / p["source"]).read_bytes()).hexdigest()
    assert record["profile"]["region"] == "340403"
    assert len(record["profile_sha256"]) == 64
    first = record["results"][0]
    assert set(first) >= {
        "rule",
        "requirement",
        "outcome",
        "actual",
        "required",
        "citation",
        "message",
        "missing_facts",
    }


@pytest.mark.parametrize("juris", ["wuxi", "chongqing", "anhui", "huainan", "guizhou"])
def test_judgment_items_are_never_auto_decided(juris):
    record = judge(profile(juris, "social_org"))
    review = [r for r in record["results"] if r["outcome"] == "needs_review"]
    assert review, "every jurisdiction has judgment items"
    assert record["checklist"] == review
    assert all(r["actual"] is None and r["citation"]["quote"] for r in review)
    assert record["verdict"] == "needs_review"


@pytest.mark.req("CQ-10", "CQ-11", "CQ-14")
def test_CQ_10_11_14_time_limits_and_validity():
    record = judge(profile("wuxi", "employer"))
    limits = {t["id"]: t for t in record["time_limits"]}
    assert (limits["supplement_notice"]["length"], limits["supplement_notice"]["unit"]) == (5, "working_days")
    assert limits["acceptance_decision"]["on_expiry"] == "deemed_accepted"
    assert (limits["supplement_period"]["length"], limits["supplement_period"]["on_expiry"]) == (30, "deemed_abandoned")
    assert limits["supplement_notice"]["restart_event"] == "supplement_completed"
    assert (limits["filing_decision"]["length"], limits["filing_decision"]["unit"]) == (90, "calendar_days")
    validity = {v["id"]: v for v in record["validity"]}
    assert (validity["filing_validity"]["length"], validity["filing_validity"]["unit"]) == (3, "years")
    assert (validity["renewal_application"]["length"], validity["renewal_application"]["direction"]) == (30, "before")


@pytest.mark.parametrize(("valid_until", "expected"), [(dt.date(2026, 12, 1), "pass"), (dt.date(2026, 11, 30), "fail")])
@pytest.mark.req("CQ-14")
def test_CQ_14_renewal_at_least_30_days_before_expiry(valid_until, expected):
    data = profile("wuxi", "employer", filing_valid_until=valid_until.isoformat())
    data["application_type"] = "renewal"
    r = outcome(judge(data), "CQ-14.renewal")
    assert r["outcome"] == expected


@pytest.mark.req("CQ-6")
def test_CQ_6_routing_by_affiliation():
    routes = [r["id"] for r in judge(profile("wuxi", "employer", enterprise_affiliation="city_owned"))["routing"]]
    assert routes == ["CQ-6.city.employer"]
    undetermined = judge(profile("wuxi", "employer", enterprise_affiliation=None))["routing"]
    assert {r["status"] for r in undetermined} == {"undetermined"}


def test_packset_rejects_duplicate_ids():
    lp = load_pack_file(WX)
    with pytest.raises(Exception) as exc:
        PackSet([lp, lp])
    assert "重复" in str(exc.value)


@pytest.mark.req("CQ-19")
def test_CQ_19_records_kept_3_years_on_paper_and_5_electronically():
    parameters = judge(profile("chongqing", "employer"))["parameters"]
    paper, electronic = parameters["records_retention_paper_years"], parameters["records_retention_electronic_years"]
    assert (paper["value"], paper["unit"], paper["article"]) == (3, "years", "第十九条")
    assert (electronic["value"], electronic["unit"], electronic["article"]) == (5, "years", "第十九条")
