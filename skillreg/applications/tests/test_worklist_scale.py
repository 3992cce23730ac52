"""The staff work list at provincial scale (issue 16: 100,000 cases): the count stops at a cap, the order is
indexed (migration applications/0005)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillreg.applications import services
from skillreg.core import testing
from skillreg.core.paging import CappedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cases(wuxi_institution):
    out = []
    for i in range(3):
        app = testing.make_complete_draft(wuxi_institution, institution_name=f"封顶计数机构{i}")
        services.application_submit(application=app, actor=wuxi_institution)
        out.append(app)
    return out


def test_the_work_list_counts_up_to_the_cap(client, three_cases, wuxi_officer, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    client.force_login(wuxi_officer)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("staff:worklist"), {"mine": "0"}).content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert any("LIMIT 3" in sql for sql in counts)
    assert "超过 2 件，请用筛选缩小范围" in html
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    assert "共 3 件" in client.get(reverse("staff:worklist"), {"mine": "0"}).content.decode()
