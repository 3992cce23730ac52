"""The report template (xlsx with the ID column as text, and CSV) and the masked certificate export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from skillreg.documents.exports import BOM, csv_rows

from .models import Certificate, IdType
from .rows import COLUMNS, ID_TYPES, LEVEL_NAMES

TEMPLATE_ROWS = 5000  # rows pre-formatted as text in the ID and number columns


def template_xlsx() -> bytes:
    """Sheet 1 "证书数据": the header only; ID and certificate-number columns formatted as text ("@") so that
    Excel never turns 18 digits into 1.10105E+17; a level list; sheet 2 "填写说明"."""
    wb = Workbook()
    ws = wb.active
    ws.title = "证书数据"
    bold = Font(bold=True)
    text_columns = {"number", "id_number", "occupation_code", "batch_number"}
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=("*" if col.required else "") + col.label)
        cell.font = bold
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 24 if col.key in ("id_number", "number") else 16
        if col.key in text_columns:
            ws.column_dimensions[letter].number_format = "@"
            for r in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
        if col.key == "issue_date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    level_col = get_column_letter([c.key for c in COLUMNS].index("level") + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(str(x) for x in range(5, 0, -1)) + '"', allow_blank=True)
    dv.error = "等级应为1–5"
    ws.add_data_validation(dv)
    dv.add(f"{level_col}2:{level_col}{TEMPLATE_ROWS + 1}")
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "必填", "说明"])
    for col in COLUMNS:
        help_ws.append([col.label, "是" if col.required else "否", col.help])
    help_ws.append([])
    help_ws.append(["等级", "", "；".join(f"{k}={v}" for k, v in sorted(LEVEL_NAMES.items(), reverse=True))])
    help_ws.append(["证件类型", "", "、".join(ID_TYPES.values())])
    help_ws.append(["证书编号", "", "备案编码13位 + 年份2位 + 等级1位 + 流水号6位，共22位；留空由系统生成"])
    help_ws.append(["重复上传", "", "同一证书重复上传不会重复登记（显示为“已登记未变”）"])
    help_ws.column_dimensions["C"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_csv() -> bytes:
    return "".join(csv_rows([c.label for c in COLUMNS], [])).encode("utf-8")


EXPORT_HEADERS = [
    "证书编号",
    "姓名",
    "证件类型",
    "证件号码（脱敏）",
    "职业编码",
    "职业名称",
    "工种/方向",
    "等级",
    "发证日期",
    "评价计划编号",
    "状态",
    "撤销日期",
    "撤销原因",
]


def export_rows(certificates: Iterable[Certificate]) -> Iterator[list[Any]]:
    """Rows for an export: the ID number is always masked (exports leave the system)."""
    labels = dict(IdType.choices)
    for c in certificates:
        yield [
            c.number,
            c.holder_name,
            labels.get(c.id_type, c.id_type),
            c.holder_id_masked,
            c.occupation.code,  # the catalogue code (4-10-01-05), never the row id (issue 11)
            c.occupation_name,
            c.work_type,
            LEVEL_NAMES.get(c.level, c.level),
            c.issue_date,
            c.batch.number,
            c.get_status_display(),
            c.revoked_on,
            c.revoked_reason,
        ]


__all__ = ["BOM", "EXPORT_HEADERS", "export_rows", "template_csv", "template_xlsx"]
