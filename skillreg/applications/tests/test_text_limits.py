"""A draft's people, equipment and texts, a supplement note and a reviewer's checklist comment are refused when
over their limits (the columns' max_length), never cut: TEXT_TOO_LONG per field, nothing written; at the limit,
stored whole."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillreg.applications import services
from skillreg.applications.models import Application, Equipment, Person, State
from skillreg.applications.services.drafts import SUPPLEMENT_NOTE_MAX, TEXT_FIELDS
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import ValidationFailed
from skillreg.core.textlimits import column_limit

pytestmark = pytest.mark.django_db


def _payload(**changes):  # type: ignore[no-untyped-def]
    payload = testing.draft_payload()
    payload["people"][0].update(changes.pop("person", {}))
    payload["equipment"][0].update(changes.pop("equipment", {}))
    payload["data"].update(changes)
    return payload


def test_the_draft_text_limits_are_the_columns():
    for name, (_label, limit) in TEXT_FIELDS.items():
        assert limit == (Application._meta.get_field(name).max_length or limit), name


def test_people_and_equipment_over_their_columns_are_refused_field_by_field(wuxi_institution):
    code_max, brand_max = column_limit(Person, "certificate_code"), column_limit(Equipment, "brand")
    name_max = column_limit(Person, "name")
    payload = _payload(
        person={"name": "赵" * (name_max + 1), "certificate_code": "K" * (code_max + 1)},
        equipment={"brand": "海" * (brand_max + 1)},
    )
    with pytest.raises(ValidationFailed) as exc:
        services.application_save_draft(actor=wuxi_institution, **payload)
    errors = {e["field"]: e for e in exc.value.details["errors"]}
    assert errors["people[0].name"]["code"] == "TEXT_TOO_LONG"
    assert errors["people[0].certificate_code"]["message"] == (
        f"第 1 名人员的证书编码不能超过 {code_max} 字（现为 {code_max + 1} 字）"
    )
    assert errors["equipment[0].brand"]["message"] == (
        f"第 1 项设备的品牌不能超过 {brand_max} 字（现为 {brand_max + 1} 字）"
    )
    assert (
        not Application.objects.exists() and not AuditRecord.objects.filter(action__startswith="application").exists()
    )

    whole = _payload(person={"certificate_code": "K" * code_max}, equipment={"brand": "海" * brand_max})
    app = services.application_save_draft(actor=wuxi_institution, **whole)
    assert app.people.filter(certificate_code="K" * code_max).exists()
    assert app.equipment.get().brand == "海" * brand_max


def test_a_draft_text_over_its_column_gets_the_shared_message(wuxi_institution):
    label, limit = TEXT_FIELDS["venue_description"]
    with pytest.raises(ValidationFailed) as exc:
        services.application_save_draft(actor=wuxi_institution, **_payload(venue_description="场" * (limit + 1)))
    error = {e["field"]: e for e in exc.value.details["errors"]}["venue_description"]
    assert error == {
        "field": "venue_description",
        "message": f"{label}不能超过 {limit} 字（现为 {limit + 1} 字）",
        "code": "TEXT_TOO_LONG",
    }


def test_a_supplement_note_over_the_limit_is_refused_and_the_case_stays_in_supplement(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)):
        services.application_submit(application=app, actor=wuxi_institution)
        services.supplement_request(application=app, actor=wuxi_officer, items=["营业执照"], note="请补正")
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        with pytest.raises(ValidationFailed) as exc:
            services.supplement_complete(application=app, actor=wuxi_institution, note="补" * (SUPPLEMENT_NOTE_MAX + 1))
        assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == "note"
        app.refresh_from_db()
        assert app.state == State.SUPPLEMENT_REQUESTED
        services.supplement_complete(application=app, actor=wuxi_institution, note="补" * SUPPLEMENT_NOTE_MAX)
    assert app.supplement_requests.get().response_note == "补" * SUPPLEMENT_NOTE_MAX
