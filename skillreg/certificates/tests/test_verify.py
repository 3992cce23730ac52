"""Revocation and public verification: good, mismatch, revoked, masking, QR token, rate limits, no enumeration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.audit.models import AuditRecord
from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate
from skillreg.certificates.services import certificate_revoke
from skillreg.certificates.verification import NOT_FOUND, mask_name, qr_url
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed

from .conftest import good_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(cert_filing, batch, wuxi_institution):
    row = good_row(cert_filing, 1, holder_name="张三丰")
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=[row], mode="all_or_nothing")
    c = Certificate.objects.get(number=row["number"])
    c.row = row
    return c


def post(client, **data):
    return client.post(reverse("verify:verify"), data, REMOTE_ADDR="10.0.0.7")


def test_by_number_and_name_shows_the_masked_answer(client, cert):
    response = post(client, number=cert.number, name="张三丰")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        cert.number,
        "张*丰",
        cert.holder_id_masked,
        "电工",
        "四级/中级工",
        "测试职业技能评价中心",
        "2026-03-10",
        "有效",
    ):
        assert text in html
    assert cert.row["id_number"] not in html and "张三丰" not in html


def test_by_id_number_and_name(client, cert):
    response = post(client, id_number=cert.row["id_number"], name=" 张三丰 ")
    assert cert.number in response.content.decode()


def test_not_found_and_name_mismatch_are_the_same_answer(client, cert):
    mismatch = post(client, number=cert.number, name="张三").content.decode()
    unknown = post(client, number=cert.number[:-1] + "9", name="张三丰").content.decode()
    assert NOT_FOUND in mismatch and NOT_FOUND in unknown
    assert cert.number not in mismatch

    def strip(html: str) -> str:  # the only difference allowed: CSRF tokens and nonces
        import re

        return re.sub(r'(value|content|nonce)="[^"]*"', "", html)

    assert strip(mismatch) == strip(unknown)


def test_a_revoked_certificate_verifies_as_revoked(client, cert, wuxi_institution):
    certificate_revoke(certificate=cert, reason="考试作弊，成绩无效", actor=wuxi_institution)
    html = post(client, number=cert.number, name="张三丰").content.decode()
    assert "已撤销" in html and "2026-06-15" in html
    assert "考试作弊" not in html  # the reason is for the registry, not the public
    assert AuditRecord.objects.filter(action="certificate.revoke", object_id=str(cert.pk)).exists()


def test_the_api_shows_a_revocation_at_once(client, cert, wuxi_institution):
    """Issue 16: the lookup keeps its cursor and prepared statement on the connection between requests; a
    revocation committed between two verifications is in the second answer."""
    url = "/api/v1/certificates/verify"
    body = {"number": cert.number, "name": "张三丰"}
    first = client.post(url, body, content_type="application/json").json()["certificates"][0]
    assert first["status"] == "valid" and first["revoked_on"] is None
    certificate_revoke(certificate=cert, reason="考试作弊，成绩无效", actor=wuxi_institution)
    second = client.post(url, body, content_type="application/json").json()["certificates"][0]
    assert second["status"] == "revoked" and second["status_label"] == "已撤销" and second["revoked_on"]


def test_revocation_rules(cert, wuxi_institution, other_institution, guizhou_officer, wuxi_officer):
    with pytest.raises(ValidationFailed):
        certificate_revoke(certificate=cert, reason=" ", actor=wuxi_institution)
    with pytest.raises(PermissionDeniedError):
        certificate_revoke(certificate=cert, reason="x", actor=other_institution)
    with pytest.raises(PermissionDeniedError):
        certificate_revoke(certificate=cert, reason="x", actor=guizhou_officer)
    certificate_revoke(certificate=cert, reason="监管部门核查撤销", actor=wuxi_officer)
    with pytest.raises(TransitionNotAllowed):
        certificate_revoke(certificate=cert, reason="again", actor=wuxi_officer)
    cert.refresh_from_db()
    assert (cert.status, cert.revoked_reason, cert.revoked_by) == ("revoked", "监管部门核查撤销", wuxi_officer)


def test_the_qr_token_url(client, cert):
    url = qr_url(cert.number)
    assert cert.number in client.get(url).content.decode()
    tampered = url.replace(cert.number, cert.number[:-1] + "9")
    html = client.get(tampered).content.decode()
    assert NOT_FOUND in html and cert.number[:-1] + "9" not in html.split("查询结果")[-1]


def limits(settings, **rates):
    settings.SKILLREG_RATE_LIMITS = {**settings.SKILLREG_RATE_LIMITS, **rates}


def test_rate_limit_per_ip(client, cert, settings):
    limits(settings, certificate_verify="3/60")
    for _ in range(3):
        assert post(client, number=cert.number, name="张三丰").status_code == 200
    limited = post(client, number=cert.number, name="张三丰")
    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode() and limited["Retry-After"]
    other_ip = client.post(reverse("verify:verify"), {"number": cert.number, "name": "张三丰"}, REMOTE_ADDR="10.0.0.8")
    assert other_ip.status_code == 200


def test_rate_limit_per_queried_number_across_addresses(client, cert, settings):
    limits(settings, certificate_verify_target="2/86400")
    for i in range(2):
        client.post(reverse("verify:verify"), {"number": cert.number, "name": f"猜{i}"}, REMOTE_ADDR=f"10.1.0.{i}")
    response = client.post(reverse("verify:verify"), {"number": cert.number, "name": "张三丰"}, REMOTE_ADDR="10.1.0.9")
    assert response.status_code == 429


def test_full_width_or_mathematical_digits_count_against_the_same_number(client, cert, settings):
    """Issue 12, item 4: the lookup normalises with NFKC, so must the per-number limit."""
    limits(settings, certificate_verify_target="2/86400")
    full_width = cert.number.translate({ord(c): ord(c) - ord("0") + 0xFF10 for c in "0123456789"})
    mathematical = cert.number.translate({ord(c): ord(c) - ord("0") + 0x1D7CE for c in "0123456789"})
    for i, spelling in enumerate((full_width, mathematical)):
        client.post(reverse("verify:verify"), {"number": spelling, "name": f"猜{i}"}, REMOTE_ADDR=f"10.2.0.{i}")
    response = client.post(reverse("verify:verify"), {"number": cert.number, "name": "张三丰"}, REMOTE_ADDR="10.2.0.9")
    assert response.status_code == 429


def test_the_api_answers_alike(client, cert, settings):
    url = "/api/v1/certificates/verify"
    ok = client.post(url, {"number": cert.number, "name": "张三丰"}, content_type="application/json").json()
    assert ok["found"] and ok["certificates"][0]["holder"] == "张*丰" and ok["certificates"][0]["status"] == "valid"
    miss = client.post(url, {"number": cert.number, "name": "李四"}, content_type="application/json").json()
    assert miss == {"found": False, "message": NOT_FOUND, "certificates": []}
    assert client.post(url, {"name": "李四"}, content_type="application/json").json()["code"] == "VERIFY_INPUT_REQUIRED"
    limits(settings, certificate_verify="0/60")
    limited = client.post(url, {"number": cert.number, "name": "张三丰"}, content_type="application/json")
    assert limited.status_code == 429 and limited.json()["code"] == "RATE_LIMITED"


def test_the_form_needs_a_number_or_an_id(client):
    html = post(client, name="张三").content.decode()
    assert "二选一" in html


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张三丰", "张*丰"), ("欧阳娜娜", "欧**娜"), ("王", "*"), ("JOHN SMITH", "J*** S****")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_verify_answer_matches_schema(client, cert):
    """The API returns its JSON without django-ninja's response validation (hot path), so check it here against
    the documented schema, found and not found."""
    from skillreg.certificates.api import VerifyOut

    url = "/api/v1/certificates/verify"
    for name in ("张三丰", "李四"):
        body = client.post(url, {"number": cert.number, "name": name}, content_type="application/json").json()
        assert VerifyOut.model_validate(body).model_dump(mode="json") == body
    found = client.post(url, {"id_number": cert.row["id_number"], "name": "张三丰"}, content_type="application/json")
    answer = found.json()["certificates"][0]
    assert answer["issue_date"] == str(cert.issue_date) and answer["revoked_on"] is None and answer["level"] == 4


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("not json", 400, "BAD_REQUEST", None),
        ("", 422, "INVALID_REQUEST", ""),
        ('{"number": "S0103500000022430012"}', 422, "INVALID_REQUEST", "name"),
        ('{"number": 5, "name": "张三"}', 422, "INVALID_REQUEST", "number"),
        ('{"number": "' + "1" * 41 + '", "name": "张三"}', 422, "TEXT_TOO_LONG", "number"),
        ('{"name": "张三"}', 422, "VERIFY_INPUT_REQUIRED", None),
    ],
)
def test_bad_api_input_gets_a_code_and_a_chinese_message(client, db, body, status, code, field):
    response = client.post("/api/v1/certificates/verify", body, content_type="application/json")
    answer = response.json()
    assert response.status_code == status and answer["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer["message"]), answer["message"]
    if field is not None:
        assert answer["field"] == field
