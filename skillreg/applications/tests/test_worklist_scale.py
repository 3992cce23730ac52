"""The staff work list at provincial scale (issue 16: 100,000 cases): the count stops at a cap, the order is
indexed (migration applications/0005)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillreg.applications import services, views_staff
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


def _worklist_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("staff:worklist"), {"mine": "0"}).status_code == 200
    return len(ctx.captured_queries)


def test_the_listed_cases_clocks_cost_a_constant_number_of_queries(client, wuxi_institution, wuxi_officer):
    """Issue 16: 20 listed cases read their clocks in a few queries, not ~4 per case."""
    client.force_login(wuxi_officer)
    for i in range(2):
        app = testing.make_complete_draft(wuxi_institution, institution_name=f"时限批量机构{i}")
        services.application_submit(application=app, actor=wuxi_institution)
    two = _worklist_queries(client)
    for i in range(2, 6):
        app = testing.make_complete_draft(wuxi_institution, institution_name=f"时限批量机构{i}")
        services.application_submit(application=app, actor=wuxi_institution)
    html = client.get(reverse("staff:worklist"), {"mine": "0"}).content.decode()
    assert html.count("时限批量机构") == 6
    assert _worklist_queries(client) == two


def test_the_keyword_finds_a_name_or_number_fragment_and_the_exact_uscc(client, three_cases, wuxi_officer):
    client.force_login(wuxi_officer)
    url = reverse("staff:worklist")
    first, second = three_cases[0], three_cases[1]

    def listed(q: str) -> str:
        return client.get(url, {"mine": "0", "q": q}).content.decode()

    page = listed("计数机构1")  # a fragment from the middle of the name
    assert second.number in page and first.number not in page
    page = listed(first.number[3:].lower())  # a fragment of the number, any case
    assert first.number in page and second.number not in page
    page = listed(first.unit.uscc.lower())  # the applicant unit's USCC, exact
    assert first.number in page
    assert first.number not in listed("9" * 18)  # an 18-character keyword that is no unit's USCC


def test_postgresql_answers_the_keyword_from_trigram_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite scans (the same answer)")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'applications_application'"
            " AND indexname LIKE 'application_%%_trgm'"
        )
        defs = dict(cur.fetchall())
    assert set(defs) == {"application_name_trgm", "application_number_trgm"}
    assert all("gin" in d and "gin_trgm_ops" in d and "upper(" in d for d in defs.values())


def test_postgresql_reads_a_deep_pages_keys_from_the_covering_order_index():
    """Issue 16: the order index carries the list's filter columns, so the keys of a deep page (OFFSET in the
    thousands, core.paging) are an index-only scan."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no INCLUDE (the same plain index)")
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'application_worklist_cover'")
        (definition,) = cur.fetchone()
    assert "(submitted_at, id) INCLUDE (state, region_id, authority_id, institution_kind)" in definition


def test_a_deep_work_list_page_lists_the_same_cases_as_the_plain_offset(
    client, wuxi_institution, wuxi_officer, monkeypatch
):
    for i in range(5):
        app = testing.make_complete_draft(wuxi_institution, institution_name=f"深页机构{i}")
        services.application_submit(application=app, actor=wuxi_institution)
    client.force_login(wuxi_officer)
    monkeypatch.setattr(views_staff, "WORKLIST_PAGE_SIZE", 2)

    def listed() -> list[list[str]]:
        pages = [client.get(reverse("staff:worklist"), {"mine": "0", "page": n}).content.decode() for n in (1, 2, 3)]
        return [re.findall(r"深页机构\d", html) for html in pages]

    monkeypatch.setattr(CappedPaginator, "deferred_from", 10_000)
    plain = listed()
    monkeypatch.setattr(CappedPaginator, "deferred_from", 0)
    assert listed() == plain
    assert [len(p) for p in plain] == [2, 2, 1] and len({c for p in plain for c in p}) == 5
