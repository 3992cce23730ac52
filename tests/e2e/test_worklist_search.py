"""The staff work list in a real browser (issue 16): each listed case shows its nearest statutory clock (read for
the whole page at once), and the keyword finds a fragment of a name, a case number and a USCC."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skillreg.applications import services
from skillreg.core import testing
from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_work_list_clocks_and_keyword_search(journey):
    user = testing.make_institution_user("kangda", region_code="500238", name="巫溪县康达实业有限公司", seed=82)
    testing.make_staff("wuxi_officer", "hrss-500238", display_name="巫溪县经办人")
    cases = []
    for name in ("巫溪县康达职业技能评价中心", "巫溪县红池坝培训学校", "巫溪县宁河技工学校"):
        app = testing.make_complete_draft(user, institution_name=name)
        services.application_submit(application=app, actor=user)
        cases.append(app)
    page = journey.page
    journey.allow("wuxi_officer")
    login(page, "wuxi_officer")
    page.goto("/staff/?mine=0")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for i in range(3):  # every listed case carries its nearest clock's due date
        expect(rows.nth(i).locator(".due-cell")).to_contain_text("：20")
    journey.step("worklist")
    page.fill("input[name='q']", "红池坝")
    page.locator("input[name='q']").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cases[1].number)
    journey.step("keyword-name")
    page.fill("input[name='q']", cases[2].number[-6:])
    page.locator("input[name='q']").press("Enter")
    expect(rows.first).to_contain_text(cases[2].number)
    journey.step("keyword-number")
    page.fill("input[name='q']", cases[0].unit.uscc)
    page.locator("input[name='q']").press("Enter")
    expect(page.locator("table tbody")).to_contain_text(cases[0].number)
    journey.step("keyword-uscc")
