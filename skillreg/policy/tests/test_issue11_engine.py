"""Rules-engine findings of issue 11: region-relative "registered here", the profile's own decision date,
nested and/or in ``policy explain``, one error line, no traceback on a closed pipe. Pure: no database."""

from __future__ import annotations

import io
import json

from skillreg.policy import cli
from skillreg.policy.engine import check

from .helpers import ON, outcome, profile


def _wuxi(**registered) -> dict:
    data = profile("wuxi", "social_org")
    data["facts"].pop("registered_in_region", None)
    if registered:
        data["facts"]["registered_in"] = registered
    return data


def test_registered_in_chongqing_and_in_wuxi_county_are_judged_separately():
    record = check(_wuxi(**{"500000": True, "500238": False}), on=ON)
    assert outcome(record, "CQ-7.1.a")["outcome"] == "pass"
    wx = outcome(record, "WX-2.a")
    assert wx["outcome"] == "fail"
    assert "在重庆市巫溪县依法登记" in wx["message"]


def test_each_region_is_asked_on_its_own_label():
    record = check(_wuxi(**{"500000": True}), on=ON)
    wx = outcome(record, "WX-2.a")
    assert wx["outcome"] == "missing"
    assert wx["missing_facts"] == ["facts.registered_in.500238"]
    assert wx["message"] == "尚未填写：在重庆市巫溪县依法登记"
    cq = check(_wuxi(), on=ON)
    assert outcome(cq, "CQ-7.1.a")["message"].startswith("尚未填写：在重庆市依法登记")


def test_the_plain_answer_still_counts_for_every_region():
    data = profile("wuxi", "social_org")  # registered_in_region: true
    record = check(data, on=ON)
    assert outcome(record, "CQ-7.1.a")["outcome"] == outcome(record, "WX-2.a")["outcome"] == "pass"


def test_a_profiles_own_decision_date_is_used(tmp_path):
    data = profile("guizhou", "employer")
    data["on"] = "2026-11-01"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(path), "--format", "json"], out, err) == 0, err.getvalue()
    assert json.loads(out.getvalue())["on"] == "2026-11-01"
    out = io.StringIO()
    assert cli.main(["check", str(path), "--format", "json", "--on", "2026-11-02"], out, err) == 0
    assert json.loads(out.getvalue())["on"] == "2026-11-02"


def test_explain_keeps_nested_and_or():
    out = io.StringIO()
    assert cli.main(["explain", "GZ-6.3.per_occupation"], out, io.StringIO()) == 0
    text = out.getvalue()
    nested = "（全部满足：（满足其一：new_occupation 为 true；local_feature_enterprise 为 true）；training_person_times"
    assert nested in text


def test_an_error_is_printed_once(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"schema_version": "1"', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(path)], out, err) == 2
    assert err.getvalue().count("不是有效的 JSON") == 1


class _ClosedPipe(io.StringIO):
    def write(self, s: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_quietly():
    assert cli.main(["list", "--region", "500238"], _ClosedPipe(), io.StringIO()) == 1
