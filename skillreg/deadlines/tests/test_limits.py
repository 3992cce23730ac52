"""The clock's numbers come from the rule packs, and the packs say what the seeds say."""

from __future__ import annotations

import datetime as dt

from skillreg.deadlines.limits import open_report_windows, time_limits_for, windows_for

D = dt.date


def _numbers(region: str, on: dt.date) -> dict[str, tuple[int, str, str]]:
    return {k: (v.length, v.unit, v.requirement) for k, v in time_limits_for(region, on).items()}


def test_chongqing_and_wuxi_time_limits_are_those_of_cq10_cq11_cq14():
    for region in ("500000", "500238"):
        limits = _numbers(region, D(2026, 10, 1))
        assert limits["acceptance_decision"] == (5, "working_days", "CQ-10")
        assert limits["supplement_notice"] == (5, "working_days", "CQ-10")
        assert limits["supplement_period"] == (30, "calendar_days", "CQ-10")
        assert limits["filing_decision"] == (90, "calendar_days", "CQ-11")
        assert limits["filing_validity"] == (3, "years", "CQ-14")
        assert limits["renewal_application"] == (30, "calendar_days", "CQ-14")
    full = time_limits_for("500238", D(2026, 10, 1))
    assert full["acceptance_decision"].on_expiry == "deemed_accepted"
    assert full["supplement_period"].on_expiry == "deemed_abandoned"
    assert full["renewal_application"].direction == "before"
    assert "逾期未作出不予受理决定的，视为受理" in full["acceptance_decision"].citation
    assert "渝人社发〔2020〕128号" in full["acceptance_decision"].citation


def test_guizhou_exit_limits_are_gz13_and_gz14():
    limits = _numbers("520100", D(2026, 6, 1))
    assert limits["voluntary_exit_notice"] == (30, "calendar_days", "GZ-13")
    assert limits["automatic_exit_wrapup"] == (15, "calendar_days", "GZ-14")
    assert "acceptance_decision" not in limits  # GZ sets no acceptance limit: no deemed acceptance there


def test_anhui_and_huainan_have_validity_and_windows_but_no_case_time_limits():
    assert _numbers("340102", D(2026, 6, 1)) == {"filing_validity": (3, "years", "AH-4.1")}
    assert _numbers("340403", D(2026, 6, 1))["filing_validity"][2] == "HN-1"
    assert set(windows_for("340403", D(2026, 6, 1))) == {"annual_report", "annual_report_2023_2024"}


def test_regions_or_dates_without_packs_have_no_clock():
    assert time_limits_for("110000", D(2026, 6, 1)) == {}  # Beijing: no pack
    assert time_limits_for("520100", D(2025, 6, 1)) == {}  # before the Guizhou rules took effect


def test_report_windows_open_on_the_law_s_dates():
    assert [o.window.requirement for o in open_report_windows("340102", D(2026, 3, 5))] == ["AH-4.2"]
    assert open_report_windows("340102", D(2026, 3, 11)) == []
    hn = open_report_windows("340403", D(2025, 5, 31))
    assert [(o.window.id, o.report_years, o.due) for o in hn] == [
        ("annual_report_2023_2024", (2023, 2024), D(2025, 5, 31))
    ]
    assert open_report_windows("340403", D(2025, 6, 1)) == []
    assert [o.due for o in open_report_windows("340403", D(2027, 1, 4))] == [D(2027, 3, 31)]
