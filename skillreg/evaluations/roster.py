"""The roster of passes (合格名册) filed with a plan's results: read with the certificate import's readers
(xlsx or CSV, streamed, encodings detected, zip bombs refused), each row checked with the project's own ID
validator; every fault goes into one error workbook and nothing is written (issue 14)."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from skillreg.certificates import numbers
from skillreg.certificates.readers import FileUnreadable, json_records, open_source
from skillreg.certificates.rows import ID_TYPES, RowError, parse_level
from skillreg.core import crypto, objectstore
from skillreg.core.errors import ValidationFailed
from skillreg.core.uploads import secure_file
from skillreg.core.validators import clean_id_number
from skillreg.occupations.models import LEVEL_NAMES

HOLDER_ID_PURPOSE = "certificate.holder_id"  # the certificate registry's blind index: rows match certificates
SUBDIR = "evaluation-rosters"
COLUMNS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("holder_name", "姓名", True, ("持证人姓名",)),
    ("id_type", "证件类型", False, ("证件种类",)),
    ("id_number", "证件号码", True, ("身份证号", "身份证号码", "证件号")),
    ("occupation_code", "职业编码", True, ("职业（工种）编码", "职业(工种)编码", "职业代码")),
    ("level", "等级", True, ("级别", "技能等级")),
    ("number", "证书编号", False, ("证书号", "证书编码")),
)
LABELS = {key: label for key, label, _r, _a in COLUMNS}
_ID_TYPE_BY_LABEL = {**{v: k for k, v in ID_TYPES.items()}, **{k: k for k in ID_TYPES}}
MAX_ROWS = 100_000


def _norm(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).lstrip("*")


def map_header(cells: Sequence[Any]) -> tuple[dict[str, int], list[RowError]]:
    names = {_norm(n): key for key, label, _r, aliases in COLUMNS for n in (label, *aliases)}
    positions: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = names.get(_norm(cell))
        if key and key not in positions:
            positions[key] = i
    missing = [label for key, label, required, _a in COLUMNS if required and key not in positions]
    if missing:
        return positions, [
            RowError(1, "文件", "ROSTER_HEADER_MISSING", f"合格名册表头缺少必填列：{'、'.join(missing)}")
        ]
    return positions, []


@dataclass(frozen=True)
class RosterRow:
    row: int
    holder_name: str
    id_type: str
    id_number: str
    holder_id_index: str
    holder_id_masked: str
    occupation_code: str
    level: int
    number: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def check_rows(
    records: Iterator[tuple[int, dict[str, Any] | None, list[RowError]]],
    *,
    occupation_code: str,
    occupation_codes: set[str],
    level: int,
    today: dt.date,
) -> tuple[list[RosterRow], list[RowError]]:
    """Every row checked; duplicates of one person (ID number, occupation, level) are faults too."""
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    numbers_seen: dict[str, int] = {}
    for n, cells, row_errors in records:
        if n > MAX_ROWS + 1:
            errors.append(RowError(n, "文件", "ROSTER_TOO_LARGE", f"合格名册最多{MAX_ROWS}行"))
            break
        errors.extend(row_errors)
        if cells is None:
            continue
        faults: list[RowError] = []

        def err(key: str, code: str, message: str, _n: int = n, _f: list[RowError] = faults) -> None:
            _f.append(RowError(_n, LABELS.get(key, key), code, message))

        name = _text(cells.get("holder_name"))
        if not name:
            err("holder_name", "ROSTER_NAME_REQUIRED", "请填写姓名")
        elif len(name) > 50:
            err("holder_name", "ROSTER_NAME_TOO_LONG", "姓名不超过50字")
        id_type = _ID_TYPE_BY_LABEL.get(_text(cells.get("id_type")) or "resident_id")
        if id_type is None:
            err("id_type", "ROSTER_ID_TYPE_INVALID", f"证件类型无效，可填：{'、'.join(ID_TYPES.values())}")
        id_number = _text(cells.get("id_number"))
        if id_type == "resident_id":
            try:
                id_number = clean_id_number(id_number, today=today)
            except ValidationFailed as exc:
                err("id_number", exc.code, exc.message)
        elif not id_number or len(id_number) > 40:
            err("id_number", "ROSTER_ID_REQUIRED", "请填写证件号码（不超过40字）")
        code = _text(cells.get("occupation_code"))
        if code not in occupation_codes:
            err(
                "occupation_code",
                "ROSTER_OCCUPATION_MISMATCH",
                f"职业编码“{code}”与评价计划的职业（{occupation_code}）不符",
            )
        row_level = parse_level(cells.get("level"))
        if row_level != level:
            err("level", "ROSTER_LEVEL_MISMATCH", f"等级与评价计划的等级（{LEVEL_NAMES.get(level, level)}）不符")
        number = numbers.normalise(cells.get("number")) or ""
        if number:
            try:
                numbers.parse(number)
            except numbers.NumberError as exc:
                err("number", exc.code, exc.message)
            else:
                if number in numbers_seen:
                    err("number", "ROSTER_NUMBER_DUPLICATE", f"证书编号与第 {numbers_seen[number]} 行重复")
                numbers_seen.setdefault(number, n)
        if not faults and id_type:
            index = crypto.blind_index(id_number, purpose=HOLDER_ID_PURPOSE)
            key = f"{index}|{code}|{level}"
            if key in seen:
                err("id_number", "ROSTER_PERSON_DUPLICATE", f"与第 {seen[key]} 行是同一人（同一职业、等级）")
            else:
                seen[key] = n
                rows.append(
                    RosterRow(n, name, id_type, id_number, index, crypto.mask_id_number(id_number), code, level, number)
                )
        errors.extend(faults)
    return rows, errors


def read(
    source: Path | IO[bytes] | list[dict[str, Any]],
    *,
    occupation_code: str,
    occupation_codes: set[str],
    level: int,
    today: dt.date,
) -> tuple[list[RosterRow], list[RowError]]:
    try:
        records = json_records(source) if isinstance(source, list) else open_source(source, header=map_header).records
        return check_rows(
            records, occupation_code=occupation_code, occupation_codes=occupation_codes, level=level, today=today
        )
    except FileUnreadable as exc:
        return [], [exc.as_error()]


def error_workbook(errors: list[RowError], plan_id: int) -> str:
    """Store one xlsx listing every fault (row, column, reason in Chinese); returns its storage name."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("合格名册错误清单")
    ws.append(["行号", "出错的列", "错误说明"])
    for e in sorted(errors, key=lambda e: e.row):
        ws.append([e.row or "—", e.column, e.message])
    root = Path(settings.MEDIA_ROOT) / SUBDIR
    root.mkdir(parents=True, exist_ok=True)
    local = root / f".tmp-{secrets.token_hex(12)}.xlsx"
    wb.save(local)
    secure_file(local)
    name = f"{SUBDIR}/plan-{plan_id}-{secrets.token_hex(8)}-errors.xlsx"
    objectstore.save_file(name, local)
    return name
