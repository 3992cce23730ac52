"""Personal data (issue 5, item 4): SM4-GCM at rest bound to table/row/field, HMAC-SM3 blind index, masks on
pages, an audited and rate-limited reveal, key rotation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from skillreg.applications.models import Application, Person
from skillreg.audit.models import AuditRecord
from skillreg.core import crypto, testing
from skillreg.core.fields import EncryptedTextField

pytestmark = pytest.mark.django_db

ID_FIELD: EncryptedTextField = Application._meta.get_field("head_id_number")  # type: ignore[assignment]


@pytest.fixture
def draft(wuxi_institution):
    return testing.make_complete_draft(wuxi_institution)


def _stored(model, pk, column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 - test
        return cur.fetchone()[0]


def test_values_are_stored_as_row_bound_sm4_gcm(draft):
    token = _stored(Application, draft.pk, "head_id_number")
    assert token.startswith("sm4gcm:v2:k1:")
    assert draft.head_id_number not in token
    fresh = Application.objects.get(pk=draft.pk)
    assert fresh.head_id_number == draft.head_id_number
    assert len(fresh.head_id_number) == 18
    # .values() hands out ciphertext, never the plain value
    assert Application.objects.filter(pk=draft.pk).values_list("head_id_number", flat=True)[0].startswith("sm4gcm:")


def test_a_ciphertext_moved_to_another_row_or_column_does_not_decrypt(draft, wuxi_institution):
    other = testing.make_complete_draft(wuxi_institution, institution_name="另一个评价中心")
    token = _stored(Application, draft.pk, "head_id_number")
    with connection.cursor() as cur:
        cur.execute("UPDATE applications_application SET head_id_number = %s WHERE id = %s", [token, other.pk])
        cur.execute("UPDATE applications_application SET legal_rep_id_number = %s WHERE id = %s", [token, draft.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = Application.objects.get(pk=other.pk).head_id_number  # another row
    with pytest.raises(crypto.DecryptionError):
        _ = Application.objects.get(pk=draft.pk).legal_rep_id_number  # another column


def test_old_v1_values_stay_readable_and_rekey_upgrades_them(draft):
    plain = draft.head_id_number
    v1 = crypto.encrypt(plain, aad="applications.application.head_id_number", version="v1")
    Application.objects.filter(pk=draft.pk).update(head_id_number=v1)
    assert Application.objects.get(pk=draft.pk).head_id_number == plain
    call_command("pii", "rekey")
    token = _stored(Application, draft.pk, "head_id_number")
    assert token.startswith("sm4gcm:v2:k1:")
    assert Application.objects.get(pk=draft.pk).head_id_number == plain
    assert AuditRecord.objects.filter(action="pii.rekey", object_type="applications.application").exists()


def test_key_rotation_rewrites_everything_under_the_new_key(draft, settings, capsys):
    old_key = settings.SKILLREG_DATA_KEY
    plain = draft.head_phone
    settings.SKILLREG_DATA_KEY = "aa" * 16
    settings.SKILLREG_DATA_KEY_ID = "k2"
    settings.SKILLREG_OLD_DATA_KEYS = f"k1:{old_key}"
    assert Application.objects.get(pk=draft.pk).head_phone == plain  # old key still readable
    call_command("pii", "rekey")
    assert _stored(Application, draft.pk, "head_phone").startswith("sm4gcm:v2:k2:")
    assert _stored(Person, draft.people.exclude(phone="").first().pk, "phone").startswith("sm4gcm:v2:k2:")
    capsys.readouterr()
    call_command("pii", "status")
    counts = capsys.readouterr().out.splitlines()[1:]
    assert any("v2:k2" in line for line in counts) and not any(":k1" in line for line in counts)
    settings.SKILLREG_OLD_DATA_KEYS = ""  # retire the old key: everything still decrypts
    assert Application.objects.get(pk=draft.pk).head_phone == plain


def test_update_by_value_is_refused_instead_of_storing_plain_text(draft):
    with pytest.raises(TypeError, match="blind index"):
        Application.objects.filter(pk=draft.pk).update(head_phone="13800000000")


def test_blind_index_finds_exact_values_only(draft):
    index = crypto.blind_index(draft.head_id_number.lower(), purpose="id_number")
    assert Application.objects.filter(head_id_number_bidx=index).get() == draft
    assert not Application.objects.filter(
        head_id_number_bidx=crypto.blind_index("110101199001011234", purpose="id_number")
    )
    phone_index = crypto.blind_index("138 0013 8002", purpose="phone")
    assert Application.objects.filter(head_phone_bidx=phone_index).exists()
    # the same number as a phone and as an ID would index differently
    assert crypto.blind_index("13800138002", purpose="phone") != crypto.blind_index("13800138002", purpose="id_number")


def test_masks():
    assert crypto.mask_id_number("110101199003071234") == "110101********1234"
    assert crypto.mask_phone("13800138000") == "138****8000"


def _staff_case(client, officer, application):
    client.force_login(officer)
    return client.get(reverse("staff:case", args=[application.public_id])).content.decode()


def test_pages_show_masked_values_only(draft, wuxi_institution, wuxi_officer, client):
    from skillreg.applications.services import application_submit

    application_submit(application=draft, actor=wuxi_institution)
    client.force_login(wuxi_institution)
    for url in (reverse("apply:detail", args=[draft.public_id]), reverse("apply:edit", args=[draft.public_id])):
        body = client.get(url).content.decode()
        assert draft.head_id_number not in body and draft.head_phone not in body
    body = _staff_case(client, wuxi_officer, draft)
    assert crypto.mask_id_number(draft.head_id_number) in body
    assert draft.head_id_number not in body and draft.legal_rep_phone not in body


def test_reveal_returns_the_value_once_and_writes_an_audit_record(draft, wuxi_institution, client):
    client.force_login(wuxi_institution)
    url = reverse("apply:reveal", args=[draft.public_id, "head_id_number"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200 and response.json()["value"] == draft.head_id_number
    assert response["Cache-Control"] == "no-store"
    record = AuditRecord.objects.filter(action="pii.reveal").latest("seq")
    assert record.actor_id == wuxi_institution.pk and record.object_id == str(draft.pk)
    assert record.after == {"field": "head_id_number"}
    person = draft.people.exclude(phone="").first()
    assert client.post(reverse("apply:reveal", args=[draft.public_id, f"person-{person.pk}-phone"])).json()["value"]
    assert client.post(reverse("apply:reveal", args=[draft.public_id, "institution_name"])).status_code == 404


def test_reveal_is_scoped(
    draft, wuxi_institution, other_institution, wuxi_officer, cq_centre_officer, guizhou_officer, expert, client
):
    from skillreg.applications.services import application_submit

    application_submit(application=draft, actor=wuxi_institution)
    field = "legal_rep_phone"
    client.force_login(other_institution)
    assert client.post(reverse("apply:reveal", args=[draft.public_id, field])).status_code == 404
    client.force_login(guizhou_officer)  # out of region
    assert client.post(reverse("staff:reveal", args=[draft.public_id, field])).status_code == 404
    client.force_login(cq_centre_officer)  # in scope (city above the county) but not handling the case
    assert client.post(reverse("staff:reveal", args=[draft.public_id, field])).status_code == 403
    client.force_login(expert)
    assert client.post(reverse("staff:reveal", args=[draft.public_id, field])).status_code == 404
    client.force_login(wuxi_officer)  # handling authority
    assert client.post(reverse("staff:reveal", args=[draft.public_id, field])).json()["value"] == draft.legal_rep_phone
    assert AuditRecord.objects.filter(action="pii.reveal").count() == 1


def test_reveal_is_rate_limited(draft, wuxi_institution, client, settings):
    settings.SKILLREG_RATE_LIMITS = {**settings.SKILLREG_RATE_LIMITS, "reveal": "2/600"}
    client.force_login(wuxi_institution)
    url = reverse("apply:reveal", args=[draft.public_id, "head_phone"])
    assert [client.post(url).status_code for _ in range(3)] == [200, 200, 429]
    assert AuditRecord.objects.filter(action="pii.reveal").count() == 2


def test_user_phone_is_encrypted_and_searchable(wuxi_institution):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    assert _stored(User, wuxi_institution.pk, "phone").startswith("sm4gcm:v2:")
    index = crypto.blind_index("13800138000", purpose="phone")
    assert User.objects.filter(phone_bidx=index).get() == wuxi_institution
