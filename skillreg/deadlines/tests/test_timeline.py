"""``case_clocks(application)``: every clock of a case replayed from its events, for the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from skillreg.applications import services as app_services
from skillreg.deadlines.selectors import case_clocks

from .conftest import at, complete_supplement_on, file_on, request_supplement_on, submit_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date


def _by_id(clocks):  # type: ignore[no-untyped-def]
    return {c.id: c for c in clocks}


def test_supplement_restart_and_deemed_acceptance_then_the_90_days(wuxi_institution, wuxi_officer):
    app = submit_on(wuxi_institution, D(2026, 3, 2))
    request_supplement_on(app, wuxi_officer, D(2026, 3, 6))
    complete_supplement_on(app, wuxi_institution, D(2026, 3, 20))
    sweep_on(D(2026, 3, 30))
    with at(D(2026, 3, 30)):
        clocks = _by_id(case_clocks(app))
    acceptance = clocks["acceptance_decision"]
    assert (acceptance.start, acceptance.restarts, acceptance.due) == (D(2026, 3, 2), [D(2026, 3, 20)], D(2026, 3, 27))
    assert acceptance.status == "outcome" and acceptance.outcome == "视为受理"
    notice = clocks["supplement_notice"]
    assert (notice.status, notice.outcome) == ("ended", "视为受理")
    supplement = clocks["supplement_period"]
    assert (supplement.start, supplement.due, supplement.status) == (D(2026, 3, 6), D(2026, 4, 7), "met")
    assert supplement.rolled_from == D(2026, 4, 5)  # 6 Mar + 30 = Sun 5 Apr (清明, 4–6 Apr off) → Tue 7 Apr
    decision = clocks["filing_decision"]
    # CQ-11: 90 days from the (deemed) acceptance on 27 Mar → Thu 25 Jun 2026.
    assert (decision.start, decision.due, decision.status) == (D(2026, 3, 27), D(2026, 6, 25), "running")
    assert not any(c.provisional for c in clocks.values())


def test_provisional_clock_is_flagged_and_held(wuxi_institution):
    app = submit_on(wuxi_institution, D(2026, 12, 28))
    sweep_on(D(2027, 1, 5))
    with at(D(2027, 1, 5), 12):
        clocks = _by_id(case_clocks(app))
    acceptance = clocks["acceptance_decision"]
    assert acceptance.provisional and acceptance.provisional_years == (2027,)
    assert acceptance.status == "held" and acceptance.status_label == "待人工确认"
    html = render_to_string("deadlines/_timeline.html", {"clocks": list(clocks.values())})
    assert "暂定" in html and "2027 年放假安排未确认" in html and "待人工确认" in html


def test_filed_case_shows_validity_and_renewal_clocks(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2024, 1, 1))
    with at(D(2026, 11, 30)):
        clocks = _by_id(case_clocks(filing.application))
    assert clocks["filing_validity"].due == D(2026, 12, 31)
    assert clocks["renewal_application"].due == D(2026, 12, 1)
    assert clocks["renewal_application"].status == "at_risk"
    html = render_to_string("deadlines/_timeline.html", {"clocks": list(clocks.values())})
    assert "最迟于有效期届满30日前申请延续" in html and "2026-12-01" in html


def test_refusal_within_the_limit_is_met(wuxi_institution, wuxi_officer):
    app = submit_on(wuxi_institution, D(2026, 9, 29))
    with at(D(2026, 10, 9)):
        app_services.application_refuse_acceptance(
            application=app, actor=wuxi_officer, reasons="不属于本机关受理范围", basis="CQ-6"
        )
        clocks = _by_id(case_clocks(app))
    assert clocks["acceptance_decision"].status == "met"
    assert clocks["acceptance_decision"].outcome == "不予受理"
