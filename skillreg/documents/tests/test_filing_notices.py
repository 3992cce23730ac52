"""Notices of the filing process (issue 15 item 4): supplement, acceptance, refusal and filing notices with the
authority's name, a 文号 and the date, as PDF and DOCX; only the applicant and staff in scope reach them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import transaction

from skillreg.accounts.models import Authority
from skillreg.applications.services import application_accept, application_submit, supplement_request
from skillreg.core import testing
from skillreg.documents.filing_notices import clean_doc_number, filing_notices
from skillreg.institutions.services import filing_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(wuxi_institution, wuxi_officer):
    application = testing.make_complete_draft(wuxi_institution)
    application_submit(application=application, actor=wuxi_institution)
    supplement_request(application=application, actor=wuxi_officer, items=["营业执照副本", "场地租赁合同"])
    return application


def test_supplement_and_acceptance_and_filing_notices(case, wuxi_institution, wuxi_officer):
    kinds = [n.kind for n in filing_notices(case)]
    assert kinds == ["supplement"]
    notice = filing_notices(case)[0]
    assert notice.items == ["营业执照副本", "场地租赁合同"] and notice.authority == wuxi_officer.authority.name
    application = testing.make_complete_draft(wuxi_institution, occupations=[("6-31-01-03", [5])])
    application_submit(application=application, actor=wuxi_institution)
    application_accept(application=application, actor=wuxi_officer)
    with transaction.atomic():
        filing_create(
            application=application, authority=Authority.objects.get(code="hrss-500238"), actor=wuxi_officer,
            copy_to_province=False,
        )  # fmt: skip
    assert "acceptance" in [n.kind for n in filing_notices(application)]


def test_staff_download_with_a_doc_number_and_others_get_404(
    client, case, wuxi_officer, guizhou_officer, other_institution
):
    assert clean_doc_number("溪人社〔2026〕12号") == "溪人社〔2026〕12号"
    assert clean_doc_number("<script>") is None
    client.force_login(wuxi_officer)
    page = client.get(f"/documents/notices/{case.public_id}/").content.decode()
    assert "补正通知书" in page
    key = filing_notices(case)[0].key
    r = client.get(f"/documents/notices/{case.public_id}/{key}.docx", {"doc_number": "溪人社〔2026〕12号"})
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "溪人社〔2026〕12号" in xml and "营业执照副本" in xml and wuxi_officer.authority.name in xml
    assert 'w:eastAsia="宋体"' in xml
    r = client.get(f"/documents/notices/{case.public_id}/{key}.pdf")
    assert r.content.startswith(b"%PDF") and b"FontFile2" in r.content
    assert client.get(f"/documents/notices/{case.public_id}/{key}.pdf", {"doc_number": "<x>"}).status_code == 422
    for user in (guizhou_officer, other_institution):
        client.force_login(user)
        assert client.get(f"/documents/notices/{case.public_id}/").status_code == 404
        assert client.get(f"/documents/notices/{case.public_id}/{key}.pdf").status_code == 404
