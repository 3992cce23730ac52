"""CLI subcommands and the what-if simulation (pure: no Django)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillreg.policy import cli
from skillreg.policy.engine import quick_verdict
from skillreg.policy.loader import REPO_ROOT, parse_pack
from skillreg.policy.parsing import parse_profile
from skillreg.policy.simulate import iter_profiles, simulate

from .helpers import ON, judge, outcome, profile

WX = REPO_ROOT / "policies" / "500238-wuxi" / "wx-2021-62.yaml"
EXAMPLES = REPO_ROOT / "docs" / "examples"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_check_json_and_table():
    code, out, err = run("check", str(EXAMPLES / "wuxi-employer.json"), "--on", "2026-11-01", "--format", "json")
    assert code == 0, err
    record = json.loads(out)
    assert record["verdict"] == "needs_review"
    assert [p["id"] for p in record["packs"]] == ["cq-2020-128", "wx-2021-62"]
    code, out, _ = run("check", str(EXAMPLES / "wuxi-employer.json"), "--on", "2026-11-01")
    assert code == 0 and "结论：" in out and "✔ WX-4.1.area" in out


def test_cli_check_region_override():
    code, out, _ = run(
        "check", str(EXAMPLES / "wuxi-employer.json"), "--on", "2026-11-01", "--region", "500101", "--format", "json"
    )
    assert code == 0
    assert [p["id"] for p in json.loads(out)["packs"]] == ["cq-2020-128"]


def test_cli_explain_rule_and_requirement():
    code, out, _ = run("explain", "WX-4.3.area")
    assert code == 0
    assert "每增加一个职业（工种）技能评价场地总面积增加100平方米" in out
    assert "skill_venue_each_extra_occupation_m2 = 100 m2" in out
    code, out, _ = run("explain", "GZ-7")
    assert code == 2 or "GZ-7" in out
    code, _, err = run("explain", "XX-1")
    assert code == 2 and "没有规则“XX-1”" in err


def test_cli_list_region_on_date():
    code, out, _ = run("list", "--region", "340403", "--on", "2025-06-01", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [p["id"] for p in data["packs"]] == ["ah-2020-64", "hn-2025"]
    assert data["windows"]["annual_report"]["end"] == "03-31"
    assert data["parameters"]["min_examiners_per_occupation"] == {"value": 5, "unit": "persons", "pack": "hn-2025"}
    code, out, _ = run("list", "--region", "500238", "--on", "2026-11-01")
    assert code == 0 and "supplement_notice: 5 working_days" in out


def _stricter_wx(tmp_path: Path) -> Path:
    text = WX.read_text(encoding="utf-8").replace(
        "    value: 200\n    unit: m2\n    label: 办公场地面积", "    value: 250\n    unit: m2\n    label: 办公场地面积"
    )
    path = tmp_path / "wx-draft.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_simulate_reports_whose_verdict_changes_and_why(tmp_path):
    report = simulate(iter_profiles(EXAMPLES), _stricter_wx(tmp_path), on=ON)
    assert report["total"] == 15
    assert report["evaluated"] == 3  # only the Wuxi examples are under 500238
    assert report["not_affected"] == 12
    assert report["changed"] == 3
    assert report["transitions"] == {"needs_review→not_eligible": 3}
    reasons = report["changes"][0]["reasons"]
    assert [(r["rule"], r["before"], r["after"]) for r in reasons] == [("WX-4.1.area", "pass", "fail")]
    assert "要求 ≥ 250平方米" in reasons[0]["message"]
    json.dumps(report, ensure_ascii=False)


def test_simulate_takes_any_iterable_of_profiles(tmp_path):
    def from_database():  # stands in for the lead's generator over filed institutions
        for area in (240, 260):
            yield parse_profile(profile("wuxi", "school", office_area_m2=area))
        yield {"schema_version": "1", "region": "500238"}  # invalid: counted, not fatal

    report = simulate(from_database(), _stricter_wx(tmp_path), on=ON)
    assert (report["total"], report["evaluated"], report["changed"], report["invalid_profiles"]) == (3, 2, 1, 1)
    assert report["errors"][0]["index"] == 2


def test_cli_simulate_jsonl(tmp_path):
    jsonl = tmp_path / "profiles.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(profile("wuxi", "employer", office_area_m2=a)) for a in (210, 300)), encoding="utf-8"
    )
    code, out, _ = run(
        "simulate", "--pack", str(_stricter_wx(tmp_path)), "--profiles", str(jsonl), "--on", "2026-11-01"
    )
    assert code == 0
    assert "结论改变 1" in out and "WX-4.1.area" in out


def test_quick_verdict_matches_full_record():
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["facts"].pop("office_area_m2", None)
        verdict, outcomes = quick_verdict(parse_profile(data), ON)
        record = judge(data)
        assert verdict == record["verdict"], path.name
        assert len(outcomes) == len(record["results"])


@settings(max_examples=60, deadline=None)
@given(area=st.floats(min_value=0, max_value=1000, allow_nan=False), lines=st.integers(min_value=1, max_value=4))
@pytest.mark.req("WX-4.3")
def test_WX_4_3_property_required_area(area, lines):
    data = profile("wuxi", "employer", lines=lines, skill_venue_area_m2=area)
    r = outcome(judge(data), "WX-4.3.area")
    assert r["outcome"] == ("pass" if area >= 200 + 100 * (lines - 1) else "fail")


def test_draft_pack_replaces_by_id():
    draft = parse_pack(WX.read_text(encoding="utf-8"), "same.yaml")
    report = simulate([profile("wuxi", "employer")], draft, on=ON)
    assert report["replaces"]["id"] == "wx-2021-62" and report["changed"] == 0
