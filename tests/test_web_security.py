"""Web hardening (issue 5, items 5 and 6): oversized bodies refused before they are read, CSP without
unsafe-inline and templates that need none, security headers, `check --deploy` clean with production
settings, development keys refused in production, rate limits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillreg.core import testing

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "SKILLREG_DEBUG": "0",
    "SKILLREG_SECRET_KEY": "prod-" + "k3y-" * 16,
    "SKILLREG_DATA_KEY": "1a" * 16,
    "SKILLREG_INDEX_KEY": "2b" * 16,
    "SKILLREG_AUDIT_KEY": "3c" * 16,
    "SKILLREG_ALLOWED_HOSTS": "skillreg.hrss.gov.cn",
}


class ExplodingStream:
    """A request body that must never be read."""

    def read(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError("the body of an oversized request was read")

    readline = read


@pytest.mark.django_db
def test_a_2gb_upload_is_refused_from_its_content_length_without_reading_it(wuxi_institution, client, caplog):
    draft = testing.make_complete_draft(wuxi_institution)
    client.force_login(wuxi_institution)
    before = draft.materials.count()
    response = client.generic(
        "POST",
        reverse("apply:upload", args=[draft.public_id]),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
        **{"wsgi.input": ExplodingStream()},
    )
    assert response.status_code == 413
    assert "上传内容过大" in response.content.decode()
    assert draft.materials.count() == before
    assert "Content-Length" in caplog.text
    api = client.generic(
        "POST", "/api/v1/policy/check", b"", CONTENT_LENGTH=str(2 * 1024**3), **{"wsgi.input": ExplodingStream()}
    )
    assert api.status_code == 413 and api.json()["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.django_db
def test_upload_handler_stops_reading_a_file_over_the_limit(wuxi_institution, client, settings):
    settings.SKILLREG_UPLOAD_MAX_BYTES = 1024
    settings.SKILLREG_REQUEST_MAX_BYTES = 10 * 1024 * 1024
    draft = testing.make_complete_draft(wuxi_institution)
    client.force_login(wuxi_institution)
    before = draft.materials.count()
    big = SimpleUploadedFile("big.pdf", testing.PDF_BYTES + b"0" * 4096, content_type="application/pdf")
    response = client.post(reverse("apply:upload", args=[draft.public_id]), {"kind": "pledge", "file": big})
    assert response.status_code == 302
    assert draft.materials.count() == before


def test_csp_header_has_no_unsafe_inline(client, db):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def _templates() -> list[Path]:
    dirs = [ROOT / "templates", *ROOT.glob("skillreg/*/templates")]
    return [p for d in dirs for p in d.rglob("*.html")]


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    """CSP blocks inline scripts, styles and handlers: put them in static/ files (this covers every app)."""
    problems = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {what}"
        for path in _templates()
        for text in [path.read_text(encoding="utf-8")]
        for pattern, what in INLINE
        for m in pattern.finditer(text)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    # The home page has no form, so it sets no CSRF cookie (core.publiccache); the login form does.
    assert "csrftoken" not in response.cookies
    assert client.get("/accounts/login/").cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.django_db
def test_material_download_is_an_attachment_behind_the_scope(wuxi_institution, other_institution, client):
    draft = testing.make_complete_draft(wuxi_institution)
    material = draft.materials.first()
    url = reverse("apply:material", args=[draft.public_id, material.pk])
    client.force_login(wuxi_institution)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)
    assert not material.storage_name.endswith(material.original_name)
    client.force_login(other_institution)
    assert client.get(url).status_code == 404


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    drop = ("SKILLREG_", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    full = {k: v for k, v in os.environ.items() if not k.startswith(drop)} | env
    full["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PROD_ENV, "SKILLREG_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_development_keys(tmp_path):
    for name in ("SKILLREG_SECRET_KEY", "SKILLREG_DATA_KEY", "SKILLREG_INDEX_KEY", "SKILLREG_AUDIT_KEY"):
        env = {k: v for k, v in PROD_ENV.items() if k != name} | {"SKILLREG_VAR_DIR": str(tmp_path)}
        result = _manage("check", env=env)
        assert result.returncode != 0 and name in result.stderr


def test_production_settings_values(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_NAME, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    env = {**PROD_ENV, "SKILLREG_VAR_DIR": str(tmp_path), "SKILLREG_BEHIND_TLS_PROXY": "1"}
    result = _manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "__Host-sessionid",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ], result.stderr


@pytest.mark.django_db
def test_https_redirect_and_hsts_when_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    assert client.get("/").status_code == 301
    secure = client.get("/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
