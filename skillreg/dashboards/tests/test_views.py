"""The dashboard page and its exports: who may see it, the filter's Chinese errors, CSV/XLSX with the table's
numbers (formula-safe), and the region scope of both."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from skillreg.occupations.models import Occupation

from . import builders as b

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/staff/dashboards/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 16, 10, tzinfo=b.SHANGHAI), tick=False):
        yield


@pytest.fixture
def data(db):
    tja = b.filing("340403", "social_org", [(D(2025, 3, 3), "active")])
    dt_ = b.filing("340402", "employer", [(D(2025, 6, 15), "active")])
    batch = b.batch(tja, "6-31-01-03", 4, ends_on=D(2026, 1, 10), applicants=10, passes=8)
    b.certificates(batch, 8, issued=D(2026, 1, 20))
    evil = Occupation.objects.create(code="9-99-99-99", name='=HYPERLINK("http://x")', levels=[5])
    other = b.batch(dt_, "6-31-01-03", 5, ends_on=D(2026, 1, 10), applicants=4, passes=3)
    other.occupation = evil
    other.save()
    b.certificates(other, 3, issued=D(2026, 1, 20))
    return tja, dt_


def _login(client, user):
    client.force_login(user)
    return client


def test_staff_see_every_chart_with_its_table_and_data(client, huainan_city_officer, data):
    response = _login(client, huainan_city_officer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "institutions-status",
        "institutions-kind",
        "institutions-region",
        "cases-stage",
        "certificates-occupation",
        "pass-rate-level",
    ):
        assert f'id="{key}-title"' in html
        assert reverse("dashboards:export", kwargs={"key": key, "fmt": "xlsx"}) in html
    assert "reports-timeliness" not in html  # no annual-report source: no chart, no fake series
    assert "<script>" not in html and '<script type="text/javascript">' not in html  # CSP: no inline script
    payload = json.loads(
        re.search(r'<script id="institutions-region-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert payload["series"] and {s["name"] for s in payload["series"]} == {"田家庵区", "大通区"}
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboards.js" in html
    assert "统计地区：淮南市" in html


def test_only_staff_have_a_dashboard(client, wuxi_institution, sysadmin, data):
    assert client.get(URL).status_code == 302  # to the login page
    for user in (wuxi_institution, sysadmin):
        assert _login(client, user).get(URL).status_code == 404
        assert client.get(URL + "export/cases-stage.csv").status_code == 404


def test_a_county_cannot_choose_another_county(client, huainan_county_officer, data):
    response = _login(client, huainan_county_officer).get(URL, {"region": "340402"})
    assert response.status_code == 400
    assert "所选地区不在本机关管辖范围内" in response.content.decode()
    assert client.get(URL + "export/certificates-occupation.csv", {"region": "340402"}).status_code == 400
    # its own region: only its own institution
    response = client.get(URL + "export/institutions-region.csv", {"region": "340403"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["月份", "田家庵区本级"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, "start", "起始日期不能晚于截止日期"),
        ({"end": "2026-12-31"}, "end", "截止日期不能晚于今天"),
        ({"start": "2019-01-01", "end": "2026-03-01"}, "start", "统计期间最长60个月"),
        ({"start": "2026-02-30"}, "start", "请输入有效日期"),
    ],
)
def test_bad_filters_get_a_message_next_to_the_field(client, huainan_city_officer, params, field, message):
    response = _login(client, huainan_city_officer).get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-errors"' in html and message in html
    assert "dash-canvas" not in html  # nothing drawn on bad input


def test_exports_carry_the_tables_numbers_formula_safe(client, huainan_city_officer, data):
    _login(client, huainan_city_officer)
    params = {"region": "340400", "start": "2026-01-01", "end": "2026-03-16"}
    response = client.get(URL + "export/certificates-occupation.csv", params)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["职业编码", "职业（工种）", "等级", "证书数", "报考人数", "通过率"]
    assert ["6-31-01-03", "电工", "四级/中级工", "8", "10", "80.0%"] in rows
    evil = next(r for r in rows if r[0] == "9-99-99-99")
    assert evil[1].startswith("'=")  # shown as text, never evaluated
    response = client.get(URL + "export/certificates-occupation.xlsx", params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert ["6-31-01-03", "电工", "四级/中级工", 8, 10, "80.0%"] in values
    cell = next(r for r in sheet.iter_rows() if r[0].value == "9-99-99-99")[1]
    assert cell.data_type == "s" and str(cell.value).startswith("'=")


def test_unknown_chart_or_format_is_not_found(client, huainan_city_officer, data):
    _login(client, huainan_city_officer)
    assert client.get(URL + "export/nothing.csv").status_code == 404
    assert client.get(URL + "export/cases-stage.pdf").status_code == 404
    assert client.get(URL + "export/reports-timeliness.csv").status_code == 404  # hidden chart, no export
