"""Annual reports in a real browser (issue 15, "Done when"; HN-2): a Huainan institution files its 2026 report
with the figures pre-filled from the certificate registry and one changed with a reason (first refused without
one, the message next to the field); staff send it back, the institution revises, staff accept and download the
DOCX, the PDF and the authority's XLSX summary; the institution's missing 2025 report shows on the staff list."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from skillreg.annualreports.tests.conftest import file_on, register
from skillreg.core import testing
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEY = "lv_skill_level_5"


def _fill_texts(page) -> None:  # type: ignore[no-untyped-def]
    areas = page.locator("#report-form textarea:not([name^=examiners_])")
    for i in range(areas.count()):
        areas.nth(i).fill(f"本年度该项工作情况说明（第{i + 1}项）。")
    page.fill("#id_training_scale", "640")
    applicants = page.locator("#report-form input[name$=_applicants]")
    for i in range(applicants.count()):
        applicants.nth(i).fill("12")


def test_huainan_report_sent_back_revised_accepted_and_downloaded(journey, tmp_path):
    page = journey.page
    institution = testing.make_institution_user(
        "ar_inst", region_code="340403", name="淮南安康养老服务培训中心", seed=5
    )
    officer = testing.make_staff("ar_officer", "hrss-340400", display_name="淮南市审核员")
    filing = file_on(institution, officer, dt.date(2025, 1, 10))
    register(filing, institution, dt.date(2026, 5, 8), occupation="4-10-01-05", level=5, n=4, batch="A1")
    journey.allow("ar_inst", "ar_officer")

    # --- the institution drafts its 2026 report: figures pre-filled from the registry ---------------------------
    login(page, "ar_inst")
    page.click("header nav >> text=年度总结")
    journey.step("institution-list")
    page.select_option("#id_filing", str(filing.pk))
    page.fill("#id_year", "2026")
    page.click("#start-report")
    expect(page.locator(f"input[name={KEY}_passes]")).to_have_value("4")
    journey.step("prefilled")
    _fill_texts(page)
    page.fill(f"input[name={KEY}_passes]", "5")
    with journey.expect_status(422):  # the form comes back with the message next to the field
        page.click("#submit-report")
        expect(page.locator(f"#err-{KEY}_reason")).to_contain_text("合格人数与证书登记数据（4人）不一致")
        journey.step("changed-without-reason")
    page.fill(f"input[name={KEY}_reason]", "1名考生证书于次年1月补登记")
    page.click("#save-draft")
    expect(page.locator(".msg-success")).to_contain_text("草稿已保存")
    page.click("#submit-report")
    expect(page.locator("#report-status")).to_have_text("已报送，待审阅")
    journey.step("submitted")
    logout(page)

    # --- staff: the missing 2025 report is listed; the 2026 report is sent back --------------------------------
    login(page, "ar_officer")
    page.click("header nav >> text=年度总结")
    expect(page.locator("#overdue")).to_contain_text("逾期未报送")
    expect(page.locator("#overdue")).to_contain_text(filing.code)
    journey.step("staff-list-overdue")
    page.click('#reports a:has-text("审阅")')
    expect(page.locator("#report-content")).to_contain_text("1名考生证书于次年1月补登记")
    journey.step("staff-review")
    page.fill("#id_comment", "请补充社会化培训的期数和人次。")
    page.click("#send-back")
    expect(page.locator("#report-status")).to_have_text("已退回修改")
    journey.step("sent-back")
    logout(page)

    # --- the institution revises and resubmits ------------------------------------------------------------------
    login(page, "ar_inst")
    page.click("header nav >> text=年度总结")
    page.click("#my-reports >> text=继续填写")
    expect(page.locator("#return-comment")).to_contain_text("请补充社会化培训的期数和人次")
    page.fill("#id_training_social", "全年开展社会化培训 12 期、共 480 人次。")
    journey.step("revising")
    page.click("#submit-report")
    expect(page.locator("#report-status")).to_have_text("已报送，待审阅")
    logout(page)

    # --- staff accept and download -----------------------------------------------------------------------------
    login(page, "ar_officer")
    page.click("header nav >> text=年度总结")
    page.click('#reports a:has-text("审阅")')
    expect(page.locator("#report-content")).to_contain_text("共 480 人次")
    page.click("#accept")
    expect(page.locator("#report-status")).to_have_text("已接收")
    journey.step("accepted")
    with page.expect_download() as info:
        page.locator("a.dl-docx").last.click()
    docx = open(info.value.path(), "rb").read()
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "共 480 人次" in xml and 'w:eastAsia="宋体"' in xml and "1名考生证书于次年1月补登记" in xml
    with page.expect_download() as info:
        page.locator("a.dl-pdf").last.click()
    pdf = open(info.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf
    (tmp_path / "report.pdf").write_bytes(pdf)
    page.click("text=← 年度工作总结")
    with page.expect_download() as info:
        page.click("#summary-all")
    rows = list(load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[1][1] == filing.code and rows[1][4] == "已接收" and rows[1][8] == 2
    journey.step("summary-downloaded")
    journey.finish()
