"""好差评 and the supervision exports in a real browser (issue 13 remainder; 国办发〔2019〕51号, CQ-27):

an applicant whose case has ended rates it 不满意 — first without the comment a poor rating needs (the message
appears next to the field), then with it; the Wuxi officer sees the rating and its statistics, records the return
visit and then the rectification with the feedback; the applicant reads the feedback. The officer downloads the
complaints XLSX, which opens in openpyxl with the complainant masked.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from skillreg.applications import services
from skillreg.core import clock, testing
from skillreg.deadlines.tests.conftest import file_on
from skillreg.supervision.services.complaints import complaint_submit
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rate_a_case_poorly_and_staff_follow_it_up_then_export_complaints(page, journey):
    applicant = testing.make_institution_user("rt_inst", region_code="500238", name="巫溪县评价服务中心")
    officer = testing.make_staff("rt_officer", "hrss-500238", display_name="巫溪县经办人")
    case = testing.make_complete_draft(applicant)
    services.application_submit(application=case, actor=applicant)
    services.application_withdraw(application=case, actor=applicant, reason="需补充场地证明后重新申请")
    other = testing.make_institution_user("rt_other", region_code="500238", seed=41)
    filing = file_on(other, officer, clock.today())
    complaint_submit(
        filing_code=filing.code,
        category="fees",
        body="收取资料费未公示",
        submission_key="rt-1",
        name="王小红",
        contact="13900000009",
    )

    # --- the applicant rates the ended case -------------------------------------------------------------------
    login(page, "rt_inst")
    page.goto("/supervision/")
    expect(page.locator("#case-list")).to_contain_text("已撤回")
    journey.step("institution-cases")
    page.click(f"#rate-{case.pk}")
    page.check("#grade-2")
    with journey.expect_status(422):
        page.click("#submit-rating")
        expect(page.locator("#comment-error")).to_contain_text("请写明不满意的事项")
        journey.step("rating-needs-comment")
    page.check("#grade-2")
    page.fill("#rating-comment", "补正通知没有写清楚需要哪一份场地证明，来回跑了两次。")
    page.click("#submit-rating")
    expect(page.locator("#rating-grade")).to_have_text("不满意")
    expect(page.locator("#followup-status")).to_contain_text("待回访核实")
    journey.step("rating-given")
    logout(page)

    # --- staff see it and handle the follow-up ----------------------------------------------------------------
    login(page, "rt_officer")
    page.goto("/supervision/")
    page.click("#ratings-link")
    expect(page.locator("#rating-stats")).to_contain_text("巫溪县")
    expect(page.locator("#rating-list")).to_contain_text("来回跑了两次")
    journey.step("staff-ratings")
    page.locator("#followup-list a").first.click()
    with journey.expect_status(422):
        page.click("#followup-submit")
        expect(page.locator("#followup-error")).to_contain_text("请填写回访核实情况")
        journey.step("followup-needs-note")
    page.fill("#followup-note", "已电话回访，补正通知确未列明证明名称。")
    page.click("#followup-submit")
    expect(page.locator("#followup-state")).to_have_text("已回访，整改中")
    journey.step("followup-visited")
    page.fill("#followup-note", "补正通知模板已改为逐项列明材料名称，已电话告知申请单位。")
    page.click("#followup-submit")
    expect(page.locator("#followup-state")).to_have_text("已整改并反馈")
    expect(page.locator("#followup-events")).to_contain_text("已整改并反馈")
    journey.step("followup-closed")

    # --- the complaints export --------------------------------------------------------------------------------
    page.goto("/supervision/")
    with page.expect_download() as info:
        page.click("#export-complaints")
    download = info.value
    assert download.suggested_filename == "投诉举报.xlsx"
    rows = list(load_workbook(io.BytesIO(open(download.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[0][0] == "受理编号" and len(rows) == 2
    assert rows[1][2] == filing.code and rows[1][6] == "王**" and rows[1][7] == "139****0009"
    journey.step("staff-home-exports")
    logout(page)

    # --- the applicant reads the feedback ---------------------------------------------------------------------
    login(page, "rt_inst")
    page.goto(f"/supervision/ratings/cases/{case.pk}/")
    expect(page.locator("#followup-resolution")).to_contain_text("逐项列明材料名称")
    journey.step("applicant-reads-feedback")
