"""The charting library is the one package-lock.json pins, installed by scripts/setup with its licence files,
and the page refers only to our own static files (no CDN)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[3]


def test_vendored_echarts_is_the_locked_version_with_its_licence():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    package = lock["packages"]["node_modules/echarts"]
    assert package["license"] == "Apache-2.0" and package["integrity"].startswith("sha512-")
    found = finders.find("vendor/echarts/echarts.min.js")
    assert found, "static/vendor/echarts/echarts.min.js is missing: run scripts/setup"
    assert f't.version="{package["version"]}"' in Path(found).read_text(encoding="utf-8")[-400:]
    for name in ("LICENSE", "NOTICE"):
        assert finders.find(f"vendor/echarts/{name}"), name
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["echarts"] == package["version"]


def test_the_page_template_loads_no_external_script():
    html = (ROOT / "skillreg/dashboards/templates/dashboards/dashboard.html").read_text()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
