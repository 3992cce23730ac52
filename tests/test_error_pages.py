"""Issue 11 item 7: with DEBUG off (as scripts/run now serves the demo) errors are Chinese pages, never
Django's debug page or its English defaults, and static files come from collectstatic's manifest."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousOperation
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.views import defaults

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ("Not Found", "Server Error", "Forbidden", "Bad Request", "The requested resource")


def _chinese_page(content: bytes, heading: str) -> str:
    html = content.decode()
    assert heading in html
    assert 'lang="zh-Hans"' in html
    for word in ENGLISH:
        assert word not in html, word
    return html


@pytest.mark.django_db
def test_404_is_a_chinese_page_without_the_url_list(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = _chinese_page(response.content, "页面不存在")
    assert "sysadmin/" not in html and "URLconf" not in html


def test_500_400_403_pages_render_without_a_request_context():
    request = RequestFactory().get("/x/")
    assert defaults.server_error(request).status_code == 500
    _chinese_page(defaults.server_error(request).content, "系统暂时无法完成您的请求")
    _chinese_page(defaults.bad_request(request, SuspiciousOperation("x")).content, "请求有误")
    _chinese_page(defaults.permission_denied(request, PermissionError("x")).content, "无权访问")


@pytest.mark.django_db
def test_an_unhandled_error_answers_the_chinese_500_page(settings):
    from django.test import Client

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF="tests.error_urls"):
        response = client.get("/boom/")
    assert response.status_code == 500
    _chinese_page(response.content, "系统暂时无法完成您的请求")


def test_collectstatic_writes_a_manifest_with_every_asset_the_templates_name(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", "-v", "0")
        manifest = (tmp_path / "staticfiles.json").read_text()
        named = set()
        for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("skillreg/*/templates/**/*.html")]:
            named |= set(re.findall(r"{% static ['\"]([^'\"]+)['\"]", template.read_text()))
        assert named, "no {% static %} found: the scan is broken"
        missing = sorted(n for n in named if f'"{n}"' not in manifest)
        assert not missing, f"named in templates but not collected: {missing}"
        # rendered pages point at the hashed, far-future-cacheable names
        from django.contrib.staticfiles.storage import staticfiles_storage

        hashed = staticfiles_storage.url("css/skillreg.css")
        assert re.search(r"/static/css/skillreg\.[0-9a-f]{12}\.css$", hashed)
        # the error pages' unhashed links are served too (collectstatic keeps the originals)
        assert (tmp_path / "css" / "skillreg.css").exists() and (tmp_path / "favicon.svg").exists()
        assert "skillreg.css" in render_to_string("404.html")


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SKILLREG_") and k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_the_local_demo_runs_with_debug_off_on_plain_http():
    done = _settings_in_subprocess(SKILLREG_DEBUG="0", SKILLREG_LOCAL_DEMO="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False"]


def test_the_local_demo_flag_is_ignored_in_production():
    done = _settings_in_subprocess(SKILLREG_DEBUG="0", SKILLREG_LOCAL_DEMO="1", SKILLREG_ENV="production")
    assert done.returncode != 0
    assert "development default" in done.stderr


def test_scripts_run_turns_debug_off_and_checks_the_manifest():
    text = (ROOT / "scripts" / "run").read_text()
    assert "export SKILLREG_DEBUG=${SKILLREG_DEBUG:-0}" in text
    assert "staticfiles/staticfiles.json" in text
