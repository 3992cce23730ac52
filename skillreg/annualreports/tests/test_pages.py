"""Annual report pages and files: messages next to the field, the staff list, PDF/DOCX/XLSX downloads
(the DOCX names an East-Asian font on every run; the XLSX summary is formula-safe), 404 out of scope."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from skillreg.annualreports import services
from skillreg.annualreports.sections import level_key

from .conftest import at, register
from .test_reports import complete

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def submitted(hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=4, batch="A1")
    with at(D(2026, 11, 20)):
        report = services.report_start(filing=hn_filing, year=2026, actor=huainan_institution)
        key = level_key("skill_level", 5)
        data = complete(
            report, **{f"{key}_passes": "5", f"{key}_reason": "1人证书次年补登记", "basic": "=HYPERLINK(1)"}
        )
        return services.report_submit(report=report, data=data, actor=huainan_institution)


def test_a_changed_figure_without_reason_is_shown_next_to_the_field(client, hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=4, batch="A1")
    client.force_login(huainan_institution)
    with at(D(2026, 11, 20)):
        r = client.post("/annual-reports/start/", {"filing": hn_filing.pk, "year": 2024})
        assert r.status_code == 422 and "不在备案期间内" in r.content.decode()
        r = client.post("/annual-reports/start/", {"filing": hn_filing.pk, "year": 2026})
        assert r.status_code == 302
        url = r["Location"]
        page = client.get(url).content.decode()
        assert "证书登记合格人数" in page and 'value="4"' in page
        key = level_key("skill_level", 5)
        r = client.post(url, {f"{key}_passes": "6", "action": "save"})
        html = r.content.decode()
        assert r.status_code == 422
        assert f'id="err-{key}_reason"' in html and "合格人数与证书登记数据（4人）不一致" in html


def test_staff_download_pdf_docx_and_the_xlsx_summary(client, submitted, huainan_city_officer, guizhou_officer):
    client.force_login(huainan_city_officer)
    page = client.get(f"/annual-reports/{submitted.pk}/").content.decode()
    assert "1人证书次年补登记" in page and "退回修改" in page
    pdf = client.get(f"/annual-reports/{submitted.pk}/v/1/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"FontFile2" in pdf.content
    docx = client.get(f"/annual-reports/{submitted.pk}/v/1/report.docx")
    assert docx.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert 'w:eastAsia="宋体"' in xml and "三、评价工作开展情况" in xml and "备案工种考评员基本信息" in xml
    assert "1人证书次年补登记" in xml
    xlsx = client.get("/annual-reports/summary.xlsx?year=2026")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "报告年度" and rows[1][1] == submitted.filing.code
    assert rows[1][12] == 1  # one figure changed from the registry
    client.force_login(guizhou_officer)
    assert client.get(f"/annual-reports/{submitted.pk}/").status_code == 404
    assert client.get(f"/annual-reports/{submitted.pk}/v/1/report.pdf").status_code == 404
    xlsx = client.get("/annual-reports/summary.xlsx")
    assert len(list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())) == 1  # headers only


def test_staff_list_shows_missing_reports(client, hn_filing, huainan_city_officer):
    client.force_login(huainan_city_officer)
    with at(D(2026, 4, 10)):
        html = client.get("/annual-reports/").content.decode()
    assert "逾期未报送（已逾期 10 天）" in html and hn_filing.code in html


def _reports(filing, years, status="submitted"):  # type: ignore[no-untyped-def]
    """Reports of ``filing`` for ``years`` as the services leave them once submitted (the list reads no more)."""
    from django.utils import timezone

    from skillreg.annualreports.models import AnnualReport

    now = timezone.now()
    for year in years:
        AnnualReport.objects.create(
            filing=filing,
            unit_id=filing.unit_id,
            region_id=filing.region_id,
            year=year,
            status=status,
            content={"basic": "正文" * 500},
            first_submitted_at=now,
            submitted_at=now,
            created_at=now,
            updated_at=now,
        )


def test_staff_list_pages_the_submitted_reports_without_reading_their_content(
    client, hn_filing, huainan_city_officer, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skillreg.annualreports import views

    monkeypatch.setattr(views, "LIST_PAGE", 2)
    _reports(hn_filing, range(2020, 2025))
    client.force_login(huainan_city_officer)
    with at(D(2026, 4, 10)), CaptureQueriesContext(connection) as queries:
        first = client.get("/annual-reports/").content.decode()
    with at(D(2026, 4, 10)):
        last = client.get("/annual-reports/", {"page": 3}).content.decode()
    assert "第 1/3 页（共 5 条）" in first and first.count(">审阅</a>") == 2 and last.count(">审阅</a>") == 1
    assert "?year=2024" in first and "?year=2020" in first  # the summary's years, from a distinct query
    assert not [q for q in queries.captured_queries if '"annualreports_annualreport"."content"' in q["sql"]]


def test_staff_list_caps_the_late_and_missing_reports_with_their_total(
    client, hn_filing, huainan_city_officer, monkeypatch
):
    from skillreg.annualreports import views

    monkeypatch.setattr(views, "OVERDUE_SHOWN", 1)
    with at(D(2027, 4, 10)):
        client.force_login(huainan_city_officer)
        html = client.get("/annual-reports/").content.decode()
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    assert overdue.count("逾期未报送") == 1 and "<td>2026</td>" in overdue  # the most recent year first
    assert "仅显示最近年度的前 1 条（共 2 条）" in html
