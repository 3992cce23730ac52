"""The public directory API at /api/v1/directory/."""

from __future__ import annotations

import pytest

from . import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/directory/"


def test_list_is_public_and_paginated(client):
    for i in range(21):
        factories.make_filing(name=f"接口机构{i:02d}")
    data = client.get(BASE).json()
    assert data["count"] == 21 and data["num_pages"] == 2 and data["page_size"] == 20 and data["page"] == 1
    assert len(data["results"]) == 20
    second = client.get(BASE, {"page": 2}).json()
    assert len(second["results"]) == 1


def test_list_filters_and_search(client, wuxi_filing, huainan_filing):
    codes = lambda params: [r["code"] for r in client.get(BASE, params).json()["results"]]  # noqa: E731
    assert codes({"region": "340400"}) == [huainan_filing.code]
    assert codes({"q": wuxi_filing.unit.uscc}) == [wuxi_filing.code]
    assert codes({"q": "养老"}) == [wuxi_filing.code]
    assert codes({"occupation": "4-10-01-05"}) == [wuxi_filing.code]
    assert codes({"kind": "employer"}) == [huainan_filing.code]
    assert codes({"status": "cancelled"}) == []


def test_list_item_shape(client, huainan_filing):
    item = client.get(BASE).json()["results"][0]
    assert item["code"] == huainan_filing.code
    assert item["region_name"] == "安徽省淮南市田家庵区"
    assert item["kind_label"] == "用人单位"
    assert item["status"] == "active" and item["status_label"] == "有效"
    assert item["url"] == f"/directory/{huainan_filing.code}/"


def test_list_bad_filter_is_422_with_code(client, db):
    response = client.get(BASE, {"region": "999999"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_FAILED" and body["field"] == "region"
    assert "999999" in body["message"]


def test_detail(client, wuxi_filing):
    response = client.get(f"{BASE}{wuxi_filing.code}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == wuxi_filing.name and data["uscc"] == wuxi_filing.unit.uscc
    assert data["valid_from"] == "2025-03-03" and data["valid_to"] == "2028-03-02"
    assert data["scope"][0] == {
        "occupation_code": "4-10-01-05",
        "occupation_name": "养老护理员",
        "levels": [5, 4, 3],
        "level_names": ["五级/初级工", "四级/中级工", "三级/高级工"],
    }
    text = response.content.decode()
    for secret in [factories.LEGAL_REP_ID_NUMBER, factories.LEGAL_REP_PHONE, factories.HEAD_PHONE]:
        assert secret not in text


def test_detail_unknown_is_404_with_code(client, db):
    response = client.get(f"{BASE}S000000000000")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NOT_FOUND"
    assert "S000000000000" in body["message"]


def test_an_over_long_field_is_refused_with_the_length_code_the_services_use(client, db):
    """Schema limits answer like ``core.textlimits.check_length``: ``TEXT_TOO_LONG``, the limit and the length."""
    response = client.get(BASE, {"q": "机" * 101})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"], body["limit"], body["length"]) == ("TEXT_TOO_LONG", "q", 100, 101)
    assert body["message"] == "“q”不能超过 100 字（现为 101 字）"
    short = client.get(BASE, {"page": 0}).json()  # other schema errors keep their own code
    assert short["code"] == "INVALID_REQUEST"
