"""Error pages in a real browser (issue 11 items 7 and 8): Chinese, styled, no failed asset, and /sysadmin/ for
a signed-in audit administrator is a 403 page instead of ERR_TOO_MANY_REDIRECTS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skillreg.core import testing

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch(page):  # type: ignore[no-untyped-def]
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None
    )
    page.on("console", lambda m: failed.append(f"console {m.text}") if m.type == "error" else None)
    return failed


def test_404_is_a_styled_chinese_page(page, screenshot):
    failed = _watch(page)
    response = page.goto("/no/such/page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    # the stylesheet applied (the header is laid out by skillreg.css, not the browser default)
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
    screenshot("404")
    assert [
        f
        for f in failed
        if not f.startswith("console Failed to load resource: the server responded with a status of 404")
    ] == []


def test_sysadmin_for_a_signed_in_audit_admin_is_a_403_page(page, screenshot):
    testing.make_admin("e2e_audit", "audit_admin")
    login(page, "e2e_audit")
    response = page.goto("/sysadmin/")  # ERR_TOO_MANY_REDIRECTS before the fix
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
    screenshot("sysadmin-403")
