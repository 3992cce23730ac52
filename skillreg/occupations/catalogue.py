"""Reading the occupation catalogue: the shipped subset (data/occupations.csv) and admin imports.

A row is ``code,name,levels,new_occupation`` where levels is like ``5;4;3;2;1``. Work types (工种)
have a fifth code segment and hang under their occupation. Imports may use the Chinese headers
职业编码 / 职业名称 / 等级 / 新职业, come as .xlsx (first sheet) or .csv (UTF-8, UTF-8 with BOM or GBK).

Everything here is pure parsing and validation: no database. Writes go through
``skillreg.occupations.services.occupations_import``; ``load_rows`` is the upsert both it and the
seeding migration use (the migration passes its historical model).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CODE_RE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}(-\d{2})?$")
SHIPPED = Path(__file__).resolve().parent / "data" / "occupations.csv"
NAME_MAX = 100  # Occupation.name max_length

FIELDS = ("code", "name", "levels", "new_occupation")
REQUIRED = ("code", "name", "levels")
HEADER_ALIASES = {
    "code": "code",
    "职业编码": "code",
    "职业（工种）编码": "code",
    "职业(工种)编码": "code",
    "编码": "code",
    "name": "name",
    "职业名称": "name",
    "职业（工种）名称": "name",
    "职业(工种)名称": "name",
    "名称": "name",
    "levels": "levels",
    "等级": "levels",
    "可评价等级": "levels",
    "new_occupation": "new_occupation",
    "新职业": "new_occupation",
}
FIELD_LABELS = {"code": "职业编码", "name": "职业名称", "levels": "等级", "new_occupation": "新职业"}

# 5 = 五级/初级工 … 1 = 一级/高级技师; accepted spellings of one level in the "levels" cell.
_LEVEL_WORDS = {
    "五级": 5,
    "四级": 4,
    "三级": 3,
    "二级": 2,
    "一级": 1,
    "初级工": 5,
    "中级工": 4,
    "高级工": 3,
    "技师": 2,
    "高级技师": 1,
    "五级/初级工": 5,
    "四级/中级工": 4,
    "三级/高级工": 3,
    "二级/技师": 2,
    "一级/高级技师": 1,
}
_LEVEL_SPLIT = re.compile(r"[;；,，、\s]+")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"", "0", "false", "no", "n", "否"}


class CatalogueError(ValueError):
    """A problem in the imported file, located by its line (spreadsheet row) number."""

    def __init__(self, line: int, message: str):
        super().__init__(f"第 {line} 行：{message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class OccupationRow:
    code: str
    name: str
    levels: tuple[int, ...]
    new_occupation: bool
    line: int = field(default=0, compare=False)

    @property
    def parent_code(self) -> str | None:
        return self.code[:10] if len(self.code) > 10 else None


def _cell(value: Any) -> str:
    """Spreadsheet cells arrive as str, int, float or bool; 5.0 means 5."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_levels(raw: str) -> tuple[int, ...]:
    """``"5;4;3"``, ``"5、4、3"``, ``"五级;四级"`` → ``(5, 4, 3)``. Raises ValueError with a Chinese message."""
    text = raw.strip()
    if not text:
        raise ValueError("等级不能为空，应为 1–5 的数字，以分号分隔，如 5;4;3")
    levels: set[int] = set()
    for token in _LEVEL_SPLIT.split(text):
        if not token:
            continue
        if token in _LEVEL_WORDS:
            levels.add(_LEVEL_WORDS[token])
        elif token.isdigit() and 1 <= int(token) <= 5:
            levels.add(int(token))
        else:
            raise ValueError(f"等级“{raw}”无效：“{token}”不是 1–5 的等级（5=五级/初级工 … 1=一级/高级技师）")
    return tuple(sorted(levels, reverse=True))


def parse_row(line: int, rec: dict[str, Any]) -> OccupationRow:
    code = _cell(rec.get("code"))
    name = _cell(rec.get("name"))
    if not code:
        raise CatalogueError(line, "职业编码不能为空")
    if not CODE_RE.match(code):
        raise CatalogueError(line, f"职业编码“{code}”格式不正确，应如 4-10-01-05 或 6-31-01-03-01")
    if not name:
        raise CatalogueError(line, f"职业编码“{code}”的职业名称不能为空")
    if len(name) > NAME_MAX:
        raise CatalogueError(line, f"职业名称过长（最多 {NAME_MAX} 个字）")
    try:
        levels = parse_levels(_cell(rec.get("levels")))
    except ValueError as exc:
        raise CatalogueError(line, str(exc)) from exc
    flag = _cell(rec.get("new_occupation")).lower()
    if flag not in _TRUE | _FALSE:
        raise CatalogueError(line, f"新职业“{flag}”无效，应填 1（是）或 0（否）")
    return OccupationRow(code, name, levels, flag in _TRUE, line)


