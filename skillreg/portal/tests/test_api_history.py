"""GET /api/v1/filings/{code}/history: the versions and status history of a filing, public, no personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.institutions.models import FilingVersion
from skillreg.institutions.versions import content_of, filing_version_create
from skillreg.occupations.models import Occupation

pytestmark = [pytest.mark.django_db, pytest.mark.req("CQ-12", "CQ-13")]
D = dt.date


def url(code: str) -> str:
    return f"/api/v1/filings/{code}/history"


def changed_filing(user, officer):
    """Filed 2026-03-02 (养老护理员); a change adding 电工 effective 2026-06-01."""
    filing = file_on(user, officer, D(2026, 3, 2))
    v1 = FilingVersion.objects.get(filing=filing)
    content = content_of(v1)
    content.scope[Occupation.objects.get(code="6-31-01-03").pk] = [5, 4]
    with at(D(2026, 6, 1)):
        filing_version_create(
            filing=filing,
            content=content,
            effective_from=D(2026, 6, 1),
            valid_from=v1.valid_from,
            valid_to=v1.valid_to,
            actor=officer,
            change_kind="change",
            summary="增加电工",
        )
    return filing


def test_history_lists_versions_and_status_changes_either_side_of_a_change(client, wuxi_institution, wuxi_officer):
    filing = changed_filing(wuxi_institution, wuxi_officer)
    with at(D(2026, 5, 31)):
        before = client.get(url(filing.code))
    assert before.status_code == 200
    data = before.json()
    assert data["code"] == filing.code and data["current_version"] == 1 and data["as_of"] == "2026-05-31"
    (v1, v2) = data["versions"]
    assert (v1["number"], v1["effective_from"], v1["effective_to"], v1["in_force"]) == (
        1,
        "2026-03-02",
        "2026-05-31",
        True,
    )
    assert (v2["number"], v2["effective_to"], v2["in_force"], v2["change_kind_label"]) == (2, None, False, "变更备案")
    assert [s["occupation_code"] for s in v1["scope"]] == ["4-10-01-05"]
    assert [s["occupation_code"] for s in v2["scope"]] == ["4-10-01-05", "6-31-01-03"]
    assert v2["summary"] == "增加电工"
    (change,) = data["status_history"]
    assert (change["effective_on"], change["to_status"], change["to_status_label"]) == ("2026-03-02", "active", "有效")
    with at(D(2026, 6, 1)):
        after = client.get(url(filing.code)).json()
    assert after["current_version"] == 2 and [v["in_force"] for v in after["versions"]] == [False, True]


def test_history_holds_no_personal_data(client, wuxi_institution, wuxi_officer):
    filing = changed_filing(wuxi_institution, wuxi_officer)
    people = FilingVersion.objects.filter(filing=filing).first().people
    with at(D(2026, 6, 2)):
        body = client.get(url(filing.code)).content.decode()
    names = [people["legal_rep"], people["head"], *(e["name"] for e in people["examiners"])]
    assert names and all(n and n not in body for n in names)
    assert "people" not in body and "actor" not in body and wuxi_officer.username not in body


def test_unknown_code_is_404_with_code(client, db):
    response = client.get(url("S000000000000"))
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_history_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/filings/{code}/history"]["get"]
    assert "200" in op["responses"] and "404" in op["responses"]
    props = schema["components"]["schemas"]["FilingHistoryOut"]["properties"]
    assert {"versions", "status_history", "current_version"} <= set(props)
