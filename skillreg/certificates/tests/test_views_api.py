"""Pages and API: who sees what (out of scope = 404), upload → job page → errors, template, bulk JSON API."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate, ImportJob

from .conftest import good_row, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def certs(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in (1, 2)]
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    return rows


def login(client, user):
    client.force_login(user)
    return client


def test_pages_for_the_institution_mask_the_id(client, certs, wuxi_institution):
    c = login(client, wuxi_institution)
    html = c.get(reverse("certificates:list")).content.decode()
    assert certs[0]["number"] in html and certs[0]["id_number"] not in html and "********" in html
    detail = c.get(reverse("certificates:detail", args=[certs[0]["number"]])).content.decode()
    assert "/verify/c/" in detail and certs[0]["id_number"] not in detail
    for name in ("batches", "imports", "statistics"):
        assert c.get(reverse(f"certificates:{name}")).status_code == 200
    export = b"".join(c.get(reverse("certificates:export")).streaming_content).decode("utf-8-sig")
    assert certs[0]["number"] in export and certs[0]["id_number"] not in export


def test_search_by_id_number_uses_the_blind_index(client, certs, wuxi_officer):
    c = login(client, wuxi_officer)
    html = c.get(reverse("certificates:list"), {"q": certs[1]["id_number"]}).content.decode()
    assert certs[1]["number"] in html and certs[0]["number"] not in html


def test_out_of_scope_is_404(client, certs, other_institution, guizhou_officer, expert, cq_centre_officer):
    url = reverse("certificates:detail", args=[certs[0]["number"]])
    for user in (other_institution, guizhou_officer):
        c = login(client, user)
        assert c.get(url).status_code == 404
        assert certs[0]["number"] not in c.get(reverse("certificates:list")).content.decode()
    assert login(client, expert).get(reverse("certificates:list")).status_code == 404
    assert login(client, cq_centre_officer).get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_revoke_through_the_page(client, certs, wuxi_institution, other_institution):
    url = reverse("certificates:revoke", args=[certs[0]["number"]])
    assert login(client, other_institution).post(url, {"reason": "x"}).status_code == 404
    login(client, wuxi_institution).post(url, {"reason": "证书信息有误"})
    assert Certificate.objects.get(number=certs[0]["number"]).status == "revoked"


def test_upload_page_runs_a_small_file_inline_and_offers_the_error_workbook(
    client, cert_filing, batch, wuxi_institution
):
    rows = [good_row(cert_filing, 1), good_row(cert_filing, 2, level=6)]
    c = login(client, wuxi_institution)
    data = io.BytesIO(to_csv(rows))
    data.name = "证书.csv"
    response = c.post(reverse("certificates:imports"), {"file": data, "mode": "all_or_nothing"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("certificates:import", args=[job.public_id])
    page = c.get(response.url).content.decode()
    assert "未导入任何数据" in page and "等级应为1–5" in page and "LEVEL_INVALID" not in page  # no codes (issue 11)
    progress = c.get(reverse("certificates:import_progress", args=[job.public_id])).json()
    assert progress["finished"] and progress["rows_invalid"] == 1 and progress["status"] == "rejected"
    errors = c.get(reverse("certificates:import_errors", args=[job.public_id]))
    wb = load_workbook(io.BytesIO(b"".join(errors.streaming_content)), read_only=True)
    line = list(wb.worksheets[0].iter_rows(values_only=True))[1]
    assert line[:2] == (3, "等级") and "等级应为1–5" in line[2]  # the reason in Chinese, no code (issue 11)
    other = client
    other.force_login(cert_filing.unit.users.first())
    assert other.get(reverse("certificates:import_errors", args=[job.public_id])).status_code == 200


def test_job_pages_are_scoped(client, cert_filing, batch, wuxi_institution, other_institution):
    job, _ = certificates_report(
        filing=cert_filing, actor=wuxi_institution, items=[good_row(cert_filing, 1)], mode="valid_only"
    )
    c = login(client, other_institution)
    assert c.get(reverse("certificates:import", args=[job.public_id])).status_code == 404
    assert c.get(reverse("certificates:import_progress", args=[job.public_id])).status_code == 404


def test_large_uploads_go_to_the_task_queue(client, cert_filing, batch, wuxi_institution, settings):
    from huey.contrib.djhuey import HUEY

    settings.SKILLREG_CERT_IMPORT_INLINE_BYTES = 10
    HUEY.immediate = True
    try:
        data = io.BytesIO(to_csv([good_row(cert_filing, 1)]))
        data.name = "证书.csv"
        login(client, wuxi_institution).post(reverse("certificates:imports"), {"file": data, "mode": "valid_only"})
    finally:
        HUEY.immediate = False
    assert ImportJob.objects.get().status == "done"


def test_the_template_keeps_the_id_column_as_text(client, wuxi_institution):
    c = login(client, wuxi_institution)
    response = c.get(reverse("certificates:template", args=["xlsx"]))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["证书数据"]
    header = [cell.value for cell in ws[1]]
    col = header.index("*证件号码") + 1
    assert ws.cell(row=2, column=col).number_format == "@"
    assert "填写说明" in wb.sheetnames
    csv_text = c.get(reverse("certificates:template", args=["csv"])).content.decode("utf-8-sig")
    assert csv_text.startswith("证书编号,姓名,证件类型,证件号码")


def test_bulk_api_answers_item_by_item_with_stable_codes(
    client, cert_filing, batch, wuxi_institution, other_institution
):
    url = "/api/v1/certificates/report"
    items = [
        good_row(cert_filing, 1),
        good_row(cert_filing, 2, level=6),
        good_row(cert_filing, 3, id_number="1.10105E+17"),
    ]
    c = login(client, wuxi_institution)
    body = c.post(url, json.dumps({"mode": "valid_only", "items": items}), content_type="application/json").json()
    assert body["status"] == "partial" and (body["rows_created"], body["rows_invalid"]) == (1, 2)
    assert [r["status"] for r in body["results"]] == ["created", "invalid", "invalid"]
    assert body["results"][1]["errors"][0] | {"message": ""} == {
        "field": "level",
        "column": "等级",
        "code": "LEVEL_INVALID",
        "message": "",
    }
    assert body["results"][2]["errors"][0]["code"] == "ID_SCIENTIFIC_NOTATION"
    again = c.post(
        url,
        json.dumps({"items": items[:1] + [good_row(cert_filing, 4), good_row(cert_filing, 5, level=6)]}),
        content_type="application/json",
    ).json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "not_imported", "invalid"]
    assert again["status"] == "rejected" and Certificate.objects.count() == 1
    detail = c.get(f"/api/v1/certificates/{items[0]['number']}").json()
    assert detail["holder_id_masked"].count("*") == 8 and detail["batch_number"] == "PJ-2026-001"
    other = login(client, other_institution)
    assert other.get(f"/api/v1/certificates/{items[0]['number']}").json()["code"] == "CERT_NOT_FOUND"
    assert (
        other.post(
            url, json.dumps({"filing": cert_filing.code, "items": items}), content_type="application/json"
        ).status_code
        == 404
    )


def test_api_revoke_and_check_number(client, certs, wuxi_institution):
    c = login(client, wuxi_institution)
    r = c.post(
        f"/api/v1/certificates/{certs[0]['number']}/revoke", {"reason": "重复发证"}, content_type="application/json"
    )
    assert r.json()["status"] == "revoked"
    again = c.post(
        f"/api/v1/certificates/{certs[0]['number']}/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "CERT_ALREADY_REVOKED"
    client.logout()
    assert client.get("/api/v1/certificates/check-number/S023850000001266000001").json()["code"] == "CERT_NUMBER_LEVEL"
    assert client.get(f"/api/v1/certificates/check-number/{certs[0]['number']}").json()["valid"] is True
