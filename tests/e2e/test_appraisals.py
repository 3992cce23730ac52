"""Periodic evaluation and renewal materials in a real browser (issue 15 part 3, issue 13 part 5, issue 10; AH-4.2,
HN-2, CQ-29, GZ-11), on the demo data:

* a Huainan city officer scores 淮南舜耕职业技能培训学校's 2026 periodic evaluation (pre-filled from the complaint,
  the credit grade and the institution's self-check; the rest by hand with notes; an out-of-range score refused),
  confirms it, and the result shows on that institution's renewal case page with its credit grade;
* a Guizhou employer's renewal applicant sees the GZ-11 materials list and uploads one.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from skillreg.applications.demo import DEMO_PASSWORD
from skillreg.applications.models import Application

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def test_staff_score_a_huainan_periodic_evaluation_and_see_it_on_the_renewal(journey, demo):
    page = journey.page
    journey.allow("hn_city")
    renewal = Application.objects.get(for_filing__unit__name="淮南舜耕职业技能培训学校", application_type="renewal")
    code = renewal.for_filing.code
    login(page, "hn_city", DEMO_PASSWORD)
    page.click("header nav >> text=定期评估")
    expect(page.locator("#appraisal-list")).to_contain_text("淮南舜耕职业技能培训学校")
    journey.step("appraisal-list")
    page.click(f"#appraisal-list a[href='/appraisals/{code}/2026/']")
    page.click("#start-appraisal")
    expect(page.locator("#appraisal-items")).to_contain_text("经查属实1件")
    expect(page.locator("#appraisal-items")).to_contain_text("自查8项，符合7项")
    # a verified complaint and the missing 2025 annual report (HN-2) in the credit ledger
    expect(page.locator("#appraisal-items")).to_contain_text("C级（失信风险）")
    expect(page.locator("#appraisal-items")).to_contain_text("2025年度工作总结：逾期未报送")
    expect(page.locator("#self-check-view")).to_contain_text("二号技能考场监控未覆盖操作台")
    journey.step("appraisal-prefilled")

    with journey.expect_status(422):  # the page answers a bad score with 422 and the message next to the field
        page.fill("#id_score_annual_report", "120")
        page.fill("#id_note_annual_report", "3月28日报送")
        page.click("#save-appraisal")
        expect(page.locator("main")).to_contain_text("年度工作总结报送：评分应在0至100分之间")
        journey.step("appraisal-out-of-range")

    page.fill("#id_score_annual_report", "100")
    page.fill("#id_note_annual_report", "2026年3月28日按时报送2025年度工作总结")
    page.fill("#id_score_inspections", "90")
    page.fill("#id_note_inspections", "本年度未被抽查，按日常监管情况评分")
    page.fill("#id_score_certificates", "80")
    page.fill("#id_note_certificates", "本年度证书数据上报基本及时")
    page.fill("#id_score_pass_rate", "100")
    page.fill("#id_note_pass_rate", "未发现通过率异常")
    page.click("#confirm-appraisal")
    expect(page.locator("#appraisal-status")).to_contain_text("已确认")
    total = page.locator("#appraisal-total").inner_text()
    grade = page.locator("#appraisal-grade").inner_text()
    journey.step("appraisal-confirmed")

    page.goto(reverse("staff:case", args=[renewal.public_id]))
    refs = page.locator("#decision-references")
    expect(refs).to_contain_text("2026年")
    expect(refs).to_contain_text(total)
    expect(refs).to_contain_text(grade)
    expect(refs).to_contain_text("2025年")
    expect(page.locator("#credit-grade")).to_contain_text("C级（失信风险）")
    expect(page.locator("#credit-grade")).to_contain_text("投诉举报经查属实")
    expect(page.locator("#appraisal-basis")).to_contain_text("延续备案、退出的重要依据")
    journey.step("renewal-case-references")


def test_a_guizhou_renewal_applicant_sees_and_uploads_the_gz11_materials(journey, demo, tmp_path):
    page = journey.page
    journey.allow("pe_qianjiang")
    draft = Application.objects.get(for_filing__unit__name="贵州黔匠装备制造有限公司", application_type="renewal")
    login(page, "pe_qianjiang", DEMO_PASSWORD)
    page.click("header nav >> text=我的申请")
    journey.step("applications")
    page.goto(reverse("apply:detail", args=[draft.public_id]))
    heading = page.locator("#materials-heading")
    expect(heading).to_contain_text("第十一条")
    card = page.locator(".card", has=heading)
    expect(card).to_contain_text("《贵州省职业技能等级认定机构续期申请表》")
    expect(card).to_contain_text("有效期内职业技能等级认定工作开展情况报告")
    expect(card).to_contain_text("证书使用与待遇挂钩的专项佐证材料")
    expect(card).not_to_contain_text("申请备案机构信用报告")
    journey.step("gz11-materials")
    path = tmp_path / "工作开展情况报告.pdf"
    path.write_bytes(PDF)
    page.select_option("#upload-form select[name=kind]", "work_report")
    page.set_input_files("#upload-form input[type=file]", str(path))
    page.click("#upload-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已上传")
    expect(card).to_contain_text("工作开展情况报告.pdf")
    journey.step("gz11-uploaded")
