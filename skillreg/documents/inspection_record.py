"""检查记录 (CQ-26): the record of one inspection — the checklist of 渝人社发〔2020〕128号 第二十六条 with each item's
result, the findings, the evidence list and the conclusion. No personal data; A4, embedded CJK font."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from .fonts import cjk_font_name
from .pdf import a4_document
from .receipt import _p, chinese_date

TITLE = "评价机构监督检查记录"


@dataclass(frozen=True)
class InspectionRecord:
    institution_name: str
    filing_code: str
    source: str
    inspector_number: str
    basis: str
    items: tuple[tuple[str, str, str], ...]  # (item, 符合/不符合, note)
    findings: str
    evidence: tuple[str, ...]
    conclusion: str
    rectification: str
    concluded_on: dt.date | None
    authority_name: str

    @property
    def filename(self) -> str:
        return f"监督检查记录-{self.filing_code}.pdf"


def inspection_record_data(inspection: Any) -> InspectionRecord:
    from skillreg.supervision import basis
    from skillreg.supervision.checklist import CQ26_ITEMS

    rect = inspection.rectification
    items = tuple(
        (
            label,
            "—" if key not in inspection.checklist else ("符合" if inspection.checklist[key]["ok"] else "不符合"),
            inspection.checklist.get(key, {}).get("note", ""),
        )
        for key, label in CQ26_ITEMS
    )
    return InspectionRecord(
        institution_name=inspection.filing.name,
        filing_code=inspection.filing.code,
        source=inspection.get_source_display()
        + (f"（{inspection.plan.title}）" if inspection.plan_id else f"（{inspection.proposed_by}）"),
        inspector_number=inspection.inspector.number,
        basis=basis.legal_basis("inspection", filing=inspection.filing),
        items=items,
        findings=inspection.findings,
        evidence=tuple(e.original_name for e in inspection.evidence.all()),
        conclusion=inspection.get_conclusion_display() or "尚未作出结论",
        rectification=(f"责令整改，整改期限至{chinese_date(rect.due_on)}" if rect and rect.due_on else ""),
        concluded_on=inspection.concluded_at.date() if inspection.concluded_at else None,
        authority_name=inspection.filing.authority.name,
    )


def render_inspection_record_pdf(data: InspectionRecord) -> bytes:
    """The record as PDF bytes. Raises ``documents.errors.FontMissing`` if no CJK font is installed."""
    font = cjk_font_name()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        font=font,
        title=f"{TITLE}（{data.filing_code}）",
        author=data.authority_name,
        subject=data.institution_name,
        side_mm=20,
        edge_mm=18,
    )
    rows = [[_p("检查项目", base), _p("结果", base), _p("说明", base)]] + [
        [_p(item, base), _p(result, base), _p(note or "—", base)] for item, result, note in data.items
    ]
    table = Table(rows, colWidths=[95 * mm, 20 * mm, 55 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Flowable] = [
        _p(TITLE, title),
        _p(f"被检查机构：{data.institution_name}（备案编码 {data.filing_code}）", base),
        _p(f"检查来源：{data.source}", base),
        _p(f"检查人员编号：{data.inspector_number}", base),
        _p(f"检查依据：{data.basis}", base),
        Spacer(1, 6),
        table,
        Spacer(1, 6),
        _p(f"检查发现：{data.findings or '未发现问题'}", base),
        _p(f"佐证材料：{'、'.join(data.evidence) or '—'}", base),
        _p(f"检查结论：{data.conclusion}" + (f"；{data.rectification}" if data.rectification else ""), base),
        Spacer(1, 18),
        _p(data.authority_name, right),
        _p(chinese_date(data.concluded_on) if data.concluded_on else "", right),
    ]
    doc.build(story)
    return buffer.getvalue()
