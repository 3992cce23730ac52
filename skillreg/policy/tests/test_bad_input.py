"""Bad input → a clear error naming the field; never a traceback, never a made-up verdict."""

from __future__ import annotations

import io
import json

import pytest

from skillreg.policy import cli
from skillreg.policy.errors import ProfileError
from skillreg.policy.parsing import parse_profile

from .helpers import judge, outcome, profile


def _error(data) -> ProfileError:
    with pytest.raises(ProfileError) as exc:
        parse_profile(data)
    return exc.value


def test_malformed_json():
    err = _error('{"schema_version": "1",')
    assert err.code == "invalid_json"


def test_wrong_schema_version():
    data = profile("wuxi", "employer")
    data["schema_version"] = "2"
    err = _error(data)
    assert (err.code, err.field) == ("schema_version", "schema_version")


def test_unknown_fact_names_the_field():
    err = _error(profile("wuxi", "employer", shoe_size=42))
    assert (err.code, err.field) == ("unknown_fact", "facts.shoe_size")
    assert "未知事实“shoe_size”" in err.message


@pytest.mark.parametrize(
    ("name", "right"),
    [("office_area_sqm", "office_area_m2"), ("desk_spacing_m", "desk_spacing_cm"), ("tenure_months", "tenure_years")],
)
def test_wrong_unit_suggests_the_right_fact(name, right):
    err = _error(profile("wuxi", "employer", **{name: 1}))
    assert err.field == f"facts.{name}"
    assert "单位错误" in err.message and right in err.message


def test_per_occupation_fact_at_institution_level_is_pointed_out():
    err = _error(profile("anhui", "employer", theory_room_area_m2=80))
    assert "scope[i].facts" in err.message


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("office_area_m2", "200"),
        ("office_area_m2", -1),
        ("head_age", 65.5),
        ("video_surveillance_skill", "yes"),
        ("head_education", "phd"),
    ],
)
def test_wrong_types_are_rejected(fact, value):
    err = _error(profile("wuxi", "employer", **{fact: value}))
    assert err.field == f"facts.{fact}"
    assert err.code == "invalid_value"


def test_level_facts_for_a_level_not_applied_for():
    data = profile("anhui", "employer")
    data["scope"][0]["level_facts"].append({"level": 1, "own_certified_examiners": 5})
    err = _error(data)
    assert err.field == "scope.0" or err.field.startswith("scope[0]")
    assert "等级 1" in err.message


def test_missing_region_and_empty_scope():
    data = profile("wuxi", "employer")
    del data["region"]
    data["scope"] = []
    err = _error(data)
    fields = {d["field"] for d in err.details}
    assert {"region", "scope"} <= fields


def test_missing_fact_is_missing_never_assumed():
    data = profile("wuxi", "employer")
    del data["facts"]["office_area_m2"]
    record = judge(data)
    r = outcome(record, "WX-4.1.area")
    assert (r["outcome"], r["actual"], r["missing_facts"]) == ("missing", None, ["facts.office_area_m2"])
    assert record["verdict"] == "incomplete"
    # The message names the fact by its Chinese label; the path stays in missing_facts (issue 11).
    assert r["message"] == "尚未填写：办公场地面积" and "facts." not in r["message"]


def test_cli_bad_profile_exits_2_with_field_and_no_traceback(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile("wuxi", "employer", office_area_sqm=200)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(path), "--on", "2026-11-01"], out, err) == 2
    assert "facts.office_area_sqm" in err.getvalue() and "office_area_m2" in err.getvalue()
    assert "Traceback" not in err.getvalue() and out.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--on", "2026-13-01"], "日期“2026-13-01”无效"),
        (["--on", "2019-01-01"], "没有生效的规则包"),
        (["--region", "110000", "--on", "2026-11-01"], "110000"),
    ],
)
def test_cli_bad_date_or_region(tmp_path, args, needle):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile("wuxi", "employer")), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(path), *args], out, err) == 2
    assert needle in err.getvalue()
    assert out.getvalue() == ""


def test_cli_unreadable_and_non_json_files(tmp_path):
    err = io.StringIO()
    assert cli.main(["check", str(tmp_path / "nope.json")], io.StringIO(), err) == 2
    assert "无法读取" in err.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    err = io.StringIO()
    assert cli.main(["check", str(bad)], io.StringIO(), err) == 2
    assert "不是有效的 JSON" in err.getvalue()
