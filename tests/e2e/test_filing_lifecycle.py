"""The filing lifecycle in a real browser (issue "Filing lifecycle", CQ-8..CQ-12):

an institution user fills the filing form and applies with one material missing; the county
officer asks for the supplement; the user supplements; the officer accepts, has it evaluated
and files it; the receipt PDF opens and carries the filing code; the institution is in the
public directory.
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from skillreg.applications.profile import DERIVED_FACTS
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.policy.samples import full_profile
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCCUPATION = "6-31-01-03"  # 电工


def fill_facts(page, facts: dict) -> None:
    """Answer the eligibility questions of section 八 as the applicant would."""
    for name, value in facts.items():
        field = f"facts-{name}"
        if isinstance(value, bool):
            page.select_option(f"select[name='{field}']", "true" if value else "false")
        elif isinstance(value, list):
            for v in value:
                page.check(f"input[name='{field}'][value='{v}']")
        elif isinstance(value, str):
            page.select_option(f"select[name='{field}']", value)
        else:
            page.fill(f"input[name='{field}']", str(value))


def add_person(page, index: int, role: str, name: str, **extra: str) -> None:
    if page.locator(f"select[name='people-{index}-role']").count() == 0:
        page.click("#add-people")
    page.select_option(f"select[name='people-{index}-role']", role)
    page.fill(f"input[name='people-{index}-name']", name)
    if "occupation" in extra:
        page.select_option(f"select[name='people-{index}-occupation_code']", extra["occupation"])
        page.select_option(f"select[name='people-{index}-level']", extra["level"])
        page.fill(f"input[name='people-{index}-certificate_code']", extra["certificate"])


def test_apply_supplement_accept_evaluate_file_receipt_directory(page, screenshot):
    user = testing.make_institution_user("dianli", region_code="500238", name="巫溪县电力实业有限公司", seed=77)
    testing.make_staff("wuxi_officer", "hrss-500238", display_name="巫溪县经办人")
    testing.make_expert("expert_zhang", "张专家")

    # --- the institution fills the filing form -------------------------------------------
    login(page, "dianli")
    page.goto("/apply/new/")
    page.select_option("#id_institution_kind", "employer")
    page.check("input[name='evaluation_types'][value='skill_level']")
    page.select_option("#id_ownership", "local")
    page.fill("#id_applicant_name", "巫溪县电力实业有限公司")
    page.fill("#id_applicant_address", "重庆市巫溪县柏杨街道电力路8号")
    page.fill("#id_institution_name", "巫溪县电力实业职业技能等级评价中心")
    page.fill("#id_institution_address", "重庆市巫溪县柏杨街道电力路8号3楼")
    page.fill("#id_legal_rep_name", "王建国")
    page.fill("#id_legal_rep_phone", "13983000001")
    page.fill("#id_legal_rep_id_number", testing.make_id_number("500238", "19980505", 101))
    page.fill("#id_head_name", "李志强")
    page.fill("#id_head_phone", "13983000002")
    page.fill("#id_head_id_number", testing.make_id_number("500238", "19990808", 202))
    page.fill("#id_venue_description", "办公用房220平方米；理论考场80平方米40座；技能考核场地320平方米，12个工位。")
    page.fill("#id_coverage_region", "巫溪县")
    page.fill("#id_coverage_unit", "本企业职工")
    page.select_option("select[name='scope-0-occupation_code']", OCCUPATION)
    for level in ("5", "4", "3"):
        page.check(f"input[name='scope-0-levels'][value='{level}']")
    sample = full_profile("500238", "employer")
    line = sample["scope"][0]
    for name in ("theory_room_area_m2", "theory_room_seats", "skill_workstations", "training_person_times"):
        page.fill(f"input[name='scope-0-{name}']", str(line["facts"][name]))
    page.fill("input[name='scope-0-question_bank_theory_items']", "1000")
    page.fill("input[name='scope-0-question_bank_skill_items']", "40")
    people = [
        ("examiner", f"考评员{i}", {"occupation": OCCUPATION, "level": "3", "certificate": f"KP-2024-{i:03d}"})
        for i in range(5)
    ]
    people += [
        ("finance", "赵会计", {}),
        ("finance", "孙出纳", {}),
        ("manager", "钱主任", {}),
        ("technician", "周工", {}),
    ]
    people += [("supervisor", f"督导员{i}", {}) for i in range(3)]
    for index, (role, name, extra) in enumerate(people):
        add_person(page, index, role, name, **extra)
    page.fill("input[name='equipment-0-name']", "高清视频监控")
    page.fill("input[name='equipment-0-brand']", "海康威视")
    page.fill("input[name='equipment-0-quantity']", "12")
    page.fill("input[name='equipment-0-ownership']", "自有")
    fill_facts(page, {k: v for k, v in sample["facts"].items() if k not in DERIVED_FACTS})
    page.check("#id_pledge_accepted")
    screenshot("01-filing-form")
    page.click("button[name='save']")
    expect(page.locator("li.msg-success")).to_contain_text("已保存")

    # --- materials: five of the six, then submit knowing one is missing --------------------
    for kind in ("basic_info", "work_plan", "assets", "experience", "pledge"):
        page.select_option("#upload-form select[name='kind']", kind)
        page.set_input_files(
            "#upload-form input[type=file]",
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": testing.PDF_BYTES}],
        )
        page.click("#upload-form button[type=submit]")
        expect(page.locator("li.msg-success")).to_be_visible()
    expect(page.locator("#missing-list")).to_contain_text("未上传材料：申请备案机构信用报告")
    page.click("#submit-application")
    expect(page.locator(".msg-error").first).to_contain_text("申请材料不完整")
    page.check("#accept-missing")
    page.click("#submit-application")
    expect(page.locator("li.msg-success")).to_contain_text("巫溪县人力资源和社会保障局")
    screenshot("02-submitted")
    detail_url = page.url
    logout(page)

    # --- the county officer asks for the missing material, all at once (CQ-10) ------------
    login(page, "wuxi_officer")
    page.click("text=巫溪县电力实业职业技能等级评价中心")
    expect(page.locator("#missing-materials")).to_contain_text("申请备案机构信用报告")
    page.click("text=一次性告知补正")
    expect(page.locator("#supplement-form input[value='申请备案机构信用报告']")).to_be_checked()
    page.click("#supplement-form button[type=submit]")
    expect(page.locator("h1 .status")).to_have_text("待补正")
    case_url = page.url
    logout(page)

    # --- the institution supplements --------------------------------------------------------
    login(page, "dianli")
    page.goto(detail_url)
    expect(page.locator("#supplement-notice")).to_contain_text("申请备案机构信用报告")
    page.select_option("#upload-form select[name='kind']", "credit_report")
    page.set_input_files(
        "#upload-form input[type=file]",
        files=[{"name": "信用报告.png", "mimeType": "image/png", "buffer": testing.PNG_BYTES}],
    )
    page.click("#upload-form button[type=submit]")
    page.fill("#id_note", "已补充信用报告")
    page.click("#submit-application")
    expect(page.locator("li.msg-success")).to_contain_text("补正材料已提交")
    logout(page)

    # --- the officer accepts and assigns the technical evaluation ----------------------------
    login(page, "wuxi_officer")
    page.goto(case_url)
    # personal data is masked; "显示" reveals it once (audited) — CSP allows the external script only
    phone = page.locator("dd .pii").first
    expect(phone).to_contain_text("139****0001")
    phone.locator("button.reveal").click()
    expect(phone).to_contain_text("13983000001")
    assert AuditRecord.objects.filter(action="pii.reveal", actor__username="wuxi_officer").count() == 1
    page.click("#btn-accept")
    expect(page.locator("h1 .status")).to_have_text("已受理")
    page.select_option("#assign-form select[name='method']", "site_visit")
    page.select_option("#assign-form select[name='expert']", label="张专家")
    page.click("#assign-form button[type=submit]")
    expect(page.locator("h1 .status")).to_have_text("技术评估中")
    logout(page)

    # --- the expert records the on-site opinion ----------------------------------------------
    login(page, "expert_zhang")
    page.click("text=巫溪县电力实业职业技能等级评价中心")
    page.fill("#opinion-form textarea[name='opinion']", "现场考察：场地、设备与电工职业标准相符，视频监控全覆盖。")
    page.select_option("#opinion-form select[name='recommendation']", "approve")
    page.click("#opinion-form button[type=submit]")
    expect(page.locator("li.msg-success")).to_contain_text("评估意见已提交")
    logout(page)

    # --- the officer reads the rule check, ticks the judgment items and files ----------------
    login(page, "wuxi_officer")
    page.goto(case_url)
    expect(page.locator("#policy-record")).to_contain_text("待人工审核")
    for box in page.locator("#decision-form input[type=checkbox]").all():
        box.check()
    page.fill("#decision-form textarea[name='reasons']", "经材料验核和现场考察，符合备案条件。")
    page.fill("#decision-form textarea[name='basis']", "渝人社发〔2020〕128号 第十一条；溪人社发〔2021〕62号")
    screenshot("03-decision")
    page.click("#btn-file")
    expect(page.locator("li.msg-success")).to_contain_text("已予以备案")
    code = page.locator("#filing-code").inner_text()
    assert code.startswith("Y023850") and len(code) == 13
    screenshot("04-filed")
    logout(page)

    # --- the receipt PDF opens and carries the filing code -------------------------------------
    login(page, "dianli")
    page.goto(detail_url)
    response = page.request.get(page.locator("#receipt-pdf").get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert code in text and "巫溪县电力实业职业技能等级评价中心" in text
    page.goto(f"/documents/receipt/{code}/")
    screenshot("05-receipt")
    logout(page)

    # --- the public directory shows it, without login ------------------------------------------
    page.goto("/directory/?q=电力实业")
    expect(page.locator("main")).to_contain_text(code)
    page.click(f"text={code}")
    expect(page.locator("main")).to_contain_text("电工")
    expect(page.locator("main")).not_to_contain_text("13983000001")
    screenshot("06-directory")
    assert user.unit.filings.get().code == code
