"""The annual report (年度工作总结) as PDF and DOCX in the template's layout (皖人社秘〔2020〕64号附件3; 淮南市通知
附件2): title, the four numbered sections and their sub-sections, the per-level figures table (figures changed
from the registry marked, with the reason), the occupation rankings and (淮南) the examiners of every filed
occupation. Both render the same outline (``annualreports.presentation``).

PDF: the one A4 layout (``pdf.a4_document``) with the embedded CJK font. DOCX: python-docx; every run sets the
East-Asian font (``w:eastAsia``) so Word and LibreOffice/WPS pick a Chinese face (docs/decisions.md, "Annual
reports (issue 15)": the font is named, not embedded).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from .docx_text import BODY_FONT, HEADING_FONT, a4_docx, add_paragraph, docx_bytes, east_asian
from .fonts import cjk_font_name
from .pdf import a4_document


@dataclass(frozen=True)
class ReportDocument:
    institution: str
    filing_code: str
    authority: str
    year: int
    version_number: int
    submitted_on: dt.date | None
    status_label: str
    blocks: list[Any]  # annualreports.presentation.Block


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_annual_report_pdf(data: ReportDocument) -> bytes:
    font = cjk_font_name()
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    st = {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, alignment=TA_RIGHT, spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=19, spaceBefore=6, spaceAfter=2, leftIndent=11),
        "label": ParagraphStyle("label", parent=base, fontSize=11, leading=18, firstLineIndent=22),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#5b6b7d")),
    }
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        font=font,
        title=f"{data.institution}{data.year}年度评价工作总结",
        author=data.institution,
        subject=f"报送{data.authority}",
    )
    story: list[Flowable] = []
    for block in data.blocks:
        if block.kind == "title":
            story.append(Paragraph(_esc(block.text), st["title"]))
            meta = f"备案编码：{data.filing_code}　第{data.version_number}次报送"
            if data.submitted_on:
                meta += f"　报送日期：{chinese_date(data.submitted_on)}"
            story.append(Paragraph(_esc(meta), st["meta"]))
        elif block.kind in ("h1", "h2"):
            story.append(Paragraph(_esc(block.text), st[block.kind]))
        elif block.kind == "para":
            story.append(Paragraph(f"<b>{_esc(block.label)}：</b>{_esc(block.text)}", st["label"]))
        elif block.kind == "table":
            story.append(Paragraph(_esc(block.label), st["label"]))
            rows = [[Paragraph(_esc(h), st["cell"]) for h in block.headers]]
            rows += [[Paragraph(_esc(c), st["cell"]) for c in r] for r in block.rows] or [
                [Paragraph("无", st["cell"])] + [""] * (len(block.headers) - 1)
            ]
            table = Table(
                rows, repeatRows=1, hAlign="LEFT", colWidths=[doc.width / len(block.headers)] * len(block.headers)
            )
            style = [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
            style += [("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fff4d6")) for i in block.changed]
            table.setStyle(TableStyle(style))
            story += [table, Spacer(1, 6)]
    story += [
        Spacer(1, 18),
        Paragraph(_esc(f"报送单位：{data.institution}"), ParagraphStyle("sign", parent=base, alignment=TA_RIGHT)),
        Paragraph(_esc(f"报送机关：{data.authority}"), ParagraphStyle("sign2", parent=base, alignment=TA_RIGHT)),
        Spacer(1, 12),
        Paragraph(
            _esc(f"本文件由{settings.SKILLREG_SITE_NAME}生成；底色标出的数字与证书登记数据不一致，修改原因见同行。"),
            st["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def render_annual_report_docx(data: ReportDocument) -> bytes:
    from docx.shared import Pt, RGBColor

    document = a4_docx(title=f"{data.institution}{data.year}年度评价工作总结", author=data.institution)

    def add(text: str, **kw: Any) -> None:
        add_paragraph(document, text, **kw)

    for block in data.blocks:
        if block.kind == "title":
            add(block.text, size=18, bold=True, font=HEADING_FONT, align="center")
            meta = f"备案编码：{data.filing_code}　第{data.version_number}次报送"
            if data.submitted_on:
                meta += f"　报送日期：{chinese_date(data.submitted_on)}"
            add(meta, size=9.5, align="right")
        elif block.kind == "h1":
            add(block.text, size=14, bold=True, font=HEADING_FONT)
        elif block.kind == "h2":
            add(block.text, size=12, bold=True)
        elif block.kind == "para":
            add(block.text, indent=True, label=block.label)
        elif block.kind == "table":
            add(block.label, bold=True, indent=True)
            rows = block.rows or [["无"] + [""] * (len(block.headers) - 1)]
            table = document.add_table(rows=1 + len(rows), cols=len(block.headers))
            table.style = "Table Grid"
            for r, values in enumerate([block.headers, *rows]):
                for c, value in enumerate(values):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(str(value))
                    run.font.size = Pt(9)
                    run.bold = r == 0
                    if r - 1 in block.changed:
                        run.font.color.rgb = RGBColor(0x9A, 0x4B, 0x00)
                    east_asian(run, BODY_FONT)
    add("")
    add(f"报送单位：{data.institution}", align="right")
    add(f"报送机关：{data.authority}", align="right")
    return docx_bytes(document)
