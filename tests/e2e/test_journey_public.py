"""Journeys of the public (no login), on the demo of all five jurisdictions (issue 11): the directory (search,
filters per jurisdiction, export), an institution's page, certificate verification (valid, revoked, wrong,
rate-limited) and the QR page. Every step is checked by the journey harness and kept as a screenshot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skillreg.certificates.models import Certificate, CertificateStatus
from skillreg.certificates.verification import NOT_FOUND, qr_token
from skillreg.institutions.models import Filing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A filed demo institution of each jurisdiction, by the region filter a person would choose.
JURISDICTIONS = [
    ("CQ", "500000", "重庆机械装备集团"),
    ("WX", "500238", "巫溪县"),
    ("AH", "340100", "合肥市智能制造"),
    ("HN", "340400", "淮南矿业"),
    ("GZ", "520000", "贵州黔厨"),
]


@pytest.fixture
def demo(db):
    from skillreg.applications.demo import load_demo

    load_demo()


def test_directory_search_filters_export_and_institution_page(journey, demo):
    page = journey.page
    page.goto("/")
    journey.step("home")
    page.click("header >> text=机构名录")
    expect(page.get_by_role("heading", level=1)).to_have_text("技能人才评价机构名录")
    journey.step("directory")
    for code, region, name in JURISDICTIONS:
        page.select_option("#id_region", region)
        page.click("main form button[type=submit]")
        expect(page.locator("main table")).to_contain_text(name)
        journey.step(f"directory-{code}")
    page.goto("/directory/")
    page.fill("#id_q", "淮南")
    page.click("main form button[type=submit]")
    expect(page.locator("main table")).to_contain_text("淮南矿业")
    journey.step("search")
    with page.expect_download() as info:
        page.click("main >> text=CSV")
    body = open(info.value.path(), encoding="utf-8-sig").read()
    assert "淮南矿业" in body and "备案编码" in body
    page.click("main table tbody tr >> a >> nth=0")
    expect(page.locator("main")).to_contain_text("备案编码")
    journey.step("institution")


def test_verify_valid_revoked_wrong_rate_limited_and_qr(journey, demo, settings):
    page = journey.page
    valid = Certificate.objects.filter(status=CertificateStatus.VALID).order_by("number").first()
    revoked = Certificate.objects.filter(status=CertificateStatus.REVOKED).first()
    assert valid and revoked
    page.goto("/")
    page.click("header >> text=证书查询")
    journey.step("verify-form")

    def ask(number: str, name: str) -> None:
        page.fill("input[name=number]", number)
        page.fill("input[name=name]", name)
        page.click("main form button[type=submit]")

    ask(valid.number, valid.holder_name)
    expect(page.locator("main")).to_contain_text("有效")
    journey.step("valid")
    ask(revoked.number, revoked.holder_name)
    expect(page.locator("main")).to_contain_text("已撤销")
    journey.step("revoked")
    ask(valid.number, "不是本人")
    expect(page.locator("main")).to_contain_text(NOT_FOUND)
    journey.step("wrong")
    page.goto(f"/verify/c/{qr_token(valid.number)}/")
    expect(page.locator("main")).to_contain_text(valid.number)
    journey.step("qr")
    settings.SKILLREG_RATE_LIMITS = {**settings.SKILLREG_RATE_LIMITS, "certificate_verify": "2/60"}
    page.goto("/verify/")
    with journey.expect_status(429):
        # Fixed one-minute windows: a minute may end between two asks and start a new count, so ask until refused;
        # of six asks at 2 a minute, at least three fall in one window.
        for _ in range(6):
            ask(valid.number, valid.holder_name)
            if "频繁" in page.locator("main").inner_text():
                break
        expect(page.locator("main")).to_contain_text("频繁")
        journey.step("rate-limited")
    assert Filing.objects.exists()
