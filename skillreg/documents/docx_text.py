"""Shared python-docx helpers: an A4 document whose every run names an East-Asian font (``w:eastAsia``), so Word,
WPS and LibreOffice show Chinese with a Chinese face (docs/decisions.md, "Annual reports (issue 15)", 8)."""

from __future__ import annotations

import io
from typing import Any

BODY_FONT = "宋体"  # SimSun: in every Chinese Windows/WPS; LibreOffice maps it to its CJK serif
HEADING_FONT = "黑体"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def east_asian(run: Any, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def a4_docx(*, title: str, author: str) -> Any:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin = section.bottom_margin = Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    props = document.core_properties
    props.title = title
    props.author = author
    props.language = "zh-CN"
    return document


def add_paragraph(
    document: Any,
    text: str,
    *,
    size: float = 11,
    bold: bool = False,
    font: str = BODY_FONT,
    align: str = "",
    indent: bool = False,
    label: str = "",
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = document.add_paragraph()
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if indent:
        p.paragraph_format.first_line_indent = Pt(22)
    for text_, bold_ in ((f"{label}：", True), (text, bold)) if label else ((text, bold),):
        r = p.add_run(text_)
        r.bold = bold_
        r.font.size = Pt(size)
        east_asian(r, font)


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
