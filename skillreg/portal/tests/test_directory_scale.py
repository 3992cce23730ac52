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


# -- the whole anonymous page kept by data version (issue 16: the directory at 10,000 institutions) ----------------
def test_a_repeated_anonymous_page_costs_one_query_and_is_the_same_page(client, settings):
    settings.SKILLREG_DIRECTORY_VERSION_SECONDS = 0  # read the data version on every request
    factories.make_filing(name="整页缓存机构甲")
    first = client.get(URL, {"page": "1"})
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(URL, {"page": "1"})
    assert again.status_code == 200
    assert again.content == first.content
    assert len(ctx.captured_queries) == 1  # the data version; no count or page query …
    assert first.templates and again.templates == []  # … and no template rendered: the kept page itself
    assert again["Cache-Control"] == first["Cache-Control"] == "public, max-age=60"
    assert not again.cookies and "Cookie" not in again.get("Vary", "")


def test_the_kept_page_is_sent_gzipped_to_a_client_that_accepts_it(client):
    import gzip

    factories.make_filing(name="整页缓存机构乙")
    plain = client.get(URL).content
    zipped = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain
    assert client.get(URL).content == plain  # and plain again to one that does not


def test_a_page_rendered_for_a_browser_with_a_csrf_cookie_is_not_shared(client):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    def secret(html: str) -> str:
        meta = re.search(r'name="csrf-token" content="([^"]+)"', html)
        assert meta is not None
        return _unmask_cipher_token(meta.group(1))

    factories.make_filing(name="整页缓存机构丙")
    held = "A" * 32
    client.cookies["csrftoken"] = held
    assert secret(client.get(URL).content.decode()) == held  # this browser's page carries its own secret …
    first = Client().get(URL)
    assert first.templates  # … was not kept: the next browser's page is rendered for it,
    assert secret(first.content.decode()) != held
    again = Client().get(URL)
    assert again.templates == [] and again.content == first.content  # and that one (no cookie) is kept


def test_the_kept_page_follows_a_new_filing_and_is_never_shown_when_signed_in(client, wuxi_officer):
    factories.make_filing(name="整页缓存机构丁")
    client.get(URL)
    factories.make_filing(name="整页缓存机构戊")
    assert "整页缓存机构戊" in client.get(URL).content.decode()
    client.force_login(wuxi_officer)
    html = client.get(URL).content.decode()
    assert "退出" in html  # the signed-in header, not the anonymous page kept above


def test_an_invalid_query_is_not_kept(client):
    factories.make_filing(name="整页缓存机构己")
    assert client.get(URL, {"kind": "nonsense"}).status_code == 400
    assert client.get(URL, {"kind": "nonsense"}).status_code == 400


def test_within_a_second_the_version_is_not_read_again_and_other_writers_show_after_it(client, settings):
    settings.SKILLREG_DIRECTORY_VERSION_SECONDS = 60
    tpl = factories.make_filing(name="版本缓存机构甲")
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert "版本缓存机构甲" in client.get(URL).content.decode()
    assert ctx.captured_queries == []
    # Another node's write (an update plus a new row, without this process's signals).
    from skillreg.institutions.models import FilingScope
    from skillreg.occupations.models import Occupation

    Filing.objects.filter(pk=tpl.pk).update(name="版本缓存机构乙")
    scope = FilingScope.objects.filter(filing=tpl).first()
    scope.pk, scope.occupation = None, Occupation.objects.exclude(pk=scope.occupation_id).first()
    FilingScope.objects.bulk_create([scope])
    assert "版本缓存机构乙" not in client.get(URL).content.decode()  # not seen within the second …
    settings.SKILLREG_DIRECTORY_VERSION_SECONDS = 0  # … the second has passed
    assert "版本缓存机构乙" in client.get(URL).content.decode()
