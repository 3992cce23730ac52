"""Stream the rows of an uploaded report (xlsx or CSV) one at a time, in flat memory.

* xlsx: openpyxl ``read_only=True`` (the sheet XML is parsed as it is read, never loaded whole); the zip is
  checked first, so a truncated or corrupt file is one clear file-level error.
* CSV: the encoding is detected from the first 64 KB — UTF-8 with or without BOM, else GB18030 (a superset
  of GBK, which Excel on a Chinese Windows writes) — and decoded incrementally; a row that still holds
  undecodable bytes is a row-level error, not a crash.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from .rows import FILE, RowError, map_header

SNIFF_BYTES = 64 * 1024
# A data row of the template takes more than this in a compressed sheet (ten cells of varying text; a real
# 420,000-row report is ~45 bytes a row): a bound on the rows a file of a given size can hold.
MIN_COMPRESSED_ROW_BYTES = 8
Record = tuple[int, dict[str, Any] | None, list[RowError]]
# Header row → column positions by key (the certificate template's ``map_header``, or another table's)
HeaderMap = Callable[[Sequence[Any]], tuple[dict[str, int], list[RowError]]]


class FileUnreadable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_error(self, row: int = 0) -> RowError:
        return RowError(row, FILE, self.code, self.message)


@dataclass
class Source:
    """An opened report: its format, encoding, an estimate of the row count, and the row iterator."""

    file_format: str
    encoding: str = ""
    estimated_rows: int = 0
    records: Iterator[Record] = field(default_factory=lambda: iter(()))


def detect_format(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileUnreadable(
            "IMPORT_XLS_NOT_SUPPORTED", "不支持旧版 .xls 文件，请在表格软件中另存为 .xlsx 或 CSV 后上传"
        )
    if b"\x00" in head[:4096] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileUnreadable("IMPORT_FILE_TYPE", "文件不是 xlsx 或 CSV 表格")
    return "csv"


def open_source(source: Path | IO[bytes], *, header: HeaderMap = map_header) -> Source:
    """Open a report from its path, or from a seekable binary file (the decrypted upload, which this then owns
    and closes when its rows have been read)."""
    if isinstance(source, Path | str):
        try:
            fh: IO[bytes] = open(source, "rb")  # noqa: SIM115 - owned by the Source, closed after the rows
        except FileNotFoundError:
            # e.g. the job already ran (its upload is deleted when it ends) or media was not restored with the db
            raise FileUnreadable("IMPORT_FILE_GONE", "上传的文件已不存在，请重新上传") from None
    else:
        fh = source
    try:
        fh.seek(0)
        head = fh.read(SNIFF_BYTES)
        if not head:
            raise FileUnreadable("IMPORT_FILE_EMPTY", "文件为空")
        fmt = detect_format(head)
        return _open_xlsx(fh, header) if fmt == "xlsx" else _open_csv(fh, head, header)
    except BaseException:
        fh.close()
        raise


def _size(fh: IO[bytes]) -> int:
    here = fh.tell()
    size = fh.seek(0, io.SEEK_END)
    fh.seek(here)
    return size


# -- xlsx -----------------------------------------------------------------------------------------------------------
def _check_zip(fh: IO[bytes]) -> None:
    limit = int(getattr(settings, "SKILLREG_CERT_IMPORT_MAX_UNZIPPED_BYTES", 2 * 1024**3))
    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = max(sum(i.compress_size for i in infos), 1)
    except (zipfile.BadZipFile, OSError):
        raise FileUnreadable(
            "IMPORT_FILE_CORRUPT", "xlsx 文件不完整或已损坏（可能上传中断），无法读取，请在表格软件中重新保存后上传"
        ) from None
    if "xl/workbook.xml" not in names:
        raise FileUnreadable("IMPORT_FILE_TYPE", "文件不是 xlsx 表格")
    if total > limit or total / packed > 100:
        raise FileUnreadable("IMPORT_ZIP_BOMB", "文件解压后体积异常（疑似压缩炸弹），已拒收")


def _open_xlsx(fh: IO[bytes], header: HeaderMap = map_header) -> Source:
    from openpyxl import load_workbook

    _check_zip(fh)
    fh.seek(0)
    try:  # a file object (closed with the workbook) also skips openpyxl's extension check
        wb = load_workbook(fh, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken package
        raise FileUnreadable("IMPORT_FILE_CORRUPT", "xlsx 文件已损坏，无法读取，请在表格软件中重新保存后上传") from None
    ws = wb.worksheets[0]
    estimated = max((ws.max_row or 1) - 1, 0) if ws.max_row else 0
    # The sheet's <dimension> is whatever the file says (a 5 KB file claimed 400,000,000 rows and the writer's
    # Bloom filters took 1.6 GB): never more rows than the file's real size can hold (issue 12, item 10).
    estimated = min(estimated, _size(fh) // MIN_COMPRESSED_ROW_BYTES)

    def records() -> Iterator[Record]:
        try:
            uncalculated = _uncalculated_formula_rows(wb, ws)
            yield from _table(
                enumerate(ws.iter_rows(values_only=True), start=1), uncalculated=uncalculated, header=header
            )
        except FileUnreadable:
            raise
        except Exception:  # noqa: BLE001 - a damaged part of the sheet's XML
            raise FileUnreadable("IMPORT_FILE_CORRUPT", "xlsx 文件内容已损坏，读取中断") from None
        finally:
            wb.close()
            fh.close()

    return Source("xlsx", "", estimated, records())


_CELL = re.compile(rb'<c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*(?<!/)>(.{0,4000}?)</c>', re.DOTALL)


def _uncalculated_formula_rows(wb: Any, ws: Any) -> set[int]:
    """Rows holding a formula without a cached result (a file written by a program, never saved by a
    spreadsheet): read with ``data_only`` they look empty, and "请填写…" would mislead (issue 12, item 17).
    One pass over the sheet's XML; the cell regex runs only on the parts that contain a formula at all."""
    rows: set[int] = set()
    try:
        with wb._archive.open(ws._worksheet_path) as xml:  # openpyxl's read-only sheet: its zip and part name
            tail = b""
            while chunk := xml.read(1024 * 1024):
                data = tail + chunk
                cut = data.rfind(b"</c>") + 4 if b"</c>" in data else 0
                part, tail = data[:cut], data[cut:][-8192:]
                if b"<f" in part:
                    for m in _CELL.finditer(part):
                        body = m.group(2)
                        if b"<f" in body and not re.search(rb"<v>[^<]", body):
                            rows.add(int(m.group(1)))
    except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
        return set()  # no such part where openpyxl keeps it: nothing to say
    return rows


