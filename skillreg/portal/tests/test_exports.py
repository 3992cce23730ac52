"""CSV and XLSX export of the current directory result: same columns, no personal data, no formulas."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from skillreg.portal.exports import HEADERS

from . import factories

pytestmark = pytest.mark.django_db

PERSONAL = [factories.LEGAL_REP_ID_NUMBER, factories.LEGAL_REP_PHONE, factories.HEAD_PHONE, factories.HEAD_NAME]


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list[object]]:
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_csv_is_streamed_utf8_with_bom_and_chinese(client, wuxi_filing, huainan_filing):
    response = client.get("/directory/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body, rows = read_csv(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADERS
    by_code = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert set(by_code) == {wuxi_filing.code, huainan_filing.code}
    row = by_code[wuxi_filing.code]
    assert row["评价机构名称"] == "巫溪县养老服务职业技能评价中心"
    assert row["所在地区"] == "重庆市巫溪县"
    assert row["有效期起"] == "2025-03-03" and row["有效期止"] == "2028-03-02"
    assert row["状态"] == "有效"
    assert "4-10-01-05 养老护理员（五级/初级工、四级/中级工、三级/高级工）" in row["评价职业（工种）及等级"]


def test_csv_export_follows_the_filters(client, wuxi_filing, huainan_filing):
    _, rows = read_csv(client.get("/directory/export.csv", {"region": "340400"}))
    assert [r[0] for r in rows[1:]] == [huainan_filing.code]
    _, rows = read_csv(client.get("/directory/export", {"format": "csv", "kind": "social_org"}))
    assert [r[0] for r in rows[1:]] == [wuxi_filing.code]


def test_xlsx_opens_and_has_same_columns(client, wuxi_filing, huainan_filing):
    response = client.get("/directory/export.xlsx", {"occupation": "4-10-01-05"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = read_xlsx(response)
    assert list(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == [wuxi_filing.code]
    assert rows[1][1] == "巫溪县养老服务职业技能评价中心"
    same = read_xlsx(client.get("/directory/export", {"format": "xlsx", "occupation": "4-10-01-05"}))
    assert same == rows


def test_formula_injection_is_neutralised(client):
    filing = factories.make_filing(name='=HYPERLINK("http://evil","点我")', address="+1+1", coverage="@SUM(A1)")
    rows = read_xlsx(client.get("/directory/export.xlsx"))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["备案编码"] == filing.code
    assert row["评价机构名称"] == '\'=HYPERLINK("http://evil","点我")'
    assert row["机构地址"] == "'+1+1"
    assert row["评价范围"] == "'@SUM(A1)"
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/directory/export.xlsx").content))
    assert all(c.data_type != "f" for r in wb.active.iter_rows() for c in r)

    _, csv_rows = read_csv(client.get("/directory/export.csv"))
    row = dict(zip(HEADERS, csv_rows[1], strict=True))
    assert row["评价机构名称"].startswith("'=")
    assert row["机构地址"] == "'+1+1"
    assert row["评价范围"] == "'@SUM(A1)"


def test_exports_have_no_personal_data(client, wuxi_filing):
    body, _ = read_csv(client.get("/directory/export.csv"))
    text = body.decode("utf-8-sig")
    xlsx_text = repr(read_xlsx(client.get("/directory/export.xlsx")))
    for secret in PERSONAL:
        assert secret not in text
        assert secret not in xlsx_text


def test_export_with_bad_filter_shows_message(client, wuxi_filing):
    response = client.get("/directory/export.csv", {"region": "123456"})
    assert response.status_code == 400
    assert "未找到行政区划代码“123456”" in response.content.decode()


def test_unknown_export_format_is_404(client, db):
    assert client.get("/directory/export", {"format": "pdf"}).status_code == 404


def test_csv_export_query_budget(client, django_assert_max_num_queries):
    for i in range(30):
        factories.make_filing(name=f"导出机构{i}", scope={"4-10-01-05": [5], "6-31-01-03": [4, 3]})
    with django_assert_max_num_queries(8):
        _, rows = read_csv(client.get("/directory/export.csv"))
    assert len(rows) == 31
