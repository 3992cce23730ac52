"""The columns of the certificate report template, their aliases, and the row-level error type. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    required: bool
    aliases: tuple[str, ...] = ()
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("number", "证书编号", False, ("证书号", "证书编码"), "22位；留空则由系统按编号规则生成"),
    Column("holder_name", "姓名", True, ("持证人姓名", "持证人"), ""),
    Column("id_type", "证件类型", False, ("证件种类",), "留空为居民身份证"),
    Column("id_number", "证件号码", True, ("身份证号", "身份证号码", "证件号"), "请将本列设置为文本格式"),
    Column("occupation_code", "职业编码", True, ("职业（工种）编码", "职业(工种)编码", "职业代码"), "如 6-31-01-03"),
    Column("occupation_name", "职业名称", False, ("职业（工种）名称", "职业(工种)名称"), "填写时须与编码一致"),
    Column("work_type", "工种/方向", False, ("工种", "方向", "工种（方向）"), ""),
    Column("level", "等级", True, ("级别", "技能等级"), "1–5 或 五级/初级工 … 一级/高级技师"),
    Column("issue_date", "发证日期", True, ("发证时间", "颁证日期"), "如 2026-03-01"),
    Column("batch_number", "评价计划编号", True, ("计划编号", "批次号", "评价批次"), "须为本机构已登记的评价计划"),
)
LABELS = {c.key: c.label for c in COLUMNS}
FILE = "文件"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based row of the sheet (the header is row 1); 0 = the file as a whole
    column: str  # column label, or "文件"
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


def map_header(cells: Sequence[Any]) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by key from the header row; unknown columns are ignored, missing required ones
    are a file-level error."""
    names: dict[str, str] = {}
    for c in COLUMNS:
        for n in (c.label, *c.aliases):
            names[_norm_header(n)] = c.key
    positions: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = names.get(_norm_header(cell))
        if key and key not in positions:
            positions[key] = i
    missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        return positions, [
            RowError(1, FILE, "HEADER_MISSING", f"表头缺少必填列：{'、'.join(missing)}（请使用下载的模板）")
        ]
    return positions, []


def _norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lstrip("*")
    return re.sub(r"\s+", "", text)
