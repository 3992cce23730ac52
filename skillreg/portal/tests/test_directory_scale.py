"""The directory at provincial scale (issue 16, item 6): later pages in two steps, cached suggestions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skillreg.institutions.models import Filing

from . import factories

pytestmark = pytest.mark.django_db

URL = "/directory/"


def names(response) -> list[str]:
    return [f.name for f in response.context["page"].object_list]


def test_later_pages_keep_the_directory_order(client):
    for i in range(45):
        factories.make_filing(name=f"分页机构{i:02d}", filed_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 7))
    expected = list(Filing.objects.order_by("-filed_on", "code").values_list("name", flat=True))
    responses = [client.get(URL, {"page": p}) for p in (1, 2, 3)]
    assert [n for r in responses for n in names(r)] == expected
    page3 = responses[2]
    assert "第 3/3 页" in page3.content.decode()
    assert all(f.scope.all() for f in page3.context["page"].object_list)  # the prefetch still applies


def test_later_page_reads_ids_from_the_filing_table_alone(client):
    for i in range(25):
        factories.make_filing(name=f"两步机构{i:02d}")
    with CaptureQueriesContext(connection) as ctx:
        assert len(names(client.get(URL, {"page": 2}))) == 5
    id_queries = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "institutions_filing"."id" AS "pk" FROM')
    ]
    assert len(id_queries) == 1
    assert "JOIN" not in id_queries[0]


def test_occupation_suggestions_are_not_recomputed_on_every_request(client):
    factories.make_filing(name="建议缓存机构", scope={"4-10-01-05": [5]})
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL).content.decode()
    assert '<option value="4-10-01-05">' in html
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "occupations_occupation"')]


def test_occupation_suggestions_follow_a_new_filing(client):
    factories.make_filing(name="建议缓存机构甲", scope={"4-10-01-05": [5]})
    assert '<option value="6-31-01-03">' not in client.get(URL).content.decode()
    factories.make_filing(name="建议缓存机构乙", scope={"6-31-01-03": [4]})
    assert '<option value="6-31-01-03">' in client.get(URL).content.decode()


def filing_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "institutions_filing"' in q["sql"]]


def test_a_repeated_page_is_served_from_the_cached_result_list(client):
    factories.make_filing(name="结果缓存机构甲")
    first = client.get(URL, {"kind": "", "page": "1"}).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(URL, {"page": "1", "kind": ""}).content.decode()  # same query, other order
    assert again.split("</datalist>")[1] == first.split("</datalist>")[1]  # the page's head has a fresh CSRF mask
    assert "结果缓存机构甲" in again
    assert filing_queries(ctx) == []


def test_the_cached_result_list_follows_a_new_filing(client):
    factories.make_filing(name="结果缓存机构甲")
    assert "结果缓存机构乙" not in client.get(URL).content.decode()
    factories.make_filing(name="结果缓存机构乙")
    html = client.get(URL).content.decode()
    assert "结果缓存机构乙" in html
    assert "共找到 2 家评价机构" in html


def test_the_cached_result_list_follows_the_day(client):
    factories.make_filing(name="结果缓存机构甲")
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        client.get(URL)
    with (
        time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        client.get(URL)
    assert filing_queries(ctx)


@pytest.mark.parametrize("data", [{}, {"region": "500238", "kind": "social_org", "status": "active"}, {"region": "x"}])
def test_fast_selects_render_what_djangos_widget_renders(data):
    from django import forms as django_forms

    from skillreg.portal.forms import DirectoryFilterForm

    form = DirectoryFilterForm(data)
    form.is_valid()
    for name in ("region", "kind", "status"):
        fast = str(form[name])
        assert "<option" in fast
        form.fields[name].widget = django_forms.Select(choices=form.fields[name].choices)
        slow = re.sub(r">\s+<", "><", str(form[name]).strip())
        fast_tag, fast_rest = fast.split(">", 1)
        slow_tag, slow_rest = slow.split(">", 1)
        assert sorted(fast_tag.split()) == sorted(slow_tag.split())  # the same attributes (order aside)
        assert fast_rest == slow_rest


def test_region_choices_are_read_once_per_process(client, db):
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "regions_region"."id"')]


def test_region_choices_follow_a_new_region(client, db):
    from skillreg.regions.models import Region

    client.get(URL)
    parent = Region.objects.get(code="500000")
    Region.objects.create(code="500999", name="测试新区", level="county", parent=parent, path=f"{parent.path}/500999")
    assert "测试新区" in client.get(URL).content.decode()
