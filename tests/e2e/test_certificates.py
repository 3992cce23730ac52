"""Certificates in a real browser: the public finds the verification page from the home page and gets the masked
answer (valid, revoked, and the uniform “not found”); the institution finds its certificates in the navigation."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from skillreg.accounts.models import Authority
from skillreg.certificates.demo import PER_BATCH, load_demo_certificates
from skillreg.certificates.models import Certificate, CertificateStatus
from skillreg.certificates.verification import NOT_FOUND, mask_name
from skillreg.core import testing
from skillreg.institutions.services import filing_create

from .helpers import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def certificates(wuxi_institution, wuxi_officer):
    application = testing.make_complete_draft(wuxi_institution, occupations=[("4-10-01-05", [5, 4])])
    with transaction.atomic():
        filing_create(
            application=application,
            authority=Authority.objects.get(code="hrss-500238"),
            actor=wuxi_officer,
            copy_to_province=False,
        )
    load_demo_certificates([wuxi_institution.username])
    valid = Certificate.objects.filter(status=CertificateStatus.VALID).order_by("number").first()
    revoked = Certificate.objects.get(status=CertificateStatus.REVOKED)
    return valid, revoked


def ask(page, number: str, name: str) -> None:
    page.fill("input[name=number]", number)
    page.fill("input[name=name]", name)
    page.click("main form button[type=submit]")


def test_the_public_verifies_a_certificate_from_the_home_page(page, screenshot, certificates):
    valid, revoked = certificates
    page.goto("/")
    page.click("text=职业技能等级证书查询")
    expect(page.get_by_role("heading", level=1)).to_have_text("职业技能等级证书查询")

    ask(page, valid.number, valid.holder_name)
    answer = page.locator("main")
    expect(answer).to_contain_text(valid.number)
    expect(answer).to_contain_text(mask_name(valid.holder_name))
    expect(answer).to_contain_text("养老护理员")
    expect(answer).not_to_contain_text(valid.holder_name)  # the name itself is never shown
    screenshot("valid")

    ask(page, revoked.number, revoked.holder_name)
    expect(page.locator("main")).to_contain_text("已撤销")
    screenshot("revoked")

    ask(page, valid.number, "不是本人")
    expect(page.locator("main")).to_contain_text(NOT_FOUND)
    expect(page.locator("main")).not_to_contain_text(f"证书编号 {valid.number}")


def test_the_institution_finds_its_certificates_in_the_navigation(page, screenshot, certificates, wuxi_institution):
    login(page, wuxi_institution.username)
    page.click("header nav >> text=证书管理")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(PER_BATCH)
    expect(page.locator("main")).to_contain_text(certificates[0].number)
    screenshot("list")
