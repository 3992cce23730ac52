"""The public institution page: the filed facts, the scope table, no personal data."""

from __future__ import annotations

import pytest

from . import factories

pytestmark = pytest.mark.django_db


def test_institution_page_shows_public_facts(client, wuxi_filing):
    response = client.get(f"/directory/{wuxi_filing.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        wuxi_filing.name,
        wuxi_filing.code,
        "社会培训评价组织",
        "职业技能等级认定",
        wuxi_filing.address,
        "重庆市巫溪县",
        "巫溪县人力资源和社会保障局",
        "2025-03-03",
        "2028-03-02",
        "有效",
        "巫溪县范围内",
        "养老护理员",
        "电工",
        "五级/初级工",
        "一级/高级技师",
    ]:
        assert text in html, text
    rows = {r.occupation_code: r.marks for r in response.context["scope_rows"]}
    assert rows == {"4-10-01-05": [True, True, True, False, False], "6-31-01-03": [True, True, False, False, False]}


def test_institution_page_has_no_personal_data(client, wuxi_filing):
    html = client.get(f"/directory/{wuxi_filing.code}/").content.decode()
    for secret in [
        factories.LEGAL_REP_ID_NUMBER,
        factories.LEGAL_REP_PHONE,
        factories.HEAD_PHONE,
        factories.LEGAL_REP_NAME,
        factories.HEAD_NAME,
        "110105194912310021",
    ]:
        assert secret not in html


def test_region_full_name_of_a_county_in_a_city(client, huainan_filing):
    html = client.get(f"/directory/{huainan_filing.code}/").content.decode()
    assert "安徽省淮南市田家庵区" in html
    assert "淮南市人力资源和社会保障局" in html


@pytest.mark.parametrize("status", ["rectifying", "cancelled"])
def test_not_active_status_is_explained(client, status):
    filing = factories.make_filing(status=status)
    html = client.get(f"/directory/{filing.code}/").content.decode()
    assert "不得开展评价活动" in html


def test_unknown_code_is_404(client, db):
    assert client.get("/directory/S000000000000/").status_code == 404


def test_institution_page_query_budget(client, wuxi_filing, django_assert_max_num_queries):
    # 4 for the filing itself + 5 for its dated history (versions, their scope, status changes, exits,
    # rectifications — institutions.selectors.filing_timeline), whatever the number of versions.
    with django_assert_max_num_queries(9):
        assert client.get(f"/directory/{wuxi_filing.code}/").status_code == 200
