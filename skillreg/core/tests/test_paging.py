"""``core.paging.CappedPaginator``: deep pages read by their keys first (a deferred join, issue 16) give exactly
the rows, in the order, of the plain ``OFFSET`` query — at page boundaries, on the last page, with orphans, with
ties in the ordering, past the end and on an empty list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skillreg.core.paging import CappedPaginator
from skillreg.regions.models import Region

pytestmark = pytest.mark.django_db


def _deep(rows: Any, per_page: int, **kw: Any) -> CappedPaginator:
    p = CappedPaginator(rows, per_page, **kw)
    p.deferred_from = 0  # every page through the deferred join
    return p


def _pages(p: Paginator) -> list[list[int]]:
    return [[r.pk for r in p.page(n)] for n in p.page_range]


@pytest.fixture
def regions() -> Any:
    top = Region.objects.create(code="990000", name="分页测试省", level="province", path="990000")
    Region.objects.bulk_create(
        Region(code=f"99{i:04d}", name=f"分页测试县{i}", level="county", parent=top, path=f"990000/99{i:04d}")
        for i in range(1, 48)
    )
    rows = Region.objects.select_related("parent")
    assert rows.count() >= 70  # with the seeded divisions
    return rows


@pytest.mark.parametrize("per_page,orphans", [(7, 0), (10, 0), (10, 3), (1, 0)])
def test_every_page_is_the_plain_offset_page(regions, per_page, orphans):
    ordered = regions.order_by("level", "code")  # ties in the first key, total with the second
    plain = _pages(Paginator(ordered, per_page, orphans=orphans))
    assert _pages(_deep(ordered, per_page, orphans=orphans)) == plain
    assert sorted(pk for page in plain for pk in page) == sorted(ordered.values_list("pk", flat=True))


def test_boundaries_and_the_last_page(regions):
    ordered = regions.order_by("-code")
    total = ordered.count()
    p = _deep(ordered, 10)
    last = p.page(p.num_pages)
    assert [r.pk for r in last] == list(ordered.values_list("pk", flat=True)[(p.num_pages - 1) * 10 : total])
    assert last.end_index() == total and not last.has_next()
    second = p.page(2)
    assert second.start_index() == 11 and [r.code for r in second] == [r.code for r in ordered[10:20]]
    with pytest.raises(EmptyPage):
        p.page(p.num_pages + 1)
    assert p.get_page(p.num_pages + 5).number == p.num_pages  # get_page clamps as before


def test_orphans_fold_into_the_last_page(regions):
    ordered = regions.order_by("code")
    total = ordered.count()
    per_page = 10
    orphans = total % per_page or per_page  # the last (partial or full) page folds into the one before
    p = _deep(ordered, per_page, orphans=orphans)
    plain = Paginator(ordered, per_page, orphans=orphans)
    assert p.num_pages == plain.num_pages
    assert [r.pk for r in p.page(p.num_pages)] == [r.pk for r in plain.page(plain.num_pages)]


def test_ties_only_keep_the_keys_order(regions):
    """With an order that has only ties, the page holds the rows of its keys, in the keys' order."""
    ordered = regions.order_by("level")
    p = _deep(ordered, 10)
    with CaptureQueriesContext(connection) as ctx:
        page = p.page(2)
        rows = list(page)
    keys = list(ordered.values_list("pk", flat=True)[10:20])
    assert [r.pk for r in rows] == keys
    assert all(r.parent_id is None or r.parent.code for r in rows)  # select_related kept: no query per row
    assert len(ctx.captured_queries) <= 3  # count, keys, rows


def test_an_empty_list_and_a_plain_list(regions):
    empty = _deep(regions.filter(code="no such"), 10)
    page = empty.page(1)
    assert list(page) == [] and empty.count == 0 and empty.num_pages == 1
    listed = _deep(list(range(25)), 10)  # not a queryset: sliced as Django does
    assert list(listed.page(3)) == [20, 21, 22, 23, 24]


def test_the_first_pages_stay_one_query(regions):
    p = CappedPaginator(regions.order_by("code"), 10)
    assert p.count  # counted beforehand
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(p.page(2))) == 10
    assert len(ctx.captured_queries) == 1


def test_the_deep_page_reads_its_keys_then_its_rows(regions, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "deferred_from", 10)
    p = CappedPaginator(regions.order_by("code"), 10)
    assert p.count
    with CaptureQueriesContext(connection) as ctx:
        rows = list(p.page(3))
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2
    assert "OFFSET 20" in sqls[0] and "parent" not in sqls[0].split("FROM")[0]  # keys only
    assert "OFFSET" not in sqls[1] and " IN (" in sqls[1]
    assert [r.code for r in rows] == [r.code for r in regions.order_by("code")[20:30]]
