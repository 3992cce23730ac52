"""Journeys of the expert, the audit administrator and the system administrator, on the demo (issue 11)."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from skillreg.applications import services
from skillreg.applications.demo import DEMO_PASSWORD
from skillreg.applications.models import Application

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def test_expert_opens_the_task_downloads_a_material_and_gives_the_opinion(journey, demo):
    from django.contrib.auth import get_user_model

    app = Application.objects.get(unit__users__username="ah_accepted")
    officer = app.authority.staff.order_by("pk").first()
    expert = get_user_model().objects.get(username="expert_liu")
    with transaction.atomic():
        services.assessment_assign(application=app, actor=officer, method="site_visit", expert=expert)
    page = journey.page
    journey.allow("expert_liu")
    login(page, "expert_liu", DEMO_PASSWORD)  # with the second factor (issue 11)
    journey.step("signed-in")
    page.goto("/staff/assessments/")
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text("待提交")
    journey.step("tasks")
    rows.first.locator("a").click()
    expect(page.locator("#opinion-form")).to_be_visible()
    journey.step("task")
    with page.expect_download() as info:
        page.locator("main .card ul a").last.click()
    assert info.value.suggested_filename.endswith(".pdf")
    page.fill("#opinion-form textarea[name=opinion]", "现场考察：场地、设备与申报一致，视频监控全覆盖。")
    page.select_option("#opinion-form select[name=recommendation]", index=0)
    page.click("#opinion-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("评估意见已提交")
    journey.step("submitted")


def test_audit_admin_searches_the_trail_and_verifies_the_chain(journey, demo):
    from django.contrib.auth import get_user_model

    page = journey.page
    # the trail names each operator by login name: that is its point (not an internal code)
    journey.allow(*get_user_model().objects.values_list("username", flat=True))
    login(page, "auditor", DEMO_PASSWORD)
    page.goto("/audit/")
    expect(page.locator("#audit-records")).to_be_visible()
    journey.step("trail")
    page.fill("#id_action", "application.")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-records")).to_contain_text("提交申请")
    journey.step("filtered")
    page.click("text=校验审计链完整性")
    expect(page.locator("main")).to_contain_text("完好")
    journey.step("verified")


def test_system_admin_opens_the_back_office_and_the_add_user_page(journey, demo):
    page = journey.page
    journey.allow("sysadmin")
    login(page, "sysadmin", DEMO_PASSWORD)
    page.goto("/sysadmin/")
    expect(page.locator("#content")).to_be_visible()
    journey.step("index")
    page.goto("/sysadmin/accounts/user/add/")
    expect(page.locator("main, #content").first).to_contain_text("创建用户后")
    journey.step("add-user")