# -- CSV ------------------------------------------------------------------------------------------------------------
def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"  # undecodable rows are reported one by one


def _open_csv(fh: IO[bytes], head: bytes, header: HeaderMap = map_header) -> Source:
    encoding = detect_encoding(head)
    lines = max(head.count(b"\n"), 1)
    size = _size(fh)
    estimated = max(int(size / (len(head) / lines)) - 1, 0) if len(head) < size else max(lines - 1, 0)
    first_line = head.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","

    def records() -> Iterator[Record]:
        fh.seek(0)
        with fh as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            try:
                yield from _table(enumerate(reader, start=1), check_encoding=True, header=header)
            except csv.Error as exc:
                raise _csv_unreadable(exc, reader.line_num) from None

    return Source("csv", encoding, estimated, records())


def _csv_unreadable(exc: csv.Error, line: int) -> FileUnreadable:
    """The csv module's English messages, said in Chinese with the line (issue 12, item 17)."""
    where = f"第 {line} 行附近" if line else "文件中"
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return FileUnreadable(
            "IMPORT_CSV_FIELD_TOO_LONG",
            f"CSV 格式错误：{where}有一个单元格超过 {limit} 个字符（常见原因是引号未闭合），请用模板重新填写",
        )
    return FileUnreadable("IMPORT_CSV_INVALID", f"CSV 格式错误：{where}的内容无法按 CSV 读取，请另存为 CSV 后重新上传")


# -- common ---------------------------------------------------------------------------------------------------------
def _table(
    numbered: Iterator[tuple[int, Any]],
    *,
    check_encoding: bool = False,
    uncalculated: set[int] | None = None,
    header: HeaderMap = map_header,
) -> Iterator[Record]:
    """Header (first non-empty row) → column positions; then each non-empty row as a dict by column key."""
    positions: dict[str, int] | None = None
    for n, values in numbered:
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if positions is None:
            positions, errors = header(values)
            if errors:
                raise FileUnreadable(errors[0].code, errors[0].message)
            continue
        cells = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        if uncalculated and n in uncalculated:
            message = (
                "该行有公式单元格，但文件中没有公式的计算结果（文件可能由程序生成、未在表格软件中保存过）；"
                "请在表格软件中打开并保存后重新上传，或把公式改为数值"
            )
            yield n, None, [RowError(n, FILE, "ROW_FORMULA_NOT_CALCULATED", message)]
            continue
        if any(isinstance(v, str) and "\x00" in v for v in cells.values()):
            # a NUL past the first 4 KB (which would refuse the file): a row error, never a database error
            yield n, None, [RowError(n, FILE, "ROW_NUL", "该行含有空字符（NUL），请删除后重新上传")]
            continue
        if check_encoding and any(isinstance(v, str) and "\ufffd" in v for v in cells.values()):
            yield (
                n,
                None,
                [
                    RowError(
                        n,
                        FILE,
                        "ROW_ENCODING",
                        "该行含有无法识别的字符（文件编码不是 UTF-8 或 GBK），请另存为 UTF-8 CSV",
                    )
                ],
            )
            continue
        yield n, cells, []
    if positions is None:
        raise FileUnreadable("IMPORT_NO_HEADER", "文件中没有表头行（请使用下载的模板）")


def json_records(items: list[dict[str, Any]]) -> Iterator[Record]:
    """API items as records; ``row`` is the 1-based item index."""
    for i, item in enumerate(items, start=1):
        yield i, item, []
