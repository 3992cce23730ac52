"""Provincial installation (issue 16), what runs on every database: SQLite settings from a URL, anonymous pages a
shared cache may keep, compression, request ids and JSON logs, readiness, hashed static names, encrypted files,
once-per-period claims."""

from __future__ import annotations

import gzip
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

from config.settings import database_from_url
from skillreg.core import cluster, health, objectstore
from skillreg.core.requestlog import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[3]


# --- SQLite from DATABASE_URL -----------------------------------------------------------------


def test_sqlite_database_url_gets_the_default_sqlite_settings():
    config = database_from_url("sqlite:////tmp/skillreg-x.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=20000" in config["OPTIONS"]["init_command"]
    assert "OPTIONS" not in database_from_url("postgres://u@h/db") or not database_from_url("postgres://u@h/db")[
        "OPTIONS"
    ].get("transaction_mode")


def test_a_database_opened_from_a_sqlite_url_runs_in_wal_mode(tmp_path):
    db = tmp_path / "x.sqlite3"
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); c.execute('PRAGMA busy_timeout');"
        "print(c.fetchone()[0])"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_REPLICA_URL", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["wal", "20000"]


# --- anonymous pages: no CSRF cookie, no Vary: Cookie, public cache --------------------------


@pytest.mark.django_db
def test_anonymous_page_without_a_form_is_publicly_cacheable(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
def test_directory_page_is_publicly_cacheable(client):
    response = client.get("/directory/")
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"].startswith("public")


@pytest.mark.django_db
def test_anonymous_page_with_a_form_keeps_its_csrf_cookie_and_is_not_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_request_with_a_session_cookie_is_not_made_public(client):
    client.cookies["sessionid"] = "whatever"
    response = client.get("/")
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_signed_in_page_is_not_made_public(client, wuxi_institution):
    client.force_login(wuxi_institution)
    response = client.get("/directory/")
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_html_is_compressed_when_the_client_accepts_gzip(client):
    response = client.get("/directory/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)
    assert "accept-encoding" in response["Vary"].lower()


# --- request id and JSON logs ----------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_proxy_id_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"x-request-id": "a1b2c3d4e5f60718"})["X-Request-ID"] == "a1b2c3d4e5f60718"
    assert client.get("/healthz", headers={"x-request-id": "bad id\nwith newline"})["X-Request-ID"] != "bad id"


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("skillreg.x", logging.WARNING, __file__, 1, "拒绝 %s", ("x",), None)
    record.request_id = "abc12345"
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "拒绝 x"
    assert line["request_id"] == "abc12345"
    assert line["level"] == "WARNING"


def test_the_task_consumer_logs_once_through_the_configured_handler():
    """run_huey adds a plain-text handler of its own to the "huey" logger when that logger has none: every consumer
    line then came out twice, once as text (local time) and once as JSON (UTC) through the root handler."""
    logger = logging.getLogger("huey")
    assert logger.handlers, "run_huey would add its own handler"
    assert logger.propagate is False
    assert {type(h.formatter) for h in logger.handlers} == {type(h.formatter) for h in logging.getLogger().handlers}


# --- readiness ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_reports_every_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) >= {"database", "cache", "storage", "queue"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_naming_the_failing_dependency(client, monkeypatch):
    def broken() -> str:
        raise ConnectionError("down")

    monkeypatch.setitem(health.CHECKS, "storage", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert (storage["status"], storage["error"]) == ("error", "ConnectionError")


# --- hashed static names -------------------------------------------------------------------------


def test_static_files_get_hashed_names_when_collected_for_production(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        url = staticfiles_storage.url("css/skillreg.css")
    assert url.startswith("/static/css/skillreg.") and url.endswith(".css") and url != "/static/css/skillreg.css"
    hashed = tmp_path / url.removeprefix("/static/")
    assert hashed.exists() and Path(f"{hashed}.gz").exists()


def test_production_settings_choose_the_manifest_storage():
    from config import settings

    assert settings.SKILLREG_STATIC_HASHED is (not settings.DEBUG) or "SKILLREG_STATIC_HASHED" in os.environ
    code = "from config import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    env = {**os.environ, "SKILLREG_STATIC_HASHED": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_name_outside_the_storage_root_is_refused(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(objectstore.CorruptFile):
        objectstore.open_file("../etc/passwd")


# --- once per period ------------------------------------------------------------------------------


def test_a_period_is_claimed_once_and_the_next_period_again():
    assert cluster.claim_period("t", 600, now=6000.0)
    assert not cluster.claim_period("t", 600, now=6599.0)
    assert cluster.claim_period("t", 600, now=6600.0)
    assert cluster.claim_period("other", 600, now=6000.0)
