"""Spreadsheet exports (CSV, XLSX) that are safe to open in Excel / WPS.

* ``safe_cell`` neutralises formula injection: a text value starting with ``= + - @`` (or a tab / carriage
  return, which some spreadsheet programs strip before parsing) gets a leading apostrophe, so it is shown
  as text and never evaluated.
* CSV is UTF-8 with a byte-order mark, so Excel recognises the encoding of Chinese text, and is streamed.
* XLSX is written with openpyxl in write-only mode; every text cell is stored as a string.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def _attachment(filename: str) -> str:
    return content_disposition_header(True, filename) or "attachment"


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet will not evaluate. Numbers, dates and ``None`` pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe_cell(value) if isinstance(value, str) else value)


class _Echo:
    """A file-like object whose ``write`` returns what it was given (for streaming ``csv.writer``)."""

    def write(self, value: str) -> str:
        return value


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text chunks: the BOM, the header line, then one line per row (values neutralised)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([_csv_text(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row])


def csv_streaming_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream ``rows`` as a UTF-8 (with BOM) CSV download; ``rows`` may be a lazy iterator."""
    response = StreamingHttpResponse(chunk.encode("utf-8") for chunk in csv_rows(headers, rows))
    response["Content-Type"] = CSV_CONTENT_TYPE
    response["Content-Disposition"] = _attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local time
    return value


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> bytes:
    """An XLSX workbook with one sheet: a bold header row, then ``rows``."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=_xlsx_value(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=_xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> HttpResponse:
    """An XLSX download of ``rows`` (built in memory: XLSX is a zip and cannot be streamed row by row)."""
    response = HttpResponse(xlsx_bytes(headers, rows, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
