"""Dashboards in Chromium (issue 15 item 5): staff of a province, a city and a county open the dashboard on the
demo, every chart draws on its canvas (pixels, not just a box), the tables hold the figures, a filter narrows the
region, a bad date gets its message, and an export downloads. The ECharts file comes from npm via scripts/setup;
the journey harness fails on a missing asset or a console error (e.g. a CSP refusal)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skillreg.applications.demo import DEMO_PASSWORD

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Painted (non-transparent) pixels of each chart's canvas.
PAINTED_JS = """els => els.map(el => {
  const c = el.querySelector('canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
})"""


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def _charts_drawn(page) -> list[int]:
    boxes = page.locator(".dash-canvas")
    expect(boxes.first).to_have_attribute("data-drawn", "1")
    painted = boxes.evaluate_all(PAINTED_JS)
    assert painted and all(n > 500 for n in painted), painted
    return painted


@pytest.mark.parametrize("username", ["ah_province", "cq_centre", "hn_tianjiaan"])
def test_staff_dashboard_draws_every_chart(journey, demo, username):
    page = journey.page
    journey.allow(username)
    login(page, username, DEMO_PASSWORD)
    page.click("header >> text=统计图表")
    expect(page.get_by_role("heading", level=1)).to_have_text("统计图表")
    page.fill("#id_start", "2024-01-01")
    page.click("main form button[type=submit]")
    painted = _charts_drawn(page)
    assert len(painted) == 7  # institutions ×3, cases, certificates, pass rates, annual-report timeliness
    expect(page.locator("#institutions-status-title")).to_be_visible()
    expect(page.locator("section.dash-chart table").first).to_contain_text("2024年1月")
    journey.step("dashboard")


def test_filters_exports_and_bad_dates(journey, demo):
    page = journey.page
    journey.allow("ah_province")
    login(page, "ah_province", DEMO_PASSWORD)
    page.goto("/staff/dashboards/?start=2024-01-01")
    options = page.locator("#id_region option").all_inner_texts()
    assert any("淮南市" in o for o in options) and not any("重庆" in o for o in options)
    page.select_option("#id_region", label=next(o for o in options if "淮南市" in o))
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("统计地区：淮南市")
    _charts_drawn(page)
    journey.step("huainan")
    with page.expect_download() as download:
        page.locator("#institutions-region-title ~ .dash-actions a", has_text="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx") and "淮南市" in download.value.suggested_filename
    page.fill("#id_start", "2026-12-31")
    page.fill("#id_end", "2026-01-01")
    with journey.expect_status(400):
        page.click("main form button[type=submit]")
        expect(page.locator("#id_start-errors")).to_contain_text("起始日期不能晚于截止日期")
        assert page.locator(".dash-canvas").count() == 0
        journey.step("bad-dates")
