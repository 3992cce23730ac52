"""The pure credit score (CQ-29; GZ-7): points, grade and factors as of a date; repair after the period."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.supervision.credit import DEFAULT_RULES, Event, rules_from, score

D = dt.date


@pytest.mark.req("CQ-29")
def test_score_as_of_a_date_with_its_factors():
    events = [Event("inspection_rectify", D(2026, 1, 10), "第三十条"), Event("complaint_verified", D(2026, 5, 1))]
    assert score(events, D(2026, 1, 9)).grade == "A"
    s = score(events, D(2026, 6, 1))
    assert s.points == 75 and s.grade == "C"
    assert [(f.kind, f.points, f.basis) for f in s.factors] == [
        ("inspection_rectify", -15, "第三十条"),
        ("complaint_verified", -10, ""),
    ]


@pytest.mark.req("CQ-29")
def test_bad_records_are_repaired_after_their_period_and_good_ones_offset():
    events = [Event("complaint_verified", D(2024, 1, 1))]
    assert score(events, D(2025, 12, 30)).points == 90
    assert score(events, D(2025, 12, 31)).points == 100  # 730 days counted: 2024-01-01 .. 2025-12-30
    mixed = [Event("inspection_rectify", D(2026, 1, 1)), Event("rectification_closed", D(2026, 3, 1))]
    assert score(mixed, D(2026, 4, 1)).points == 90
    assert score([Event("inspection_compliant", D(2026, 1, 1))], D(2026, 2, 1)).points == 100  # capped at base


@pytest.mark.req("GZ-7")
def test_a_failed_rectification_is_the_lowest_grade_and_rules_are_configurable():
    assert score([Event("rectification_failed", D(2026, 1, 1))], D(2026, 2, 1)).grade == "D"
    strict = rules_from({"points": {"complaint_verified": -40}})
    assert score([Event("complaint_verified", D(2026, 1, 1))], D(2026, 2, 1), strict).grade == "D"
    assert rules_from(None) is DEFAULT_RULES
    assert score([Event("unknown_kind", D(2026, 1, 1))], D(2026, 2, 1)).factors == ()
