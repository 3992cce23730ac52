"""The thin Django wrappers: management command and ninja router (need Django settings)."""

from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("DJANGO_SETTINGS_MODULE"), reason="needs Django settings")

EXAMPLE = "docs/examples/guizhou-employer.json"


@pytest.fixture
def client():
    from ninja.testing import TestClient

    from skillreg.policy.api import router

    return TestClient(router)


def _body(**kw):
    from skillreg.policy.loader import REPO_ROOT

    profile = json.loads((REPO_ROOT / EXAMPLE).read_text(encoding="utf-8"))
    return {"profile": profile, "on": "2026-11-01", **kw}


def test_api_check_returns_decision_record(client):
    response = client.post("/check", json=_body())
    assert response.status_code == 200
    assert response.json()["verdict"] == "needs_review"
    assert response.json()["packs"][0]["id"] == "gz-selection-exit"


@pytest.mark.parametrize(
    ("mutate", "status", "code", "field"),
    [
        (
            lambda b: b["profile"]["facts"].update(office_area_sqm=1),
            422,
            "unknown_fact",
            "profile.facts.office_area_sqm",
        ),
        (lambda b: b["profile"].update(region="110000"), 400, "region_unknown", "profile.region"),
        (lambda b: b.update(region="110000"), 400, "region_unknown", "region"),
        (lambda b: b.update(on="2020-01-01"), 400, "no_pack_in_force", "on"),
        (lambda b: b.update(on="2026-02-30"), 400, "invalid_date", "on"),
        (lambda b: b.update(extra=1), 400, "unknown_field", "extra"),
        (lambda b: b.pop("profile"), 400, "missing_field", "profile"),
    ],
)
def test_api_errors_are_stable_json(client, mutate, status, code, field):
    body = _body()
    mutate(body)
    response = client.post("/check", json=body)
    assert response.status_code == status
    data = response.json()
    assert (data["code"], data["field"]) == (code, field)
    assert data["message"]


def test_api_malformed_json(client):
    response = client.post("/check", data=b"{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_management_command_check_and_lint():
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("policy", "check", EXAMPLE, "--on", "2026-11-01", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["verdict"] == "needs_review"
    out = StringIO()
    call_command("policy", "lint", stdout=out)
    assert "通过" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("policy", "check", EXAMPLE, "--region", "110000", stdout=StringIO(), stderr=StringIO())
