"""The error workbook (issue 11): one name ending once in .xlsx, the reason in Chinese without codes, and the
row as uploaded (ID number masked)."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skillreg.certificates.models import ImportJob
from skillreg.certificates.views_imports import error_workbook_name

from .conftest import good_row, to_xlsx

pytestmark = pytest.mark.django_db


def test_the_name_has_one_extension():
    assert error_workbook_name("证书.xlsx", "x") == "错误清单-证书.xlsx"
    assert error_workbook_name("2026年证书.csv", "x") == "错误清单-2026年证书.xlsx"
    assert error_workbook_name("", "abc") == "错误清单-abc.xlsx"


def test_the_workbook_carries_the_original_row_and_no_codes(client, cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, 1), good_row(cert_filing, 2, level=6)]
    client.force_login(wuxi_institution)
    data = io.BytesIO(to_xlsx(rows))
    data.name = "证书.xlsx"
    client.post(reverse("certificates:imports"), {"file": data, "mode": "all_or_nothing"})
    job = ImportJob.objects.get()
    response = client.get(reverse("certificates:import_errors", args=[job.public_id]))
    disposition = unquote(response["Content-Disposition"])
    assert "错误清单-证书.xlsx" in disposition and ".xlsx.xlsx" not in disposition
    sheet = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].values)
    header, line = sheet[0], sheet[1]
    assert header[:3] == ("行号", "出错的列", "错误说明") and "原证书编号" in header and "原姓名" in header
    assert "LEVEL_INVALID" not in [str(v) for row in sheet for v in row]
    by_header = dict(zip(header, line, strict=True))
    assert by_header["原证书编号"] == rows[1]["number"]
    assert by_header["原姓名"] == rows[1]["holder_name"]
    assert str(by_header["原等级"]) == str(rows[1]["level"])
    masked = by_header["原证件号码"]
    assert masked.startswith(rows[1]["id_number"][:6]) and rows[1]["id_number"] not in masked
