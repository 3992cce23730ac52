"""The institution's certificate CSV export carries the occupation's catalogue code (issue 11, major 6)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from skillreg.certificates.imports import certificates_report

from .conftest import good_row

pytestmark = pytest.mark.django_db


def test_export_shows_the_occupation_code_not_its_database_id(client, cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in (1, 2)]
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    client.force_login(wuxi_institution)
    body = b"".join(client.get(reverse("certificates:export")).streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    col = table[0].index("职业编码")
    codes = {r[col] for r in table[1:]}
    assert codes == {rows[0]["occupation_code"]}, codes
    assert all(c.count("-") == 3 for c in codes)
