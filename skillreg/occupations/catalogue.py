"""Reading the occupation catalogue: the shipped subset (data/occupations.csv) and admin imports.

A row is ``code,name,levels,new_occupation`` where levels is like ``5;4;3;2;1``. Work types (工种)
have a fifth code segment and hang under their occupation.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE_RE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}(-\d{2})?$")
SHIPPED = Path(__file__).resolve().parent / "data" / "occupations.csv"


class CatalogueError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"第 {line} 行：{message}")
        self.line = line


@dataclass(frozen=True)
class OccupationRow:
    code: str
    name: str
    levels: tuple[int, ...]
    new_occupation: bool

    @property
    def parent_code(self) -> str | None:
        return self.code[:10] if len(self.code) > 10 else None


def parse_rows(records: Iterable[dict[str, Any]]) -> Iterator[OccupationRow]:
    seen: set[str] = set()
    for line, rec in enumerate(records, start=2):
        code = str(rec.get("code") or "").strip()
        name = str(rec.get("name") or "").strip()
        if not CODE_RE.match(code):
            raise CatalogueError(line, f"职业编码“{code}”格式不正确，应如 4-10-01-05 或 6-31-01-03-01")
        if not name:
            raise CatalogueError(line, "职业名称不能为空")
        if code in seen:
            raise CatalogueError(line, f"职业编码“{code}”重复")
        seen.add(code)
        raw_levels = str(rec.get("levels") or "").replace("；", ";").replace(",", ";")
        try:
            levels = tuple(sorted({int(x) for x in raw_levels.split(";") if x.strip()}, reverse=True))
        except ValueError as exc:
            raise CatalogueError(line, f"等级“{raw_levels}”应为 1–5 的数字，以分号分隔") from exc
        if any(lv not in range(1, 6) for lv in levels):
            raise CatalogueError(line, f"等级“{raw_levels}”超出 1–5")
        new = str(rec.get("new_occupation") or "").strip().lower() in {"1", "true", "yes", "是", "y"}
        yield OccupationRow(code, name, levels, new)


def read_csv_text(text: str) -> list[OccupationRow]:
    return list(parse_rows(csv.DictReader(io.StringIO(text.lstrip("\ufeff")))))


def shipped_catalogue() -> list[OccupationRow]:
    return read_csv_text(SHIPPED.read_text(encoding="utf-8"))


def load_rows(model: Any, rows: list[OccupationRow]) -> tuple[int, int]:
    """Upsert rows (occupations before their work types). Returns (created, updated)."""
    created = updated = 0
    by_code = {o.code: o for o in model.objects.all()}
    for row in sorted(rows, key=lambda r: (len(r.code), r.code)):
        parent = by_code.get(row.parent_code) if row.parent_code else None
        values = {"name": row.name, "levels": list(row.levels), "new_occupation": row.new_occupation, "parent": parent}
        obj = by_code.get(row.code)
        if obj is None:
            obj = model.objects.create(code=row.code, **values)
            created += 1
        else:
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
        by_code[row.code] = obj
    return created, updated
