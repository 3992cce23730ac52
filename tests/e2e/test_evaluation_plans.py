"""Evaluation plans in a real browser (issue 14, "Done when"; CQ-4): the institution reports a plan, staff
acknowledge it; the institution publishes and files the results with the roster; the certificate import takes
exactly the roster's certificates and refuses one not on it; the anomaly list shows an examiner booked twice in
one day. Every step goes through the journey harness (no server or console error, no English or internal code
on the page) and is kept as a screenshot."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from skillreg.certificates.columns import COLUMNS
from skillreg.certificates.models import Certificate
from skillreg.core import clock, testing
from skillreg.deadlines.tests.conftest import file_on
from skillreg.evaluations import services
from skillreg.evaluations.models import EvaluationPlan, PlanStatus
from tests.e2e.helpers import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _csv(path, header, rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return str(path)


def test_plan_reported_acknowledged_results_filed_and_certificates_gated(journey, tmp_path):
    page = journey.page
    institution = testing.make_institution_user("ev_inst", region_code="500238", name="巫溪县技能评价中心")
    officer = testing.make_staff("ev_officer", "hrss-500238", display_name="巫溪县评价监管员")
    today = clock.today()
    held = today - dt.timedelta(days=1)  # results are filed only once the evaluation is over
    filing = file_on(institution, officer, today - dt.timedelta(days=10), occupations=[("6-31-01-03", [5, 4, 3])])
    journey.allow("ev_inst", "ev_officer")

    # --- the institution reports a plan ---------------------------------------------------------------------------
    login(page, "ev_inst")
    page.click("header nav >> text=评价计划")
    journey.step("plans")
    page.click("main >> text=报备评价计划")
    journey.step("report-form")
    page.fill("#id_number", "PJ-E2E-01")
    page.select_option("#id_occupation_code", "6-31-01-03")
    page.select_option("#id_level", "4")
    page.fill("#id_starts_at", f"{held:%Y-%m-%d}T13:00")
    page.fill("#id_ends_at", f"{held:%Y-%m-%d}T17:00")
    page.select_option("#id_venue", "技能考核场地300平方米")
    page.fill("#id_expected_candidates", "3")
    page.check("input[name=examiners][value='KP6-31-01-030']")
    page.check("input[name=examiners][value='KP6-31-01-031']")
    page.check("input[name=supervisors][value='督导0']")
    page.select_option("#id_level", "2")  # not filed: refused next to the field, nothing written
    page.click("main form button[type=submit]")
    expect(page.locator(".field-error").first).to_contain_text("不含二级/技师")
    journey.step("report-refused")
    assert EvaluationPlan.objects.count() == 0
    page.select_option("#id_level", "4")
    page.check("input[name=examiners][value='KP6-31-01-030']")
    page.check("input[name=examiners][value='KP6-31-01-031']")
    page.check("input[name=supervisors][value='督导0']")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已报备")
    journey.step("reported")
    plan = EvaluationPlan.objects.get(number="PJ-E2E-01")
    assert plan.status == PlanStatus.REPORTED and plan.reported_late
    # the same examiner in the morning, at another venue (reported through the service, as an import would)
    services.plan_report(
        filing=filing, actor=institution, number="PJ-E2E-02", occupation_code="6-31-01-03", level=4,
        starts_at=dt.datetime.combine(held, dt.time(8), tzinfo=ZoneInfo("Asia/Shanghai")),
        ends_at=dt.datetime.combine(held, dt.time(11), tzinfo=ZoneInfo("Asia/Shanghai")),
        venue="理论考场1间（30座）", expected_candidates=10,
        examiners=[{"name": "考评030", "certificate_code": "KP6-31-01-030"}], supervisors=["督导1"],
    )  # fmt: skip
    logout(page)

    # --- staff acknowledge it and see the anomaly -------------------------------------------------------------------
    login(page, "ev_officer")
    page.click("header nav >> text=评价监管")
    if held.month != today.month:  # the calendar opens on this month; the plan was held yesterday
        page.goto(f"/evaluations/calendar/?month={held:%Y-%m}")
    expect(page.locator("main")).to_contain_text("PJ-E2E-01")
    journey.step("calendar")
    page.click("main >> text=待审核")
    journey.step("queue")
    page.click("main table >> text=PJ-E2E-01")
    journey.step("plan-for-review")
    page.click("#review button:has-text('确认')")
    expect(page.locator(".messages")).to_contain_text("评价计划已确认")
    journey.step("acknowledged")
    page.click("main >> text=异常情况")
    twice = page.locator("tr.anomaly-examiner_overlap")
    expect(twice).to_have_count(1)
    expect(twice).to_contain_text("考评030")
    expect(twice).to_contain_text("PJ-E2E-02")
    journey.step("anomalies")
    logout(page)

    # --- the institution publishes and files the results ---------------------------------------------------------
    people = [
        ("冉光明", testing.make_id_number("500238", "19780312", 31)),
        ("向小芳", testing.make_id_number("500238", "20010605", 32)),
    ]
    login(page, "ev_inst")
    page.goto(f"/evaluations/{plan.pk}/")
    page.fill("#id_body", "合格人员名单：冉光明（证件号码后四位 " + people[0][1][-4:] + "）、向小芳")
    page.click("#publish button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("评价结果已公示")
    journey.step("published")
    roster = _csv(
        tmp_path / "合格名册.csv",
        ["姓名", "证件类型", "证件号码", "职业编码", "等级"],
        [[n, "居民身份证", i, "6-31-01-03", "4"] for n, i in people],
    )
    page.fill("#id_applicants", "3")
    page.fill("#id_passes", "2")
    page.set_input_files("#id_roster", roster)
    page.click("#results button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("评价结果和合格名册已报备")
    expect(page.locator("main")).to_contain_text("合格名册（2 人）")
    journey.step("results-filed")

    # --- the certificate import takes the roster's people and refuses a stranger ---------------------------------
    def row(name: str, id_number: str) -> list[str]:
        cells = {
            "number": "", "holder_name": name, "id_type": "居民身份证", "id_number": id_number,
            "occupation_code": "6-31-01-03", "occupation_name": "电工", "work_type": "", "level": "4",
            "issue_date": today.isoformat(), "batch_number": "PJ-E2E-01",
        }  # fmt: skip
        return [cells[c.key] for c in COLUMNS]

    upload = _csv(
        tmp_path / "证书上报.csv",
        [c.label for c in COLUMNS],
        [row(*people[0]), row(*people[1]), row("邓志远", testing.make_id_number("500238", "19850101", 33))],
    )
    page.click("header nav >> text=证书管理")
    page.click("main >> text=证书数据上报")
    page.set_input_files("input[type=file]", upload)
    page.check("input[name=mode][value=valid_only]")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("不在评价计划“PJ-E2E-01”报备的合格名册中")
    journey.step("import-refuses-stranger")
    assert sorted(Certificate.objects.values_list("holder_name", flat=True)) == ["冉光明", "向小芳"]
    logout(page)

    # --- the public reads the results notice -----------------------------------------------------------------------
    page.goto("/notices/")
    page.click('main a:has-text("评价结果公示")')
    expect(page.locator("main")).to_contain_text("冉光明")
    journey.step("public-notice")


def test_results_wait_until_the_evaluation_is_over(journey):
    """A plan acknowledged for next month: its page says when results can be filed and offers no results form;
    a results form posted anyway is refused with the message, nothing written."""
    page = journey.page
    institution = testing.make_institution_user("ev_inst2", region_code="500238", name="巫溪县技能评价中心")
    officer = testing.make_staff("ev_officer2", "hrss-500238", display_name="巫溪县评价监管员")
    today = clock.today()
    filing = file_on(institution, officer, today - dt.timedelta(days=10), occupations=[("6-31-01-03", [5, 4, 3])])
    journey.allow("ev_inst2", "ev_officer2")
    day = today + dt.timedelta(days=30)
    shanghai = ZoneInfo("Asia/Shanghai")
    plan = services.plan_report(
        filing=filing, actor=institution, number="PJ-E2E-09", occupation_code="6-31-01-03", level=4,
        starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=shanghai),
        ends_at=dt.datetime.combine(day, dt.time(17), tzinfo=shanghai),
        venue="技能考核场地300平方米", expected_candidates=10,
        examiners=[{"name": "考评030", "certificate_code": "KP6-31-01-030"}], supervisors=["督导0"],
    )  # fmt: skip
    services.plan_acknowledge(plan=plan, actor=officer)
    login(page, "ev_inst2")
    page.goto(f"/evaluations/{plan.pk}/")
    notice = page.locator("#results-not-yet")
    expect(notice).to_contain_text("评价尚未结束")
    expect(notice).to_contain_text(f"{day:%Y-%m-%d} 17:00")
    expect(page.locator("#publish")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("可报备结果时间")
    journey.step("results-not-yet")
    # a stale form (opened from a copy of the page) posted anyway: refused, with the message, nothing written
    page.evaluate(
        """(pk) => { const f = document.createElement('form'); f.method = 'post';
        f.action = `/evaluations/${pk}/notice/`; const t = document.querySelector('input[name=csrfmiddlewaretoken]');
        for (const [k, v] of [['csrfmiddlewaretoken', t ? t.value : ''], ['body', '合格人员名单：某某']]) {
          const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit(); }""",
        plan.pk,
    )
    expect(page.locator(".messages")).to_contain_text("评价尚未结束")
    journey.step("results-refused")
    plan.refresh_from_db()
    assert plan.results_notice_id is None and plan.status == PlanStatus.ACKNOWLEDGED


def test_one_examiner_at_two_institutions_is_refused_and_listed(journey):
    """The same person (the same ID number registered with two institutions, under another name at the second) is
    refused at overlapping times with a message that does not name the other institution's plan; the city centre
    sees both plans on the anomaly list, Wuxi's officer only its own (the other not linked)."""
    from skillreg.evaluations.tests.conftest import file_with_examiner_ids

    page = journey.page
    wuxi = testing.make_institution_user("ev_wx", region_code="500238", name="巫溪县技能评价中心", seed=11)
    wanzhou = testing.make_institution_user("ev_wz", region_code="500101", name="万州区技能评价中心", seed=12)
    officer = testing.make_staff("ev_wx_officer", "hrss-500238", display_name="巫溪县评价监管员")
    centre = testing.make_staff("ev_centre", "center-500000", display_name="市鉴定中心审核人")
    person_id = testing.make_id_number("500238", "19800101", 71)
    a = file_with_examiner_ids(wuxi, officer, {"考评030": person_id})
    b = file_with_examiner_ids(wanzhou, centre, {"考评031": person_id}, region_code="500101")
    journey.allow("ev_wz", "ev_wx_officer")
    day = clock.today() + dt.timedelta(days=30)
    shanghai = ZoneInfo("Asia/Shanghai")
    services.plan_report(
        filing=a, actor=wuxi, number="PJ-A-01", occupation_code="6-31-01-03", level=4,
        starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=shanghai),
        ends_at=dt.datetime.combine(day, dt.time(12), tzinfo=shanghai),
        venue="技能考核场地300平方米", expected_candidates=10,
        examiners=[{"name": "考评030", "certificate_code": "KP6-31-01-030"}], supervisors=["督导0"],
    )  # fmt: skip

    login(page, "ev_wz")
    page.goto("/evaluations/report/")
    page.fill("#id_number", "PJ-B-01")
    page.select_option("#id_occupation_code", "6-31-01-03")
    page.select_option("#id_level", "4")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T10:00")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T16:00")
    page.select_option("#id_venue", "技能考核场地300平方米")
    page.fill("#id_expected_candidates", "10")
    page.check("input[name=examiners][value='KP6-31-01-031']")
    page.check("input[name=supervisors][value='督导0']")
    page.click("main form button[type=submit]")
    error = page.locator(".field-error", has_text="考评031")
    expect(error).to_contain_text("该考评人员在同一时间已安排其他评价活动")
    expect(error).not_to_contain_text("PJ-A-01")  # the other institution's plan is not named
    expect(page.locator("main")).not_to_contain_text("PJ-A-01")
    journey.step("refused-elsewhere")
    assert not EvaluationPlan.objects.filter(number="PJ-B-01").exists()
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T14:00")  # the afternoon: allowed, and listed as an anomaly
    page.check("input[name=examiners][value='KP6-31-01-031']")
    page.check("input[name=supervisors][value='督导0']")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已报备")
    logout(page)

    login(page, "ev_wx_officer")
    page.goto("/evaluations/anomalies/?kind=examiner_elsewhere")
    row = page.locator("tr.anomaly-examiner_elsewhere")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("考评030")
    expect(row.locator("a")).to_have_count(1)  # only Wuxi's own plan is a link
    expect(row).to_contain_text("不在本机关监管范围内")
    journey.step("anomaly-elsewhere")
    assert b.pk != a.pk
