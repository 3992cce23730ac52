"""The reusable export helpers: formula neutralisation, CSV with BOM (streamed), XLSX."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from skillreg.documents.exports import csv_rows, csv_streaming_response, safe_cell, xlsx_bytes, xlsx_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("养老护理员", "养老护理员"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-2, -2),
        (dt.date(2025, 3, 3), dt.date(2025, 3, 3)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_rows_start_with_bom_and_neutralise():
    chunks = list(csv_rows(["名称", "日期"], [["=cmd", dt.date(2025, 1, 2)], ["电工", None]]))
    assert chunks[0].startswith("\ufeff名称,日期")
    assert chunks[1] == "'=cmd,2025-01-02\r\n"
    assert chunks[2] == "电工,\r\n"


def test_csv_streaming_response_is_lazy():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [f"行{i}"]

    response = csv_streaming_response("名录.csv", ["列"], rows())
    assert consumed == []  # nothing read before the response is iterated
    body = b"".join(response.streaming_content)
    assert consumed == [0, 1, 2]
    assert body.decode("utf-8").startswith("\ufeff列")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_xlsx_bytes_types_and_no_formulas():
    data = xlsx_bytes(
        ["名称", "日期", "数量"],
        [['=HYPERLINK("x")', dt.date(2025, 3, 3), 5], ["bad\x01char", None, -1]],
        sheet_title="表",
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["表"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("名称", "日期", "数量")
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert rows[1][1] == dt.datetime(2025, 3, 3)
    assert rows[1][2] == 5
    assert rows[2][0] == "badchar"  # illegal control characters are dropped, not a crash
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_xlsx_response_headers():
    response = xlsx_response("名录.xlsx", ["a"], [["b"]])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
