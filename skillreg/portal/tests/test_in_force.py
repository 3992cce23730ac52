"""The directory list, its exports, its filters and API show the version in force today (``filing_on``), not
an early renewal's later version (issue 10): tests on the day before and the day a new version takes effect."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from skillreg.institutions.models import FilingVersion
from skillreg.institutions.versions import VersionContent, filing_version_create
from skillreg.occupations.models import Occupation
from skillreg.portal.exports import HEADERS

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.req("CQ-14", "CQ-12")]
D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SWITCH = D(2028, 3, 3)  # the renewed version's first day (v1 valid 2025-03-03 … 2028-03-02)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


def content(name: str, scope: dict[str, list[int]], kind: str = "social_org") -> VersionContent:
    return VersionContent(
        name=name,
        address="巫溪县城厢镇1号",
        kind=kind,
        evaluation_types=["skill_level"],
        coverage="巫溪县范围内",
        people={},
        venues="",
        scope={Occupation.objects.get(code=c).pk: lv for c, lv in scope.items()},
    )


def versioned_filing(name: str = "巫溪县养老服务职业技能评价中心", renewed_name: str = "巫溪县康养职业技能评价中心"):
    """Filed 2025-03-03 (养老护理员); renewed early on 2026-11-20: from 2028-03-03 电工 replaces 养老护理员."""
    filing = factories.make_filing(name=name, scope={"4-10-01-05": [5, 4, 3]})
    officer = None
    with at(D(2025, 3, 3)):
        filing_version_create(
            filing=filing,
            content=content(name, {"4-10-01-05": [5, 4, 3]}),
            effective_from=D(2025, 3, 3),
            valid_from=D(2025, 3, 3),
            valid_to=D(2028, 3, 2),
            actor=officer,
            change_kind="filing",
        )
    with at(D(2026, 11, 20)):
        filing_version_create(
            filing=filing,
            content=content(renewed_name, {"6-31-01-03": [5, 4]}),
            effective_from=SWITCH,
            valid_from=SWITCH,
            valid_to=D(2031, 3, 2),
            actor=officer,
            change_kind="renewal",
        )
    filing.refresh_from_db()
    assert filing.name == renewed_name  # the denormalised columns hold the latest version
    return filing


def list_names(client, **params) -> list[str]:
    return [r["name"] for r in client.get("/api/v1/directory/", params).json()["results"]]


def test_list_page_shows_the_version_in_force_either_side_of_the_switch(client):
    versioned_filing()
    with at(SWITCH - dt.timedelta(days=1)):
        body = client.get("/directory/").content.decode()
        assert "巫溪县养老服务职业技能评价中心" in body and "巫溪县康养职业技能评价中心" not in body
        assert "2025-03-03 至 2028-03-02" in body and "养老护理员" in body
    with at(SWITCH):
        body = client.get("/directory/").content.decode()
        assert "巫溪县康养职业技能评价中心" in body and "巫溪县养老服务职业技能评价中心" not in body
        assert "2028-03-03 至 2031-03-02" in body


def test_filters_read_the_version_in_force(client):
    versioned_filing()
    with at(SWITCH - dt.timedelta(days=1)):
        assert list_names(client, occupation="4-10-01-05") == ["巫溪县养老服务职业技能评价中心"]
        assert list_names(client, occupation="6-31-01-03") == []
        assert list_names(client, q="康养") == []
        assert list_names(client, q="养老服务") == ["巫溪县养老服务职业技能评价中心"]
        occupations = client.get("/directory/").context["occupations"]
        assert [o.code for o in occupations] == ["4-10-01-05"]
    with at(SWITCH):
        assert list_names(client, occupation="4-10-01-05") == []
        assert list_names(client, occupation="6-31-01-03") == ["巫溪县康养职业技能评价中心"]
        assert list_names(client, q="康养") == ["巫溪县康养职业技能评价中心"]


def test_api_summary_and_detail_use_the_version_in_force(client):
    filing = versioned_filing()
    with at(SWITCH - dt.timedelta(days=1)):
        (row,) = client.get("/api/v1/directory/").json()["results"]
        assert (row["name"], row["valid_to"]) == ("巫溪县养老服务职业技能评价中心", "2028-03-02")
        detail = client.get(f"/api/v1/directory/{filing.code}").json()
        assert [s["occupation_code"] for s in detail["scope"]] == ["4-10-01-05"]
    with at(SWITCH):
        detail = client.get(f"/api/v1/directory/{filing.code}").json()
        assert (detail["name"], detail["valid_from"]) == ("巫溪县康养职业技能评价中心", "2028-03-03")
        assert [s["occupation_code"] for s in detail["scope"]] == ["6-31-01-03"]


def test_csv_export_uses_the_version_in_force(client):
    versioned_filing()
    for day, name, valid_to, scope in [
        (SWITCH - dt.timedelta(days=1), "巫溪县养老服务职业技能评价中心", "2028-03-02", "养老护理员"),
        (SWITCH, "巫溪县康养职业技能评价中心", "2031-03-02", "电工"),
    ]:
        with at(day):
            body = b"".join(client.get("/directory/export.csv").streaming_content).decode("utf-8-sig")
        (row,) = [dict(zip(HEADERS, r, strict=True)) for r in list(csv.reader(io.StringIO(body)))[1:]]
        assert (row["评价机构名称"], row["有效期止"]) == (name, valid_to)
        assert scope in row["评价职业（工种）及等级"]


def test_directory_query_count_does_not_grow_with_versioned_filings(client, django_assert_max_num_queries):
    for i in range(12):
        versioned_filing(name=f"版本机构{i}", renewed_name=f"续期机构{i}")
    with at(SWITCH - dt.timedelta(days=1)):
        with django_assert_max_num_queries(9):
            names = [r["name"] for r in client.get("/api/v1/directory/").json()["results"]]
        assert sorted(names) == sorted(f"版本机构{i}" for i in range(12))
        with django_assert_max_num_queries(9):
            assert client.get("/directory/", {"occupation": "4-10-01-05"}).status_code == 200
    assert FilingVersion.objects.count() == 24
