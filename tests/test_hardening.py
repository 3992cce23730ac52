"""Issue 12, items 4–18: the smaller findings of the penetration test, each reproduced and now failing safely.

(Item 1 is in ``test_separation_of_duties.py``, item 3 in ``test_reliability.py`` and
``skillreg/certificates/tests/test_import_staging.py``, item 6 in ``test_login_security.py``.)
"""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from skillreg.core import testing
from skillreg.core.uploads import store_upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- item 5: the download name takes the detected type's extension -------------------------------------------


@pytest.mark.parametrize("name", ["备案说明.html", "run.bat", "x.hta", "无扩展名"])
def test_a_pdf_is_stored_and_served_as_pdf_whatever_its_name(name):
    stored = store_upload(io.BytesIO(PDF), name, subdir="materials")
    assert stored.original_name.endswith(".pdf") and stored.content_type == "application/pdf"
    assert stored.original_name.rsplit(".", 1)[0] == name.rsplit(".", 1)[0]


def test_an_old_material_with_a_dangerous_name_downloads_with_the_detected_extension(wuxi_institution, client):
    draft = testing.make_complete_draft(wuxi_institution)
    material = draft.materials.first()
    type(material).objects.filter(pk=material.pk).update(original_name="备案说明.html")
    client.force_login(wuxi_institution)
    response = client.get(reverse("apply:material", args=[draft.public_id, material.pk]))
    disposition = response.headers["Content-Disposition"]
    ext = material.storage_name.rsplit(".", 1)[-1]
    assert ".html" not in disposition and f".{ext}" in disposition


# --- item 7: modes of stored files -------------------------------------------------------------------------------


def test_stored_uploads_and_their_folders_get_the_configured_modes():
    stored = store_upload(io.BytesIO(PDF), "a.pdf", subdir="materials")
    path = Path(settings.MEDIA_ROOT) / stored.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == settings.FILE_UPLOAD_PERMISSIONS == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o750
    assert stat.S_IMODE(Path(settings.MEDIA_ROOT).stat().st_mode) == 0o750


# --- item 11: behind the TLS gateway, through waitress ----------------------------------------------------------


def _through_waitress(settings, headers: dict[str, str], path: str = "/healthz"):
    """One request through a real waitress server built by ``skillreg.core.serve`` (in a thread), from
    127.0.0.1 — the gateway. Returns (status, response headers, what Django saw)."""
    import http.client
    import threading

    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
    from waitress import create_server

    from skillreg.core.middleware import client_ip
    from skillreg.core.serve import adjustments

    seen: dict[str, object] = {}
    django_app = WSGIHandler()

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        request = WSGIRequest(environ)
        seen.update(ip=client_ip(request), secure=request.is_secure())
        return django_app(environ, start_response)

    from waitress import wasyncore

    server = create_server(app, host="127.0.0.1", port=0, **adjustments(settings))
    stop = threading.Event()

    def serve() -> None:  # the loop polls, so that it ends before the sockets are closed
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        conn.request("GET", path, headers={"Host": "localhost", **headers})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, dict(response.getheaders()), seen
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.fixture
def behind_gateway(settings):
    settings.SKILLREG_BEHIND_TLS_PROXY = True
    settings.SKILLREG_TRUSTED_PROXY = "127.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["localhost"]
    return settings


