"""The staff filing list at provincial scale (issue 16): its queries do not grow with the filings listed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillreg.portal.tests.factories import make_filing

pytestmark = pytest.mark.django_db


def _queries(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("filings:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_staff_filing_list_reads_exits_and_deadlines_in_constant_queries(client, wuxi_officer):
    client.force_login(wuxi_officer)
    made = [make_filing(name=f"列表规模机构{i}") for i in range(2)]
    _queries(client)  # warm: the session, the calendar
    two, _ = _queries(client)
    made += [make_filing(name=f"列表规模机构{i}") for i in range(2, 20)]
    twenty, html = _queries(client)
    assert all(f.code in html for f in made) and "延续申请截止" in html
    assert twenty == two
