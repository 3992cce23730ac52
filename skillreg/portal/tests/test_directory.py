"""The public directory page: search, filters, pagination, messages, query budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.applications.models import State

from . import factories

pytestmark = pytest.mark.django_db

URL = "/directory/"


def names(response) -> list[str]:
    page = response.context["page"]
    return [] if page is None else [f.name for f in page.object_list]


def test_url_names():
    assert reverse("portal:directory") == URL
    assert reverse("portal:institution", args=["S023850000001"]) == "/directory/S023850000001/"
    assert reverse("portal:export", kwargs={"fmt": "csv"}) == "/directory/export.csv"
    assert reverse("portal:export", kwargs={"fmt": "xlsx"}) == "/directory/export.xlsx"


@pytest.mark.req("AH-4.3")
def test_anonymous_sees_all_public_filings(client, wuxi_filing, huainan_filing):
    response = client.get(URL)
    assert response.status_code == 200
    assert set(names(response)) == {wuxi_filing.name, huainan_filing.name}
    html = response.content.decode()
    assert "共找到 2 家评价机构" in html
    assert reverse("portal:institution", args=[wuxi_filing.code]) in html


def test_every_public_status_is_listed(client):
    statuses = ["active", "expiring", "renewal_pending", "rectifying", "wrap_up", "terminated", "cancelled"]
    for status in statuses:
        factories.make_filing(name=f"状态{status}机构", status=status)
    assert len(names(client.get(URL))) == len(statuses)


def test_applications_without_filing_are_not_listed(client, wuxi_filing):
    unit = factories.make_unit()
    factories.make_application(
        unit=unit, name="草稿中的评价机构", region_code="500238", kind="social_org", state=State.DRAFT
    )
    factories.make_application(
        unit=unit, name="审核中的评价机构", region_code="500238", kind="social_org", state=State.UNDER_EVALUATION
    )
    response = client.get(URL, {"q": "评价机构"})
    assert names(response) == []
    html = client.get(URL).content.decode()
    assert "草稿中的评价机构" not in html and "审核中的评价机构" not in html


@pytest.mark.req("AH-4.3")
def test_search_by_name_substring(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"q": "养老服务"})) == [wuxi_filing.name]
    assert names(client.get(URL, {"q": "电力"})) == [huainan_filing.name]


def test_search_by_uscc_exact(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"q": wuxi_filing.unit.uscc})) == [wuxi_filing.name]
    assert names(client.get(URL, {"q": wuxi_filing.unit.uscc.lower()})) == [wuxi_filing.name]
    assert names(client.get(URL, {"q": wuxi_filing.unit.uscc[:10]})) == []  # USCC matches only exactly


def test_search_by_filing_code_exact_and_prefix(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"q": wuxi_filing.code})) == [wuxi_filing.name]
    assert names(client.get(URL, {"q": wuxi_filing.code[:7]})) == [wuxi_filing.name]
    assert names(client.get(URL, {"q": huainan_filing.code.lower()})) == [huainan_filing.name]


def test_region_filter_includes_regions_below(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"region": "340400"})) == [huainan_filing.name]  # city finds its county
    assert names(client.get(URL, {"region": "340000"})) == [huainan_filing.name]  # province too
    assert names(client.get(URL, {"region": "340403"})) == [huainan_filing.name]
    assert names(client.get(URL, {"region": "500238"})) == [wuxi_filing.name]  # not 340400's
    assert names(client.get(URL, {"region": "340402"})) == []  # a sibling county


def test_occupation_filter(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"occupation": "4-10-01-05"})) == [wuxi_filing.name]
    assert set(names(client.get(URL, {"occupation": "6-31-01-03"}))) == {wuxi_filing.name, huainan_filing.name}


def test_kind_filter(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"kind": "employer"})) == [huainan_filing.name]
    assert names(client.get(URL, {"kind": "social_org"})) == [wuxi_filing.name]
    assert names(client.get(URL, {"kind": "school"})) == []


def test_status_filter(client, wuxi_filing):
    rectifying = factories.make_filing(name="整改中的机构", status="rectifying")
    assert names(client.get(URL, {"status": "rectifying"})) == [rectifying.name]
    assert names(client.get(URL, {"status": "active"})) == [wuxi_filing.name]


def test_filters_combine(client, wuxi_filing, huainan_filing):
    assert names(client.get(URL, {"region": "500000", "occupation": "6-31-01-03"})) == [wuxi_filing.name]
    assert names(client.get(URL, {"region": "500000", "kind": "employer"})) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "999999"}, "未找到行政区划代码“999999”"),
        ({"occupation": "9-99-99-99"}, "未找到职业（工种）编码“9-99-99-99”"),
        ({"kind": "bank"}, "机构类别“bank”无效"),
        ({"status": "draft"}, "状态“draft”无效"),
        ({"q": "长" * 101}, "查询内容过长"),
    ],
)
def test_bad_filter_value_is_a_message_not_a_500(client, wuxi_filing, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "筛选条件有误" in html
    assert wuxi_filing.name not in html


def test_no_results_message(client, wuxi_filing):
    response = client.get(URL, {"q": "不存在的机构名"})
    assert response.status_code == 200
    assert "没有找到符合条件的评价机构" in response.content.decode()


def test_empty_directory_message(client, db):
    assert "目前尚无已备案的评价机构" in client.get(URL).content.decode()


def test_pagination_20_per_page_and_links_keep_filters(client):
    for i in range(23):
        factories.make_filing(name=f"分页测试机构{i:02d}", region_code="500238")
    factories.make_filing(name="淮南不应出现", region_code="340403")
    response = client.get(URL, {"region": "500238", "q": "分页"})
    assert len(names(response)) == 20
    page = response.context["page"]
    assert page.paginator.count == 23 and page.paginator.num_pages == 2
    html = response.content.decode()
    assert "?region=500238&amp;q=%E5%88%86%E9%A1%B5&amp;page=2" in html
    second = client.get(URL, {"region": "500238", "q": "分页", "page": "2"})
    assert len(names(second)) == 3
    assert "淮南不应出现" not in names(second)
    # Export links carry the filters too, without the page.
    assert "/directory/export.csv?region=500238&amp;q=%E5%88%86%E9%A1%B5" in second.content.decode()


def test_bad_page_number_falls_back(client, wuxi_filing):
    assert names(client.get(URL, {"page": "abc"})) == [wuxi_filing.name]
    assert names(client.get(URL, {"page": "999"})) == [wuxi_filing.name]


def test_directory_page_query_budget(client, django_assert_max_num_queries):
    for i in range(20):
        factories.make_filing(
            name=f"查询次数机构{i}",
            region_code="340403" if i % 2 else "500238",
            scope={"4-10-01-05": [5], "6-31-01-03": [4]},
        )
    # 8 before the directory read the version in force; 9 since (versions + their scope, one query each).
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"region": "340000", "occupation": "6-31-01-03"})
    assert len(names(response)) == 10
    with django_assert_max_num_queries(9):
        assert len(names(client.get(URL))) == 20


def test_post_not_allowed(client, db):
    assert client.post(URL).status_code == 405
