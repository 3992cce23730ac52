"""Too long is refused, never cut, in a real browser: the Huainan self-check's remedy carries the limit as the
browser's ``maxlength``; typed past it (the attribute removed, as an old browser or a script would), the page
answers with the message next to the field and shows the whole text typed, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from skillreg.appraisals.models import SelfCheck
from skillreg.appraisals.services import REMEDY_MAX
from skillreg.core import clock
from skillreg.deadlines.tests.conftest import file_on

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_too_long_remedy_is_refused_next_to_the_field_and_kept(
    page, screenshot, huainan_institution, huainan_city_officer
):
    filing = file_on(
        huainan_institution, huainan_city_officer, dt.date(2026, 3, 2), region_code="340403", kind="employer"
    )
    login(page, "huainan_org")
    page.goto(reverse("appraisals:self_check", args=[filing.code, clock.today().year]))
    remedy = page.locator("#id_remedy")
    expect(remedy).to_have_attribute("maxlength", str(REMEDY_MAX))
    page.select_option("#id_met_office", "0")
    page.fill("#id_note_office", "办公场所面积不足")
    remedy.evaluate("e => e.removeAttribute('maxlength')")
    typed = "补缺补差：" + "增设考场并完善监控。" * 501  # 5 + 5010 characters
    remedy.fill(typed)
    page.click("#submit-self-check")
    error = page.locator("#id_remedy ~ .error").first
    expect(error).to_have_text(f"补缺补差措施不能超过 {REMEDY_MAX} 字（现为 {len(typed)} 字）")
    expect(page.locator("#id_remedy")).to_have_value(typed)  # whole, as typed
    expect(page.locator("#id_note_office")).to_have_value("办公场所面积不足")
    error.scroll_into_view_if_needed()
    screenshot("remedy-too-long")
    assert not SelfCheck.objects.exists()
