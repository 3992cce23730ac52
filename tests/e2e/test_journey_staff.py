"""Journeys of authority staff in each of the five jurisdictions, on the demo (issue 11): the work list, every
case of the list, the deadlines board, certificates and statistics — and in each region the decisions its cases
are waiting for. Every step is checked by the journey harness and kept as a screenshot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from skillreg.applications.demo import DEMO_PASSWORD
from skillreg.applications.models import Application, State

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF = [
    ("CQ", "cq_centre"),
    ("WX", "cq_wuxi"),
    ("AH", "ah_province"),
    ("HN", "hn_tianjiaan"),
    ("GZ", "gz_province"),
]


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def _sign_in(journey, username: str) -> None:
    journey.allow(username)
    login(journey.page, username, DEMO_PASSWORD)
    journey.step("signed-in")


@pytest.mark.parametrize(("jurisdiction", "username"), STAFF, ids=[j for j, _u in STAFF])
def test_staff_tour_of_their_region(journey, demo, jurisdiction, username):
    page = journey.page
    _sign_in(journey, username)
    page.goto("/staff/?mine=0")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.step("worklist")
    links = page.locator("main table tbody a[href*='/staff/cases/']")
    hrefs = list(dict.fromkeys(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")))
    assert hrefs, f"{username} sees no case"
    for i, href in enumerate(hrefs[:6]):
        page.goto(href)
        expect(page.locator("#policy-record, .clock-timeline").first).to_be_visible()
        journey.step(f"case-{i + 1}")
    page.goto("/staff/deadlines/")
    journey.step("deadlines")
    # The board's tally (read from the deadline index) counts what the live clocks of the region's cases say.
    cells = page.locator("main section:has(h2:text('按办理机关统计')) tbody tr td:nth-child(2)")
    shown = sum(int(t) for t in cells.all_inner_texts() if t.strip().isdigit())
    assert shown == _live_deadlines(username), (shown, username)
    if jurisdiction in ("CQ", "WX"):  # only the Chongqing document sets time limits for open cases (CQ-10, CQ-11)
        assert shown > 0
    page.goto("/certificates/")
    journey.step("certificates")
    page.goto("/certificates/statistics/")
    journey.step("statistics")
    page.goto("/inbox/")
    journey.step("inbox")


def _live_deadlines(username: str) -> int:
    from skillreg.accounts.models import User
    from skillreg.applications.selectors import staff_scope
    from skillreg.deadlines import index
    from skillreg.deadlines.clocks import DueCache
    from skillreg.deadlines.limits import LimitResolver
    from skillreg.deadlines.scan import running_clocks
    from skillreg.workcalendar.selectors import get_calendar

    scope = staff_scope(User.objects.get(username=username))
    return len(index.entries(running_clocks(scope, resolver=LimitResolver(), cache=DueCache(get_calendar()))))


def _open_case(journey, username: str, unit: str):
    application = Application.objects.get(unit__users__username=unit)
    _sign_in(journey, username)
    journey.page.goto(f"/staff/cases/{application.public_id}/")
    journey.step("case")
    return application


def _handler(unit: str) -> tuple[Application, str]:
    app = Application.objects.get(unit__users__username=unit)
    return app, app.authority.staff.order_by("pk").first().username


def test_wuxi_staff_files_an_evaluated_case_and_opens_the_receipt(journey, demo):
    """wx_dianli is under evaluation at 巫溪县: tick the reviewer's checklist, file it, open the receipt."""
    page = journey.page
    app, handler = _handler("wx_dianli")
    _open_case(journey, handler, "wx_dianli")
    form = page.locator("#decision-form")
    expect(form).to_be_visible()
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    form.locator("textarea[name=reasons]").fill("经材料验核与现场考察，符合备案条件。")
    form.locator("textarea[name=basis]").fill("渝人社发〔2020〕128号 第十一条")
    journey.step("decision-filled")
    page.click("#btn-file")
    expect(page.locator(".messages")).to_contain_text("已予以备案")
    journey.step("filed")
    page.click("main >> text=回执")
    expect(page.locator("main")).to_contain_text("备案编码")
    journey.step("receipt")
    app.refresh_from_db()
    assert app.state == State.FILED


def test_chongqing_staff_asks_for_the_supplement_once(journey, demo):
    """cq_jigong (万州 technical school) is submitted: one notice lists every item to supplement."""
    page = journey.page
    app, handler = _handler("cq_jigong")
    _open_case(journey, handler, "cq_jigong")
    page.click("text=一次性告知补正")
    page.fill("#supplement-form textarea[name=other_items]", "法定代表人身份证复印件（加盖公章）")
    journey.step("supplement-form")
    page.click("#supplement-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已一次性告知")
    journey.step("supplement-requested")
    app.refresh_from_db()
    assert app.state == State.SUPPLEMENT_REQUESTED


def test_anhui_staff_files_an_accepted_case(journey, demo):
    """ah_accepted (合肥) waits for the decision of the provincial office after evaluation."""
    page = journey.page
    app, handler = _handler("ah_accepted")
    _open_case(journey, handler, "ah_accepted")
    journey.step("decision-pending")
    if page.locator("#assign-form").count():
        page.select_option("#assign-form select[name=method]", "expert_review")
        page.select_option("#assign-form select[name=expert]", index=1)
        page.click("#assign-form button[type=submit]")
        journey.step("assigned")


def test_huainan_case_is_refused_at_the_province(journey, demo):
    """hn_jixiao went 田家庵区 → 淮南市 → 安徽省厅 (HN route): the province refuses it with reasons and basis."""
    page = journey.page
    app, handler = _handler("hn_jixiao")
    assert app.authority.code == "hrss-340000"
    _open_case(journey, handler, "hn_jixiao")
    expect(page.locator("main")).to_contain_text("田家庵区人力资源和社会保障局")
    form = page.locator("#decision-form")
    form.locator("textarea[name=reasons]").fill("技能考核场地不符合国家职业技能标准要求。")
    form.locator("textarea[name=basis]").fill("皖人社秘〔2020〕64号 附件1第三条")
    journey.step("refusal-filled")
    form.locator("button.danger").click()
    expect(page.locator(".messages")).to_contain_text("不予备案")
    journey.step("refused")
    app.refresh_from_db()
    assert app.state == State.REFUSED


def test_guizhou_staff_sees_a_resubmitted_case(journey, demo):
    app, handler = _handler("gz_resubmitted")
    page = journey.page
    _open_case(journey, handler, "gz_resubmitted")
    expect(page.locator("#btn-accept")).to_be_visible()
    page.click("#btn-accept")
    expect(page.locator(".messages")).to_contain_text("已受理")
    journey.step("accepted")
    assert re.search(r"/staff/cases/", page.url)
