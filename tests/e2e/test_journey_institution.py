"""Journeys of institution users (issue 11): register with a wrong then a right USCC; create a draft and save it,
reopen it and save it again several times; self-check; submit with gaps; answer a supplement; open the receipt;
report certificates with good and bad rows and download the error workbook. Checked by the journey harness."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from skillreg.applications.demo import DEMO_PASSWORD
from skillreg.applications.models import Application, State
from skillreg.core import testing

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def test_register_then_draft_saved_again_and_again_then_submit_with_gaps(journey):
    page = journey.page
    journey.allow("wuxi_kangyang", "kangyang@example.org", "example")
    good = testing.make_uscc("500238", seed=11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.goto("/")
    page.click("header >> text=机构注册")
    journey.step("register")
    page.fill("#id_name", "巫溪县康养职业培训学校")
    page.fill("#id_uscc", bad)
    page.select_option("#id_region", "500238")
    page.fill("#id_address", "重庆市巫溪县柏杨街道滨河北路88号")
    page.fill("#id_contact_name", "冉晓东")
    page.fill("#id_contact_phone", "023-51521234")
    page.fill("#id_username", "wuxi_kangyang")
    page.fill("#id_email", "kangyang@example.org")
    page.fill("#id_password", testing.PASSWORD)
    page.fill("#id_password2", testing.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("统一社会信用代码校验位错误")
    journey.step("register-wrong-uscc")
    page.fill("#id_uscc", good)
    page.fill("#id_password", testing.PASSWORD)
    page.fill("#id_password2", testing.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("注册成功")
    journey.step("registered")

    page.goto("/apply/new/")
    journey.step("new-draft")
    page.select_option("#id_institution_kind", "social_org")
    page.check("input[name=evaluation_types][value=skill_level]")
    page.select_option("#id_coverage_area", "county")
    page.fill("#id_applicant_name", "巫溪县康养职业培训学校")
    page.fill("#id_institution_name", "巫溪县康养职业技能评价中心")
    page.fill("#id_legal_rep_name", "冉晓东")
    page.fill("#id_legal_rep_id_number", "500238199001011238")  # born 1990, a Chongqing code of 1997
    page.fill("#id_legal_rep_phone", "13908231234")
    page.select_option("select[name='scope-0-occupation_code']", "4-10-01-05")
    page.check("input[name='scope-0-levels'][value='5']")
    page.click("button[name=save_continue]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    journey.step("saved-1")
    for n in (2, 3):
        page.click("button[name=save_continue]")  # saved, reopened, saved again
        expect(page.locator(".messages")).to_contain_text("已保存")
        journey.step(f"saved-{n}")
    # a row is added and removed again
    page.click("#add-people")
    page.select_option("select[name='people-3-role']", "finance")
    page.fill("input[name='people-3-name']", "向红梅")
    page.click("button[name=save_continue]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.check("input[name='people-0-DELETE']")
    journey.step("remove-row")
    page.click("button[name=save]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    journey.step("detail")
    app = Application.objects.get(institution_name="巫溪县康养职业技能评价中心")
    assert app.people.count() == 0 and app.legal_rep_id_number == "500238199001011238"
    page.click("#self-check")
    expect(page.locator("main")).to_contain_text("缺少信息")
    journey.step("self-check")
    page.go_back()
    page.click("#submit-application")
    expect(page.locator(".msg-error")).to_have_count(1)
    expect(page.locator("#missing-list")).to_be_visible()
    journey.step("submit-with-gaps")
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_demo_draft_reopened_and_saved_unchanged(journey, demo):
    page = journey.page
    journey.allow("cq_draft")
    login(page, "cq_draft", DEMO_PASSWORD)
    page.goto("/apply/")
    journey.step("applications")
    page.click("main table a >> nth=0")
    journey.step("detail")
    for n in range(1, 4):
        page.click("text=修改申请内容")
        journey.step(f"edit-{n}")
        page.click("button[name=save]")
        expect(page.locator(".messages")).to_contain_text("已保存")
        journey.step(f"saved-{n}")


def test_supplement_answered(journey, demo):
    page = journey.page
    journey.allow("wx_pengren")
    login(page, "wx_pengren", DEMO_PASSWORD)
    page.goto("/inbox/")
    journey.step("inbox")
    page.goto("/apply/")
    page.click("main table a >> nth=0")
    expect(page.locator("#supplement-notice")).to_be_visible()
    journey.step("supplement-notice")
    page.fill("#id_note", "已按通知补正全部材料。")
    page.click("#submit-application")
    expect(page.locator(".messages")).to_contain_text("补正材料已提交")
    journey.step("resubmitted")
    assert Application.objects.get(unit__users__username="wx_pengren").state == State.RESUBMITTED


def test_receipt_and_certificate_report_with_good_and_bad_rows(journey, demo):
    from skillreg.certificates.columns import COLUMNS
    from skillreg.core import clock
    from skillreg.evaluations.tests.builders import plan_results_in
    from skillreg.institutions.models import Filing

    page = journey.page
    journey.allow("wx_yanglao")
    user = Application.objects.get(unit__users__username="wx_yanglao").unit.users.get()
    filing = Filing.objects.get(application__unit=user.unit)
    scope = filing.scope.select_related("occupation").first()
    level = max(scope.levels)
    today = clock.today()
    plan_results_in(
        filing=filing, actor=user, number="PJ-2026-JOURNEY", occupation_code=scope.occupation.code, level=level,
        starts_on=today, ends_on=today, applicants=5, passes=3,
    )  # fmt: skip
    login(page, "wx_yanglao", DEMO_PASSWORD)
    page.goto("/apply/")
    page.click("main table a >> nth=0")
    page.click("main >> text=查看备案回执")
    expect(page.locator("main")).to_contain_text(filing.code)
    journey.step("receipt")

    def row(name: str, birth: str, seq: int, **over: str) -> dict[str, str]:
        r = {
            "number": "", "holder_name": name, "id_type": "居民身份证",
            "id_number": testing.make_id_number("500238", birth, seq), "occupation_code": scope.occupation.code,
            "occupation_name": scope.occupation.name, "work_type": "", "level": str(level),
            "issue_date": today.isoformat(), "batch_number": "PJ-2026-JOURNEY",
        }  # fmt: skip
        r.update(over)
        return r

    rows = [
        row("冉光明", "19780312", 31),
        row("向小芳", "20010605", 32),
        row("邓志远", "19850101", 33, id_number="500238198501011230"),  # wrong check digit
        row("谭丽", "19990909", 34, level="9"),
    ]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.label for c in COLUMNS])
    writer.writerows([[r[c.key] for c in COLUMNS] for r in rows])
    path = journey.screenshots / "journey-certificates.csv"
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    page.click("header nav >> text=证书管理")
    journey.step("certificates")
    page.click("main >> text=证书数据上报")
    journey.step("imports")
    page.set_input_files("input[type=file]", str(path))
    page.check("input[name=mode][value=valid_only]")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("校验位错误")
    journey.step("import-done")
    with page.expect_download() as info:
        page.click("main >> text=下载错误清单")
    assert info.value.suggested_filename.endswith(".xlsx") and ".xlsx.xlsx" not in info.value.suggested_filename
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True)
    sheet = list(book.worksheets[0].values)
    assert [line[0] for line in sheet[1:]] == [4, 5]
    assert "邓志远" in [str(v) for v in sheet[1]] and "LEVEL_INVALID" not in str(sheet)


INSTITUTIONS = [
    ("CQ", "cq_jixie"),
    ("WX", "wx_yanglao"),
    ("AH", "ah_zhizao"),
    ("HN", "hn_meikuang"),
    ("GZ", "gz_pengren"),
]


@pytest.mark.parametrize(("jurisdiction", "username"), INSTITUTIONS, ids=[j for j, _u in INSTITUTIONS])
def test_filed_institution_tour(journey, demo, jurisdiction, username):
    """A filed institution of each jurisdiction: its application and history, self-check, receipt, inbox,
    certificates, batches, imports and statistics."""
    page = journey.page
    journey.allow(username)
    login(page, username, DEMO_PASSWORD)
    page.goto("/apply/")
    journey.step("applications")
    page.click("main table a >> nth=0")
    expect(page.locator("#filing-code")).to_be_visible()
    journey.step("filed-application")
    page.click("main >> text=查看备案回执")
    journey.step("receipt")
    for name, url in (
        ("inbox", "/inbox/"),
        ("certificates", "/certificates/"),
        ("batches", "/certificates/batches/"),
        ("imports", "/certificates/imports/"),
        ("statistics", "/certificates/statistics/"),
    ):
        page.goto(url)
        journey.step(name)
