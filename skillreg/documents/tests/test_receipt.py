"""The filing receipt (回执): content (CQ-12), embedded CJK font, HTML page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from skillreg.documents.errors import FontMissing
from skillreg.documents.receipt import receipt_data, render_receipt_pdf
from skillreg.portal.tests import factories

pytestmark = pytest.mark.django_db


def pdf_fonts(reader: PdfReader) -> list[Any]:
    """Every font dictionary used on every page, with descendants of Type0 fonts."""
    fonts = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            fonts.append(font)
            for desc in font.get("/DescendantFonts", []):
                fonts.append(desc.get_object())
    return fonts


def test_url_names(db):
    assert reverse("documents:receipt", args=["S023850000001"]) == "/documents/receipt/S023850000001/"
    assert reverse("documents:receipt_pdf", args=["S023850000001"]) == "/documents/receipt/S023850000001.pdf"


@pytest.mark.req("CQ-12")
def test_receipt_pdf_content_and_embedded_font(client, filing, own_user):
    client.force_login(own_user)
    response = client.get(f"/documents/receipt/{filing.code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'inline; filename="receipt-{filing.code}.pdf"')
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in [
        "技能人才评价机构备案回执",
        filing.code,
        filing.name,
        filing.address,
        "养老护理员",
        "4-10-01-05",
        "电工",
        "初级工",
        "高级技师",
        filing.unit.name,
        filing.unit.uscc,
        "职业技能等级认定",
        "2025年3月3日",
        "2028年3月2日",
        "巫溪县人力资源和社会保障局",
        "向社会公布",
    ]:
        assert expected in text, expected
    fonts = pdf_fonts(reader)
    assert fonts
    descriptors = [f["/FontDescriptor"].get_object() for f in fonts if "/FontDescriptor" in f]
    assert descriptors, "no font descriptor: a built-in, non-embedded font was used"
    assert all("/FontFile2" in d for d in descriptors)
    # Every simple font carries a descriptor: no bare Type1 base-14 font (Helvetica) slipped in.
    assert all("/FontDescriptor" in f for f in fonts if f.get("/Subtype") != "/Type0")
    assert reader.metadata.title == f"技能人才评价机构备案回执（{filing.code}）"


def test_receipt_pdf_has_no_personal_data(filing):
    reader = PdfReader(io.BytesIO(render_receipt_pdf(receipt_data(filing))))
    text = "".join(page.extract_text() for page in reader.pages)
    for secret in [factories.LEGAL_REP_ID_NUMBER, factories.LEGAL_REP_PHONE, factories.HEAD_PHONE, factories.HEAD_NAME]:
        assert secret not in text


def test_receipt_renders_a_long_scope_over_pages(db):
    from skillreg.occupations.models import Occupation

    codes = list(Occupation.objects.values_list("code", flat=True))
    filing = factories.make_filing(name="<特殊&字符>评价中心", scope={c: [5, 4, 3, 2, 1] for c in codes})
    reader = PdfReader(io.BytesIO(render_receipt_pdf(receipt_data(filing))))
    assert "<特殊&字符>评价中心" in "".join(p.extract_text() for p in reader.pages)


def test_cancelled_filing_receipt_says_so(filing):
    filing.status = "cancelled"
    reader = PdfReader(io.BytesIO(render_receipt_pdf(receipt_data(filing))))
    assert "已注销" in "".join(p.extract_text() for p in reader.pages)


def test_font_missing_is_a_clear_error(filing, settings):
    settings.SKILLREG_PDF_FONT_CANDIDATES = ["/nonexistent/font.ttc"]
    with pytest.raises(FontMissing) as exc:
        render_receipt_pdf(receipt_data(filing))
    assert "fonts-wqy-microhei" in exc.value.message
    assert "/nonexistent/font.ttc" in exc.value.message


def test_font_missing_page_is_503_with_message(client, filing, own_user, settings):
    settings.SKILLREG_PDF_FONT_CANDIDATES = []
    client.force_login(own_user)
    response = client.get(f"/documents/receipt/{filing.code}.pdf")
    assert response.status_code == 503
    html = response.content.decode()
    assert "中文字体" in html
    assert "/usr/share/fonts" not in html  # server paths only for admins


@pytest.mark.req("CQ-12")
def test_receipt_html_page(client, filing, own_user):
    client.force_login(own_user)
    response = client.get(f"/documents/receipt/{filing.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "技能人才评价机构备案回执",
        filing.code,
        filing.name,
        filing.address,
        "养老护理员",
        "三级/高级工",
        filing.unit.uscc,
        "2025年3月3日",
        "2028年3月2日",
        "巫溪县人力资源和社会保障局",
        "向社会公布",
        f"/documents/receipt/{filing.code}.pdf",
    ]:
        assert expected in html, expected
    for secret in [factories.LEGAL_REP_ID_NUMBER, factories.LEGAL_REP_PHONE, factories.HEAD_PHONE]:
        assert secret not in html


def test_receipt_pdf_is_dated_the_filing_day_and_reproducible(filing):
    """Not reportlab's invariant 2000-01-01 (issue 11); the same filing gives the same bytes."""
    data = receipt_data(filing)
    first = render_receipt_pdf(data)
    info = PdfReader(io.BytesIO(first)).metadata
    assert info is not None and info.creation_date is not None
    assert info.creation_date.date() == data.filed_on
    assert render_receipt_pdf(data) == first
