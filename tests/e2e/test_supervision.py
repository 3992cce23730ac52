"""Supervision in a real browser (issue 13, "Done when"; CQ-11, CQ-25, CQ-26, CQ-30):

staff publish a random-inspection plan with its seed hash and draw; a member of the public re-runs the draw to
the same result; the drawn inspector records a finding that orders rectification; the public directory shows the
institution under rectification and the registry refuses its certificates; the institution answers with
evidence; the re-inspection closes it; a publicity notice receives an anonymous objection that staff answer and
the public reads by its code; a public complaint is tracked by its code to the answer, and the credit grade
changes with its factors shown.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from skillreg.certificates.context import load_facts
from skillreg.certificates.rows import validity_faults
from skillreg.core import clock, testing
from skillreg.deadlines.tests.conftest import file_on
from skillreg.institutions.models import Filing
from skillreg.supervision.services.plans import inspector_enrol
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_draw_inspect_rectify_and_objection(page, screenshot, tmp_path):
    institution = testing.make_institution_user("sv_inst", region_code="500238", name="巫溪县建工职业培训学校")
    officer = testing.make_staff("sv_officer", "hrss-500238", display_name="巫溪县监管员")
    filing = file_on(institution, officer, dt.date(2026, 3, 2))
    inspector = testing.make_admin("sv_inspector", "inspector", display_name="检查员甲")
    inspector_enrol(user=inspector, number="J01", actor=officer)

    # --- staff publish the plan: the seed's hash is public before the draw -------------------------------------
    login(page, "sv_officer")
    page.goto("/supervision/")
    page.click("text=制定抽查计划")
    page.fill("#id_title", "2026年第四季度评价机构双随机抽查")
    page.fill("#id_items", "备案信息真实性；是否在备案范围内开展评价")
    page.fill("#id_sample_size", "1")
    page.fill("#id_per_target", "1")
    page.click("#create-plan")
    seed_hash = page.locator("#seed-hash").inner_text()
    assert len(seed_hash) == 64
    page.click("#plan-notice")
    expect(page.locator("#notice-body")).to_contain_text(seed_hash)
    expect(page.locator("#notice-basis")).to_contain_text("国办发〔2015〕58号")
    page.go_back()
    page.click("#run-draw")
    expect(page.locator("#plan-status")).to_have_text("已抽取，结果已公布")
    expect(page.locator("#draw-result")).to_contain_text(filing.code)
    screenshot("plan-drawn")
    logout(page)

    # --- anyone re-runs the draw --------------------------------------------------------------------------------
    page.goto("/notices/")
    page.click("text=随机抽取结果")
    page.click("#draw-verify-link")
    expect(page.locator("#seed-hash")).to_have_text(seed_hash)
    expect(page.locator("#check-verdict")).to_contain_text("复核通过")
    screenshot("draw-verified")
    page.fill("#id_seed", "another-seed")
    page.click("#reseed")
    expect(page.locator("#check-verdict")).to_contain_text("复核不通过")

    # --- the drawn inspector records a finding that orders rectification ----------------------------------------
    login(page, "sv_inspector")
    page.goto("/supervision/")
    page.click(f"#inspection-{filing.code}")
    page.check("#ok_scope_0")
    page.fill("#note_scope", "在备案职业范围外组织评价")
    page.fill("#id_findings", "抽查发现该机构在备案职业（工种）范围外组织评价")
    page.select_option("#id_conclusion", "rectify")
    page.fill("#id_requirements", "立即停止超范围评价，整理考务档案")
    page.click("#conclude")
    expect(page.locator("#inspection-error")).to_contain_text("整改期限")
    # the answers are kept next to the message; only the missing period is added
    expect(page.locator("#ok_scope_0")).to_be_checked()
    expect(page.locator("#note_scope")).to_have_value("在备案职业范围外组织评价")
    page.fill("#id_due_on", "2026-12-31")
    page.click("#conclude")
    expect(page.locator("#inspection-conclusion")).to_have_text("责令整改")
    expect(page.locator("#checklist-result")).to_contain_text("在备案职业范围外组织评价")
    screenshot("inspection-concluded")
    logout(page)

    # --- during it: the public directory warns and the registry refuses certificates ---------------------------
    page.goto(f"/directory/{filing.code}/")
    expect(page.locator("main")).to_contain_text("该机构正在整改")
    faults = [c for c, _ in validity_faults(load_facts(Filing.objects.get(pk=filing.pk)), clock.today())]
    assert "CERT_DURING_RECTIFICATION" in faults

    # --- the institution answers with evidence ------------------------------------------------------------------
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(PDF)
    login(page, "sv_inst")
    page.goto("/supervision/")
    page.click("#rectification-list a")
    expect(page.locator("#rect-requirements")).to_contain_text("立即停止超范围评价")
    expect(page.locator("#rect-basis")).to_have_text(
        "《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）第三十条"
    )  # the Wuxi filing inherits Chongqing's article (legal_bases, CQ-30)
    page.fill("#id_answer", "已停止超范围评价，考务档案已整理完毕")
    page.set_input_files("#id_files", str(evidence))
    page.click("#submit-answer")
    expect(page.locator("#rect-evidence")).to_contain_text("整改报告.pdf")
    screenshot("rectification-answered")
    logout(page)

    # --- re-inspection closes it ---------------------------------------------------------------------------------
    login(page, "sv_officer")
    page.goto("/supervision/")
    page.click("#rectification-list a")
    expect(page.locator("#rect-answer")).to_contain_text("考务档案已整理完毕")
    page.fill("#id_note", "复查合格")
    page.click("#close-rectification")
    expect(page.locator("#rect-conclusion")).to_contain_text("复查合格")
    assert Filing.objects.get(pk=filing.pk).status == "active"

    # --- a publicity notice receives an objection that staff answer ---------------------------------------------
    page.goto("/supervision/")
    page.locator("#notice-h + details summary").click()
    page.select_option("#notice_kind", "publicity")
    page.select_option("#notice_topic", "selection")
    page.fill("#notice_title", "巫溪县社会培训评价组织遴选结果公示")
    page.fill("#notice_body", "拟遴选巫溪县建工职业培训学校为社会培训评价组织，公示期内可提出异议。")
    page.fill("#notice_legal_basis", "《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）第十一条")
    today = clock.today()
    page.fill("#notice_starts_on", today.isoformat())
    page.fill("#notice_ends_on", (today + dt.timedelta(days=4)).isoformat())
    page.click("#publish-notice")
    expect(page.locator("#notice-title")).to_have_text("巫溪县社会培训评价组织遴选结果公示")
    notice_url = page.url
    logout(page)

    page.goto(notice_url)
    page.fill("#id_body", "该组织评价场地不足，请核实")
    page.click("#submit-objection")
    tracking = page.locator("#tracking-no").inner_text()
    code = page.locator("#query-code").inner_text()
    screenshot("objection-lodged")

    login(page, "sv_officer")
    page.goto("/supervision/")
    page.click(f"#answer-{tracking}")
    page.fill("#id_answer", "经现场核查，评价场地符合要求，异议不成立")
    page.click("#send-answer")
    expect(page.locator("#objection-status")).to_have_text("已答复")
    logout(page)

    page.goto("/notices/objections/status/")
    page.fill("#id_tracking_no", tracking)
    page.fill("#id_query_code", code)
    page.click("#lookup")
    expect(page.locator("#objection-answer")).to_contain_text("异议不成立")
    screenshot("objection-answered")


def test_public_complaint_tracked_by_its_code_to_an_answer(page, screenshot):
    institution = testing.make_institution_user("sv_inst2", region_code="500238", name="巫溪县恒达职业培训学校")
    officer = testing.make_staff("sv_officer2", "hrss-500238", display_name="巫溪县监管员")
    filing = file_on(institution, officer, dt.date(2026, 3, 2))

    page.goto("/notices/")
    page.click("#complaint-link")
    page.fill("#id_filing_code", "S000")
    page.select_option("#id_category", "fees")
    page.fill("#id_body", "报名时收取资料费200元，未公示收费标准")
    page.click("#submit-complaint")
    expect(page.locator("#errors-filing_code")).to_contain_text("未找到该备案编码的评价机构")
    page.fill("#id_filing_code", filing.code)
    page.click("#submit-complaint")
    tracking = page.locator("#tracking-no").inner_text()
    code = page.locator("#query-code").inner_text()
    screenshot("complaint-lodged")

    login(page, "sv_officer2")
    page.goto("/supervision/")
    page.click(f"#complaint-{tracking}")
    page.select_option("#id_outcome", "verified")
    page.fill("#id_answer", "经查属实，已责令该机构整改并退还费用")
    page.select_option("#id_escalate", "rectification")
    page.fill("#id_requirements", "退还资料费，公示收费标准")
    page.fill("#id_due_on", "2026-12-31")
    page.click("#send-answer")
    expect(page.locator("#complaint-status")).to_contain_text("已办结")
    assert Filing.objects.get(pk=filing.pk).status == "rectifying"
    page.goto("/supervision/")
    page.click("#publish-credit")
    expect(page.locator("#notice-body")).to_contain_text("投诉举报经查属实")
    logout(page)

    # --- the credit grade with its factors is public -------------------------------------------------------------
    page.goto(f"/notices/credit/{filing.code}/")
    expect(page.locator("#grade-value")).to_have_text("B级（基本守信）")
    expect(page.locator("main")).to_contain_text("投诉举报经查属实")
    screenshot("credit-grade")

    page.goto("/notices/complaints/status/")
    page.fill("#id_tracking_no", tracking)
    page.fill("#id_query_code", code)
    page.click("#lookup")
    expect(page.locator("#complaint-answer")).to_contain_text("已责令该机构整改")
    screenshot("complaint-answered")