def parse_numbered(records: Iterable[tuple[int, dict[str, Any]]]) -> list[OccupationRow]:
    """Validate every row; the first problem raises CatalogueError. Duplicate codes are problems."""
    rows: list[OccupationRow] = []
    seen: dict[str, int] = {}
    for line, rec in records:
        row = parse_row(line, rec)
        if row.code in seen:
            raise CatalogueError(line, f"职业编码“{row.code}”重复（第 {seen[row.code]} 行已有）")
        seen[row.code] = line
        rows.append(row)
    return rows


def parse_rows(records: Iterable[dict[str, Any]]) -> Iterator[OccupationRow]:
    """Rows as dicts keyed by the English field names; the first one is line 2 (after the header)."""
    yield from parse_numbered(enumerate(records, start=2))


def _header_map(header: list[Any]) -> dict[int, str]:
    """Column index → field name; unknown columns are ignored, missing required ones are an error."""
    mapping: dict[int, str] = {}
    for index, raw in enumerate(header):
        key = HEADER_ALIASES.get(_cell(raw).lstrip("\ufeff").strip().lower())
        if key and key not in mapping.values():
            mapping[index] = key
    missing = [FIELD_LABELS[f] + f"（{f}）" for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise CatalogueError(1, "表头缺少列：" + "、".join(missing) + "。表头应为 code,name,levels,new_occupation")
    return mapping


def _records(table: Iterable[tuple[int, list[Any]]]) -> list[OccupationRow]:
    """(line, cells) rows, the first being the header → validated rows. Blank rows are skipped."""
    iterator = iter(table)
    try:
        _, header = next(iterator)
    except StopIteration:
        raise CatalogueError(1, "文件是空的") from None
    mapping = _header_map(header)
    numbered = []
    for line, cells in iterator:
        if not any(_cell(c) for c in cells):
            continue
        numbered.append((line, {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}))
    rows = parse_numbered(numbered)
    if not rows:
        raise CatalogueError(2, "文件中没有职业数据")
    return rows


def decode_csv(data: bytes) -> tuple[str, str]:
    """Returns (text, encoding name). UTF-8 (with or without BOM) first, then GBK (as GB18030, its superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise CatalogueError(1, "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV") from exc


def read_csv_text(text: str) -> list[OccupationRow]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return _records((reader.line_num, cells) for cells in reader)


def read_csv_bytes(data: bytes) -> list[OccupationRow]:
    text, _ = decode_csv(data)
    return read_csv_text(text)


def read_xlsx_bytes(data: bytes) -> list[OccupationRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or non-xlsx file
        raise CatalogueError(1, "无法读取 Excel 文件：请使用 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        return _records((n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def read_file(path: str | Path) -> list[OccupationRow]:
    """An .xlsx or .csv file → validated rows (the whole file, or CatalogueError)."""
    data = Path(path).read_bytes()
    if data.startswith(b"PK\x03\x04") or str(path).lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx_bytes(data)
    return read_csv_bytes(data)


def shipped_catalogue() -> list[OccupationRow]:
    return read_csv_text(SHIPPED.read_text(encoding="utf-8"))


def load_rows(model: Any, rows: list[OccupationRow]) -> tuple[int, int]:
    """Upsert rows (occupations before their work types). Returns (created, updated).

    ``updated`` counts only rows whose stored values changed. Callers run this in a transaction.
    """
    created = updated = 0
    by_code = {o.code: o for o in model.objects.all()}
    for row in sorted(rows, key=lambda r: (len(r.code), r.code)):
        parent = by_code.get(row.parent_code) if row.parent_code else None
        values = {"name": row.name, "levels": list(row.levels), "new_occupation": row.new_occupation}
        obj = by_code.get(row.code)
        if obj is None:
            obj = model.objects.create(code=row.code, parent=parent, **values)
            created += 1
        else:
            changed = [k for k, v in values.items() if getattr(obj, k) != v]
            if obj.parent_id != (parent.pk if parent else None):
                obj.parent = parent
                changed.append("parent")
            if changed:
                for k in changed:
                    if k != "parent":
                        setattr(obj, k, values[k])
                obj.save(update_fields=changed)
                updated += 1
        by_code[row.code] = obj
    return created, updated
