"""Bad input gets a clear Chinese message and changes nothing (issue: filing lifecycle, "Bad input")."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
import time_machine

from skillreg.applications import services
from skillreg.applications.models import Application, Material
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import ValidationFailed
from skillreg.institutions.models import ApplicantUnit
from skillreg.institutions.services import unit_register

pytestmark = pytest.mark.django_db


def _save(user, **overrides):
    payload = testing.draft_payload()
    scope = overrides.pop("scope", None)
    people = overrides.pop("people", None)
    payload["data"].update(overrides)
    if scope is not None:
        payload["scope"] = scope
    if people is not None:
        payload["people"] = people
    return services.application_save_draft(actor=user, **payload)


def _fields(exc):
    return {e["field"]: e for e in exc.value.details["errors"]}


def test_wrong_uscc_check_digit_is_refused_at_registration(db):
    good = testing.make_uscc("500238", seed=9)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        unit_register(
            name="某单位",
            uscc=bad,
            region_code="500238",
            address="地址",
            contact_name="张",
            contact_phone="13800138000",
            username="someone",
            password=testing.PASSWORD,
        )
    errors = {e["field"]: e for e in exc.value.details["errors"]}
    assert errors["uscc"]["code"] == "USCC_INVALID_CHECKSUM"
    assert "校验位" in errors["uscc"]["message"]
    assert not ApplicantUnit.objects.exists()


def test_uscc_of_another_province_is_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        unit_register(
            name="某单位",
            uscc=testing.make_uscc("520100", seed=3),
            region_code="500238",
            address="地址",
            contact_name="张",
            contact_phone="13800138000",
            username="someone",
            password=testing.PASSWORD,
        )
    assert {e["code"] for e in exc.value.details["errors"]} == {"USCC_REGION_MISMATCH"}


def test_id_number_with_bad_check_digit(wuxi_institution):
    good = testing.make_id_number("500238", "19980505", 101)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with pytest.raises(ValidationFailed) as exc:
        _save(wuxi_institution, legal_rep_id_number=bad)
    assert _fields(exc)["legal_rep_id_number"]["code"] == "ID_INVALID_CHECKSUM"
    assert not Application.objects.exists()


def test_id_number_with_future_birth_date(wuxi_institution):
    with time_machine.travel(dt.datetime(2026, 11, 22, tzinfo=dt.UTC)):
        future = testing.make_id_number("500238", "20261225", 101)
        with pytest.raises(ValidationFailed) as exc:
            _save(wuxi_institution, head_id_number=future)
    assert _fields(exc)["head_id_number"]["code"] == "ID_BIRTH_IN_FUTURE"


def test_excel_scientific_notation_id_gets_its_own_message(wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        _save(wuxi_institution, head_id_number="1.10105E+17")
    assert _fields(exc)["head_id_number"]["code"] == "ID_SCIENTIFIC_NOTATION"


def test_unknown_occupation_code_and_level_outside_1_to_5(wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        _save(
            wuxi_institution,
            scope=[
                {"occupation_code": "9-99-99-99", "levels": [3]},
                {"occupation_code": "4-10-01-05", "levels": [6, 0]},
            ],
        )
    errors = exc.value.details["errors"]
    assert {e["code"] for e in errors} >= {"OCCUPATION_UNKNOWN", "LEVEL_INVALID"}
    assert any("9-99-99-99" in e["message"] for e in errors)
    assert any("“6”" in e["message"] for e in errors) and any("“0”" in e["message"] for e in errors)
    assert not Application.objects.exists()


def test_every_error_is_reported_at_once(wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        _save(wuxi_institution, legal_rep_phone="12345", head_id_number="123", institution_kind="bank")
    assert {"legal_rep_phone", "head_id_number", "institution_kind"} <= set(_fields(exc))


def test_draft_form_posted_twice_saves_one_draft(wuxi_institution):
    token = "6f1c0f7e-9a53-4b39-9a0c-3d6a8f1f0001"
    payload = testing.draft_payload()
    a = services.application_save_draft(actor=wuxi_institution, public_id=token, **payload)
    b = services.application_save_draft(actor=wuxi_institution, public_id=token, **payload)
    assert a.pk == b.pk
    assert Application.objects.count() == 1


@pytest.fixture
def draft(wuxi_institution):
    return testing.make_complete_draft(wuxi_institution, skip_materials=("assets",))


def test_executable_renamed_pdf_is_refused(draft, wuxi_institution, settings):
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.material_upload(
            application=draft, actor=wuxi_institution, kind="assets", fileobj=io.BytesIO(elf), name="场地证明.pdf"
        )
    assert exc.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    assert not Material.objects.filter(kind="assets").exists()
    assert AuditRecord.objects.count() == before
    assert [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()] == [
        p
        for p in (settings.MEDIA_ROOT).rglob("*")
        if p.is_file() and Material.objects.filter(storage_name=str(p.relative_to(settings.MEDIA_ROOT))).exists()
    ]


class _Endless(io.RawIOBase):
    """Yields zeros forever: a "200 MB" upload without allocating 200 MB."""

    def __init__(self, total):
        self.left = total

    def readable(self):
        return True

    def read(self, n=-1):
        n = min(n if n > 0 else 1 << 20, self.left)
        self.left -= n
        return b"%PDF" + b"\0" * (n - 4) if n >= 4 else b"\0" * n


def test_200mb_upload_is_refused_while_streaming(draft, wuxi_institution, settings):
    with pytest.raises(ValidationFailed) as exc:
        services.material_upload(
            application=draft,
            actor=wuxi_institution,
            kind="assets",
            fileobj=_Endless(200 * 1024 * 1024),
            name="big.pdf",
        )
    assert exc.value.code == "UPLOAD_TOO_LARGE"
    leftovers = [p for p in settings.MEDIA_ROOT.rglob(".tmp-*")]
    assert leftovers == []


def test_zip_bomb_docx_is_refused(draft, wuxi_institution):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
        zf.writestr("word/bomb.bin", b"\0" * (50 * 1024 * 1024))
    buf.seek(0)
    with pytest.raises(ValidationFailed) as exc:
        services.material_upload(
            application=draft, actor=wuxi_institution, kind="assets", fileobj=buf, name="方案.docx"
        )
    assert exc.value.code == "UPLOAD_ZIP_BOMB"


def test_file_names_are_sanitised(draft, wuxi_institution):
    m = services.material_upload(
        application=draft,
        actor=wuxi_institution,
        kind="assets",
        fileobj=testing.upload(testing.PDF_BYTES, "x"),
        name="../../etc/pass<wd>.pdf",
    )
    assert m.original_name == "passwd.pdf"
    assert ".." not in m.storage_name and m.storage_name.endswith(".pdf")
    assert os.path.basename(m.storage_name) != "passwd.pdf"
