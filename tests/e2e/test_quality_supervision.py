"""Quality supervision in a real browser (issue 14 part 2; 人社职司便函〔2020〕53号): staff draw an external
supervisor for an acknowledged evaluation plan and re-check the draw; the supervisor signs in (second factor) and
files the report with a photo on a phone (390×844); staff read it and open a rectification from a problem."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from skillreg.core import clock, testing
from skillreg.deadlines.tests.conftest import file_on
from skillreg.evaluations.demo import report
from skillreg.evaluations.services import plan_acknowledge
from skillreg.occupations.models import Occupation
from skillreg.quality.tests.conftest import enrol
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 32
)


def test_draw_report_on_a_phone_and_rectify(journey, tmp_path):
    institution = testing.make_institution_user("qs_inst", region_code="500238", name="巫溪县建工职业培训学校")
    officer = testing.make_staff("qs_officer", "hrss-500238", display_name="巫溪县监管员")
    filing = file_on(institution, officer, dt.date(2026, 3, 2))
    today = clock.today()
    # the institution reports the plan and staff acknowledge it (the evaluation-plan services)
    plan = report(
        filing,
        institution,
        number="P-E2E-01",
        occupation=Occupation.objects.get(code="4-10-01-05"),
        level=4,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
    )
    plan = plan_acknowledge(plan=plan, actor=officer)
    sup_user = testing.make_admin("qs_supervisor", "qsupervisor", display_name="督导员李华")
    enrol(
        officer,
        1,
        user=sup_user,
        name="李华",
        term_from=today - dt.timedelta(days=30),
        selected_on=today - dt.timedelta(days=40),
    )
    enrol(
        officer,
        2,
        name="王强",
        unit_uscc=filing.unit.uscc,
        term_from=today - dt.timedelta(days=30),
        selected_on=today - dt.timedelta(days=40),
    )
    page = journey.page
    journey.allow("qs_officer", "qs_supervisor")

    # --- staff: commit a seed, draw, re-check --------------------------------------------------------------
    login(page, "qs_officer")
    page.goto("/quality/")
    journey.step("staff-home")
    page.click("#plan-P-E2E-01")
    expect(page.locator(".internal-names")).to_contain_text("督导0")
    page.click("#commit-draw")
    seed_hash = page.locator(".seed-hash").first.inner_text()
    assert len(seed_hash) == 64
    journey.step("seed-committed")
    page.click("#run-draw")
    expect(page.locator("#assignment-list .assigned-name")).to_have_text(["李华"])  # 王强 works for the institution
    journey.step("drawn")
    page.click("a[id^=verify-]")
    expect(page.locator("#check-verdict")).to_contain_text("复核通过")
    expect(page.locator("#excluded")).to_contain_text("须回避")
    journey.step("verified")
    page.fill("#id_seed", "another-seed")
    page.click("#reseed")
    expect(page.locator("#check-verdict")).to_contain_text("复核不通过")
    # designating the supervisor of the institution's own unit is refused with a clear message
    page.goto(f"/quality/plans/{plan.pk}/")
    page.select_option("#designate_supervisor", label="WX-DD-002 王强（巫溪县第2职业中学）")
    page.fill("#designate_reason", "熟悉该职业")
    page.click("#designate")
    expect(page.locator("#designate-form .errorlist")).to_contain_text("不能选派其督导本单位的评价活动")
    journey.step("own-institution-refused")
    logout(page)

    # --- the supervisor on a phone ---------------------------------------------------------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "qs_supervisor")
    page.goto("/quality/")
    journey.step("phone-tasks")
    page.click("#task-P-E2E-01")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.fill("#id_onsite_record", "考场秩序良好，身份核验规范；技能考核视频监控正常。")
    page.fill("#id_problems", "两名考评人员未佩戴工作证\n理论考场座位间距不足")
    page.select_option("#id_verdict", "minor")
    page.set_input_files("#id_photos", str(photo))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report form scrolls sideways on a phone ({width}px)"
    journey.step("phone-report-form")
    page.click("#file-report")
    expect(page.locator("#report-verdict")).to_have_text("基本规范，存在问题须改进")
    expect(page.locator("#report-photos")).to_contain_text("现场照片.png")
    journey.step("phone-report-filed")
    page.goto("/quality/")
    expect(page.locator("#task-P-E2E-01")).to_have_text("查看督导报告")
    logout(page)

    # --- staff read the report and open a rectification from a problem ---------------------------------------
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "qs_officer")
    page.goto("/quality/")
    page.click("#report-list a")
    expect(page.locator("#problem-1 .problem-text")).to_have_text("两名考评人员未佩戴工作证")
    page.click("#problem-1 summary")
    page.fill("#problem-1 [name$=requirements]", "规范考评人员管理，考评人员持证上岗")
    page.fill("#problem-1 [name$=due_on]", (today + dt.timedelta(days=30)).isoformat())
    page.click("#rectify-1")
    expect(page.locator("#problem-1")).to_contain_text("已责令整改")
    journey.step("rectification-opened")
    page.click("#rectification-1")
    expect(page.locator("main")).to_contain_text("两名考评人员未佩戴工作证")
    journey.step("rectification")


def test_register_a_supervisor_and_the_institution_sees_who_came_afterwards(journey):
    from skillreg.deadlines.tests.conftest import at
    from skillreg.quality.services.assignments import draw_commit, draw_run
    from skillreg.quality.tests.conftest import make_plan

    institution = testing.make_institution_user("qs_inst2", region_code="500238", name="巫溪县恒达职业培训学校")
    officer = testing.make_staff("qs_officer2", "hrss-500238", display_name="巫溪县监管员")
    filing = file_on(institution, officer, dt.date(2026, 3, 2))
    testing.make_admin("qs_sup_login", "qsupervisor", display_name="督导员周敏")
    today = clock.today()
    page = journey.page
    journey.allow("qs_officer2", "qs_inst2", "qs_sup_login")

    login(page, "qs_officer2")
    page.goto("/quality/")
    page.click("#supervisor-new")
    fields = {
        "#id_number": "WX-DD-101",
        "#id_name": "周敏",
        "#id_id_number": "500238199001011231",  # wrong check digit
        "#id_phone": "13800001111",
        "#id_unit_name": "巫溪县职业教育中心",
        "#id_selected_on": (today - dt.timedelta(days=40)).isoformat(),
        "#id_selection_basis": "巫溪县人力资源和社会保障局2026年外部质量督导员遴选",
        "#id_term_from": (today - dt.timedelta(days=30)).isoformat(),
        "#id_term_to": (today + dt.timedelta(days=700)).isoformat(),
        "#id_occupations": "4-10-01-05",
        "#id_regions": "500238",
    }
    for sel, value in fields.items():
        page.fill(sel, value)
    page.select_option("#id_user", label="督导员周敏（qs_sup_login）")
    page.click("#save-supervisor")
    expect(page.locator("#supervisor-form .errorlist")).to_contain_text("身份证")
    journey.step("bad-id-number")
    page.fill("#id_id_number", testing.make_id_number(seq=881))
    page.click("#save-supervisor")
    expect(page.locator("#sup-number")).to_have_text("WX-DD-101")
    expect(page.locator("#pii-id_number")).to_contain_text("****")
    page.click("#reveal-id_number")
    expect(page.locator("#pii-id_number")).not_to_contain_text("*")
    page.fill("#training_trained_on", (today - dt.timedelta(days=20)).isoformat())
    page.fill("#training_title", "技能人才评价质量督导业务培训")
    page.fill("#training_hours", "16")
    page.click("#add-training")
    expect(page.locator("#training-list")).to_contain_text("质量督导业务培训")
    page.fill("#conflict_filing_code", filing.code)
    page.select_option("#conflict_kind", "prior")
    page.fill("#conflict_reason", "曾在该校兼职授课")
    page.click("#add-conflict")
    expect(page.locator("#conflict-list")).to_contain_text(filing.code)
    journey.step("supervisor-registered")
    logout(page)

    # a plan that ended yesterday had a supervisor drawn before it started (another supervisor: 周敏 is recused)
    start = today - dt.timedelta(days=2)
    with at(start - dt.timedelta(days=5)):
        enrol(
            officer, 2, name="吴刚", term_from=start - dt.timedelta(days=30), selected_on=start - dt.timedelta(days=40)
        )
        plan = make_plan(filing, number="P-DONE", start=start, end=today - dt.timedelta(days=1))
        draw_run(row=draw_commit(plan=plan, count=1, actor=officer), actor=officer)
    make_plan(filing, number="P-NEXT", start=today + dt.timedelta(days=5), end=today + dt.timedelta(days=6))

    login(page, "qs_inst2")
    page.goto("/quality/")
    expect(page.locator("#plan-P-DONE .external")).to_contain_text("吴刚")
    expect(page.locator("#plan-P-NEXT .external")).to_contain_text("评价活动结束后显示")
    expect(page.locator("#plan-P-DONE .internal-threshold")).to_contain_text("不少于 2 名")
    journey.step("institution-view")
