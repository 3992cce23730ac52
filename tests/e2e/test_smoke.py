"""Smoke test: the public home page renders in a real browser, in Chinese."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SITE_NAME = "技能人才评价机构备案管理系统"


def test_home_page_shows_the_site_name(page, screenshot):
    response = page.goto("/")

    assert response is not None and response.ok
    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    expect(page).to_have_title(f"首页 - {SITE_NAME}")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    shot = screenshot("home")
    assert shot.stat().st_size > 0