@pytest.mark.django_db(transaction=True)
def test_behind_the_gateway_the_client_address_and_https_reach_django(behind_gateway):
    status, _, seen = _through_waitress(
        behind_gateway, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert status == 200, "redirect loop: the gateway's https did not reach Django"
    assert seen == {"ip": "203.0.113.9", "secure": True}


@pytest.mark.django_db(transaction=True)
def test_forwarded_headers_from_anyone_but_the_gateway_are_ignored(behind_gateway):
    behind_gateway.SKILLREG_TRUSTED_PROXY = "10.9.9.9"  # the gateway is elsewhere; 127.0.0.1 is a client
    status, _, seen = _through_waitress(
        behind_gateway, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert status == 301 and seen["ip"] == "127.0.0.1" and seen["secure"] is False


# --- item 17: no Server header ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_waitress_sends_no_server_header(settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    status, headers, _ = _through_waitress(settings, {})
    assert status == 200 and "Server" not in headers and "waitress" not in str(headers).lower()


# --- item 18: a production start refuses DEBUG and development keys ---------------------------------------------


def _serve_refusal(env: dict[str, str], listen: str) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLREG_", "DATABASE_URL", "DJANGO_"))}
    full = keep | {"DJANGO_SETTINGS_MODULE": "config.settings", "SKILLREG_VAR_DIR": str(settings.MEDIA_ROOT)} | env
    # port 9: nothing is served even if the guard failed (waitress would bind and block: the timeout says so)
    proc = subprocess.run(
        [sys.executable, "-m", "skillreg.core.serve", listen],
        cwd=root,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode, proc.stderr


@pytest.mark.parametrize(
    ("env", "listen"),
    [
        ({}, "0.0.0.0:18099"),  # SKILLREG_DEBUG unset: DEBUG on, development keys
        ({"SKILLREG_DEBUG": "1"}, "10.0.0.5:18099"),
        ({"SKILLREG_ENV": "production"}, "127.0.0.1:18099"),
    ],
    ids=["unset-on-all-addresses", "debug-on-a-lan-address", "env-production-with-dev-keys"],
)
def test_a_production_start_refuses_debug_and_development_keys(env, listen):
    code, err = _serve_refusal(env, listen)
    assert code != 0 and ("拒绝以生产方式启动" in err or "SKILLREG_" in err), err[-2000:]


def test_a_production_start_names_each_problem():
    from types import SimpleNamespace

    from skillreg.core.serve import production_problems

    dev = SimpleNamespace(
        DEBUG=True,
        SECRET_KEY=settings.DEV_SECRET_KEY,
        DEV_SECRET_KEY=settings.DEV_SECRET_KEY,
        DEV_KEYS=settings.DEV_KEYS,
        **settings.DEV_KEYS,
    )
    assert production_problems(dev, "127.0.0.1") == []  # a development start on loopback
    problems = production_problems(dev, "0.0.0.0")  # noqa: S104
    assert len(problems) == 5 and "SKILLREG_DEBUG" in problems[0]
    good = SimpleNamespace(
        DEBUG=False, SECRET_KEY="x" * 50, DEV_SECRET_KEY=settings.DEV_SECRET_KEY, DEV_KEYS=settings.DEV_KEYS,
        **{k: "ab" * 16 for k in settings.DEV_KEYS},
    )  # fmt: skip
    assert production_problems(good, "0.0.0.0") == []  # noqa: S104


# --- item 13: NUL bytes refused at the edge; a CSV NUL past 4 KB is a row error ---------------------------------


@pytest.mark.parametrize(
    "url",
    ["/directory/?q=%E6%B5%8B%00x", "/directory/?region=50%00", "/directory/S0%00238/", "/api/v1/directory/?q=%00"],
)
def test_nul_in_search_filter_or_code_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "INPUT_NUL"
    else:
        assert "空字符" in response.content.decode()


def test_nul_in_an_api_report_is_refused_and_starts_no_job(client, wuxi_institution):
    from skillreg.certificates.models import ImportJob

    client.force_login(wuxi_institution)
    body = '{"filing": "x", "mode": "valid_only", "items": [{"holder_name": "张\\u0000三"}]}'
    response = client.post("/api/v1/certificates/report", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "INPUT_NUL"
    assert not ImportJob.objects.exists()


def test_a_csv_nul_after_the_first_4kb_is_a_row_error():
    from skillreg.certificates.readers import open_source
    from skillreg.certificates.rows import COLUMNS

    header = ",".join(c.label for c in COLUMNS)
    filler = "\n".join(f"Z{n:013d},某某,居民身份证,1,6-31-01-03,电工,,4,2026-03-10,PJ" for n in range(200))
    text = f"{header}\n{filler}\nZ0000000000999,张\x00三,居民身份证,1,6-31-01-03,电工,,4,2026-03-10,PJ\n"
    path = Path(settings.MEDIA_ROOT) / "nul.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    assert text.encode().index(b"\x00") > 4096
    records = list(open_source(path).records)
    n, cells, errors = records[-1]
    assert cells is None and errors[0].code == "ROW_NUL"


# --- item 16: no-store for signed-in users ----------------------------------------------------------------------


def test_every_response_to_a_signed_in_user_is_no_store(client, wuxi_institution):
    anonymous = client.get("/directory/")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    client.force_login(wuxi_institution)
    for url in ("/apply/", "/directory/", "/directory/export.csv", "/api/v1/directory/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"], url


# --- item 17: raw CSV messages ------------------------------------------------------------------------------------


def test_a_csv_cell_over_the_field_limit_gets_a_clear_chinese_message():
    from skillreg.certificates.readers import FileUnreadable, open_source
    from skillreg.certificates.rows import COLUMNS

    header = ",".join(c.label for c in COLUMNS)
    path = Path(settings.MEDIA_ROOT) / "long.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{header}\nZ1,"{"长" * 140_000}\n', encoding="utf-8")
    with pytest.raises(FileUnreadable) as exc:
        list(open_source(path).records)
    assert exc.value.code == "IMPORT_CSV_FIELD_TOO_LONG"
    assert "field" not in exc.value.message and "单元格" in exc.value.message


# --- item 15: a password typed into the username field is not recorded ------------------------------------------


def test_a_password_typed_as_username_reaches_neither_the_trail_nor_the_log(client, wuxi_institution, caplog):
    from skillreg.audit.models import AuditRecord

    secret = "My#Secret2026"
    client.post("/accounts/login/", {"username": secret, "password": "whatever"})
    record = AuditRecord.objects.filter(action="auth.login_failed").latest("seq")
    assert secret not in record.object_id + record.summary and record.object_id.startswith("未知用户#")
    assert secret not in caplog.text
    # a real account's name is still recorded as it is
    client.post("/accounts/login/", {"username": "wuxi_org", "password": "Wrong#Pass1"})
    assert AuditRecord.objects.filter(action="auth.login_failed").latest("seq").object_id == "wuxi_org"
    # the same wrong name always gives the same mark, so repeated probes can be told apart
    client.post("/accounts/login/", {"username": secret, "password": "whatever"})
    again = AuditRecord.objects.filter(action="auth.login_failed").latest("seq")
    assert again.object_id == record.object_id


# --- item 14: a publicity notice starts today or later and runs its full period -------------------------------


def test_the_publicity_service_refuses_a_start_before_today_first(monkeypatch, wuxi_officer):
    """The date check does not depend on the case: a back-dated start is the first thing refused."""
    import datetime as dt

    from skillreg.applications.services import review
    from skillreg.core import clock
    from skillreg.core.errors import ValidationFailed

    monkeypatch.setattr(review, "ensure_handling_staff", lambda application, actor: None)
    monkeypatch.setattr(review, "_evaluation_done", lambda application: None)
    with pytest.raises(ValidationFailed) as exc:
        review.publicity_start(
            application=object(),  # type: ignore[arg-type]
            actor=wuxi_officer,
            starts_on=clock.today() - dt.timedelta(days=1),
            ends_on=clock.today() + dt.timedelta(days=6),
            text="拟备案公示",
        )
    assert exc.value.code == "PUBLICITY_BACKDATED" and exc.value.field == "starts_on"


# --- item 10: a lying <dimension> does not size anything --------------------------------------------------------


def test_an_xlsx_claiming_400_million_rows_is_estimated_by_its_real_size(tmp_path):
    import re
    import tracemalloc
    import zipfile

    from skillreg.certificates.bloom import Bloom
    from skillreg.certificates.readers import open_source
    from skillreg.certificates.tests.conftest import to_xlsx

    honest = tmp_path / "honest.xlsx"
    honest.write_bytes(to_xlsx([{"holder_name": "张三"}]))
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[A-Z0-9:]+"\s*/>', b'<dimension ref="A1:J400000000"/>', data)
                assert b"400000000" in data
            out.writestr(item, data)
    assert liar.stat().st_size < 10_000
    source = open_source(liar)
    assert source.estimated_rows < 2_000
    tracemalloc.start()
    Bloom(source.estimated_rows), Bloom(source.estimated_rows)  # what the writer sizes from it
    assert tracemalloc.get_traced_memory()[1] < 5_000_000
    tracemalloc.stop()
    list(source.records)


# --- item 17: username probes, expired sessions --------------------------------------------------------------


def test_registration_cannot_be_used_to_list_usernames(client, wuxi_institution, settings):
    settings.SKILLREG_RATE_LIMITS = {**settings.SKILLREG_RATE_LIMITS, "register": "100/600"}
    data = {
        "name": "某某培训学校",
        "region": "500238",
        "address": "巫溪县某路1号",
        "contact_name": "张三",
        "contact_phone": "13800138000",
        "password": testing.PASSWORD,
        "password2": testing.PASSWORD,
    }
    testing.make_admin("zhang_expert", "expert")
    answers = []
    for n, name in enumerate(["wuxi_org", "wuxi_org", "wuxi_org", "zhang_expert"]):  # all taken
        response = client.post(
            reverse("accounts:register"), {**data, "uscc": testing.make_uscc("500238", seed=40 + n), "username": name}
        )
        answers.append(response.status_code)
    assert answers == [200, 200, 200, 429]  # the fourth "taken" answer of the hour is not given


def test_expired_sessions_are_purged(client, wuxi_institution):
    import datetime as dt

    from django.contrib.sessions.models import Session

    from skillreg.accounts.tasks import sessions_purge
    from skillreg.core import clock

    client.force_login(wuxi_institution)
    other = type(client)()
    other.force_login(wuxi_institution)
    Session.objects.filter(session_key=other.session.session_key).update(
        expire_date=clock.now() - dt.timedelta(minutes=1)
    )
    assert Session.objects.count() == 2
    sessions_purge()
    assert list(Session.objects.values_list("session_key", flat=True)) == [client.session.session_key]


def test_recovery_codes_are_stored_as_keyed_digests_and_still_work_once(client, wuxi_officer):
    from django_otp.plugins.otp_static.models import StaticToken

    from skillreg.accounts.services import recovery_codes_regenerate

    testing.make_otp_device(wuxi_officer)
    codes = recovery_codes_regenerate(user=wuxi_officer)
    stored = set(StaticToken.objects.filter(device__user=wuxi_officer).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes) and all(t.startswith("h:") for t in stored)
    client.post("/accounts/login/", {"username": "wuxi_officer", "password": testing.PASSWORD})
    assert client.post(reverse("accounts:otp_verify"), {"token": codes[3]}).status_code == 302
    assert StaticToken.objects.filter(device__user=wuxi_officer).count() == 9


def test_totp_secrets_are_sealed_with_the_data_key_and_enrolment_still_works(client, wuxi_officer):
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post("/accounts/login/", {"username": "wuxi_officer", "password": testing.PASSWORD})
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    device = TOTPDevice.objects.get(user=wuxi_officer, confirmed=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("s1:") and device.bin_key.hex() not in stored
    from base64 import b32encode

    assert b32encode(device.bin_key).decode()[:4] in page  # the secret shown is the real one
    done = client.post(reverse("accounts:otp_setup"), {"token": testing.totp_code(device)})
    assert done.status_code == 200 and "恢复码" in done.content.decode()
    # a sealed key moved to another user's device does not open
    other = testing.make_admin("other_staff", "audit_admin")
    TOTPDevice.objects.filter(pk=device.pk).update(user=other)
    from skillreg.core.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        _ = TOTPDevice.objects.get(pk=device.pk).bin_key


def test_the_migration_seals_existing_plain_keys_once(wuxi_officer):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = testing.make_otp_device(wuxi_officer)  # a plain hex key, as devices made before
    code = testing.totp_code(device)
    migration = importlib.import_module("skillreg.accounts.migrations.0006_seal_totp_keys")
    migration.seal_keys(apps, None)
    sealed = TOTPDevice.objects.get(pk=device.pk)
    assert sealed.key.startswith("s1:") and testing.totp_code(sealed) == code
    migration.seal_keys(apps, None)  # idempotent
    assert TOTPDevice.objects.get(pk=device.pk).key == sealed.key


def test_a_formula_cell_without_a_cached_value_gets_a_message_that_says_so(tmp_path):
    from skillreg.certificates.readers import open_source
    from skillreg.certificates.tests.conftest import to_xlsx

    rows = [
        {"number": "A1", "holder_name": "张三", "id_number": "1"},
        {"number": "A2", "holder_name": '="李"&"四"', "id_number": "2"},  # written by a program: no result stored
        {"number": "A3", "holder_name": "王五", "id_number": "3"},
    ]
    path = tmp_path / "formula.xlsx"
    path.write_bytes(to_xlsx(rows))
    records = {n: (cells, errors) for n, cells, errors in open_source(path).records}
    assert records[3][0] is None and records[3][1][0].code == "ROW_FORMULA_NOT_CALCULATED"
    assert "公式" in records[3][1][0].message and "请填写" not in records[3][1][0].message
    assert records[2][0]["holder_name"] == "张三" and records[4][0]["holder_name"] == "王五"
