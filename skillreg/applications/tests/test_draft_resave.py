"""A saved draft can be reopened and saved again, as often as the applicant likes (issue 11, blocker 2).

The page is posted back exactly as a browser would submit it (``core.formdata``): extra blank rows, masked phones
and ID numbers, the evaluation-type select of a blank occupation row. A row can be removed; an error is shown
next to its field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from skillreg.applications import services
from skillreg.applications.models import Application
from skillreg.core import testing
from skillreg.core.crypto import mask_phone
from skillreg.core.formdata import browser_post_data

pytestmark = pytest.mark.django_db


def _edit_page(client, application) -> tuple[str, dict[str, list[str]]]:
    r = client.get(reverse("apply:edit", kwargs={"pid": application.public_id}))
    assert r.status_code == 200
    html = r.content.decode()
    return html, browser_post_data(html, "application-form")


def _save(client, application, data, button="save"):
    return client.post(reverse("apply:edit", kwargs={"pid": application.public_id}), {**data, button: "1"})


@pytest.fixture
def draft(wuxi_institution):
    payload = testing.draft_payload(region_code="500238")
    payload["data"]["head_id_number"] = "500238199001011238"  # born 1990, a Chongqing code of 1997
    return services.application_save_draft(actor=wuxi_institution, **payload)


def test_an_unchanged_draft_saves_again_many_times(client, wuxi_institution, draft):
    client.force_login(wuxi_institution)
    before = Application.objects.get(pk=draft.pk)
    people_before = sorted((p.role, p.name, p.phone) for p in before.people.all())
    for round_ in range(4):
        _html, data = _edit_page(client, draft)
        r = _save(client, draft, data, "save_continue" if round_ % 2 else "save")
        assert r.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', r.content.decode())
    after = Application.objects.get(pk=draft.pk)
    assert sorted((p.role, p.name, p.phone) for p in after.people.all()) == people_before
    assert after.head_id_number == "500238199001011238"
    assert after.legal_rep_phone == before.legal_rep_phone
    assert after.scope.count() == before.scope.count() == 1
    assert after.equipment.count() == 1
    assert after.facts == before.facts


def test_a_row_can_be_removed(client, wuxi_institution, draft):
    client.force_login(wuxi_institution)
    html, data = _edit_page(client, draft)
    assert "people-0-DELETE" in html and "删除" in html
    removed = data["people-0-name"][0]
    data["people-0-DELETE"] = ["on"]
    r = _save(client, draft, data)
    assert r.status_code == 302
    names = set(draft.people.values_list("name", flat=True))
    assert removed not in names and len(names) == 11


def test_a_new_occupation_row_may_stay_blank(client, wuxi_institution, draft):
    """The blank extra row's evaluation-type select starts empty and does not make the row count."""
    client.force_login(wuxi_institution)
    html, data = _edit_page(client, draft)
    blank = data["scope-1-evaluation_type"]
    assert blank == [""], blank
    assert _save(client, draft, data).status_code == 302


def test_an_error_is_shown_next_to_its_field(client, wuxi_institution, draft):
    client.force_login(wuxi_institution)
    _html, data = _edit_page(client, draft)
    data["people-2-phone"] = ["abc"]
    r = _save(client, draft, data)
    assert r.status_code == 200
    html = r.content.decode()
    row = html[html.index('name="people-2-phone"') :]
    row = row[: row.index('class="formset-row"')] if 'class="formset-row"' in row else row
    assert "联系电话格式不正确" in row
    assert html.count('role="alert"') == 1  # one summary, not one banner per error
    assert mask_phone(draft.people.get(name="钱管理").phone) != "abc"


def test_demo_draft_of_cq_draft_saves_unchanged(client):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    from skillreg.accounts.models import User

    user = User.objects.get(username="cq_draft")
    application = Application.objects.get(unit=user.unit, state="draft")
    client.force_login(user)
    _html, data = _edit_page(client, application)
    r = _save(client, application, data)
    assert r.status_code == 302, re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', r.content.decode())


def test_every_error_is_shown_in_one_round(client, wuxi_institution, draft):
    """A field the form refuses (a number) and one the service refuses (a phone) are reported together."""
    client.force_login(wuxi_institution)
    _html, data = _edit_page(client, draft)
    data["scope-0-theory_room_seats"] = ["很多"]
    data["people-2-phone"] = ["abc"]
    data["legal_rep_phone"] = ["12345"]
    r = _save(client, draft, data)
    html = r.content.decode()
    assert r.status_code == 200
    assert "联系电话格式不正确" in html[html.index('name="people-2-phone"') :]
    assert "联系电话格式不正确" in html[html.index('name="legal_rep_phone"') :][:600]
    assert "共 3 处" in html


def test_yes_no_and_date_facts_are_shown_as_saved(client, wuxi_institution, draft):
    client.force_login(wuxi_institution)
    html, data = _edit_page(client, draft)
    yes_no = {k: v for k, v in draft.facts.items() if isinstance(v, bool)}
    assert yes_no
    for name, value in yes_no.items():
        if f"facts-{name}" in data:
            assert data[f"facts-{name}"] == ["true" if value else "false"], name


def test_registration_is_asked_per_governing_document(client, wuxi_institution):
    """A Wuxi applicant answers "registered in Chongqing" and "registered in Wuxi County" separately (issue 11)."""
    payload = testing.draft_payload(region_code="500238")
    payload["facts"].pop("registered_in_region", None)
    app = services.application_save_draft(actor=wuxi_institution, **payload)
    client.force_login(wuxi_institution)
    html, data = _edit_page(client, app)
    assert "在重庆市依法登记" in html and "在重庆市巫溪县依法登记" in html
    assert "在受理地区依法登记" not in html
    data["facts-registered_in__500000"] = ["true"]
    data["facts-registered_in__500238"] = ["false"]
    assert _save(client, app, data).status_code == 302
    app.refresh_from_db()
    assert app.facts["registered_in"] == {"500000": True, "500238": False}
    page = client.get(reverse("apply:self_check", kwargs={"pid": app.public_id})).content.decode()
    assert "在重庆市巫溪县依法登记：否" in page
    html, data = _edit_page(client, app)
    assert data["facts-registered_in__500238"] == ["false"]
