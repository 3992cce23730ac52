"""The written notices of the filing process (issue 15 item 4): 受理通知书, 补正通知书, 不予受理通知书, 备案通知书
and 不予备案通知书 — each with the deciding authority's name, a 文号 field and the date of the act it records, as
PDF (the one A4 layout, embedded CJK font) and DOCX (East-Asian font named on every run).

Each notice is built from what the case already holds (the accept event, the supplement request, the decision
with its reasons and basis); nothing new is decided here. The 文号 is the authority's own numbering: staff type
it when issuing (``doc_number``); left empty, the notice shows a blank "〔年〕号" line to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer

from .docx_text import HEADING_FONT, a4_docx, add_paragraph, docx_bytes
from .fonts import cjk_font_name
from .pdf import a4_document

TITLES = {
    "acceptance": "受理通知书",
    "supplement": "补正通知书",
    "refusal": "不予受理通知书",
    "filing": "备案通知书",
    "rejection": "不予备案通知书",
}
DOC_NUMBER_RE = re.compile(r"^[\w〔〕\[\]()（）\-—·第号字]{1,40}$")


@dataclass(frozen=True)
class FilingNotice:
    kind: str  # acceptance | supplement | refusal | filing | rejection
    key: str  # stable id within the case, e.g. "supplement-2"
    authority: str
    day: dt.date
    addressee: str
    application_number: str
    institution: str
    paragraphs: list[str]
    items: list[str] = field(default_factory=list)
    basis: str = ""
    doc_number: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def numbered(self, doc_number: str) -> FilingNotice:
        return FilingNotice(**{**self.__dict__, "doc_number": doc_number})


def clean_doc_number(value: str) -> str | None:
    """The typed 文号, or None when it is not one (letters, digits, 〔〕 and 号 only; at most 40)."""
    value = (value or "").strip()
    if not value:
        return ""
    return value if DOC_NUMBER_RE.match(value) else None


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def filing_notices(application: Any) -> list[FilingNotice]:
    """The notices this application's history supports, oldest first (the caller has scoped the application)."""
    a = application
    unit = a.applicant_name or a.unit.name
    number = a.number or ""
    who = f"你单位提交的“{a.institution_name}”备案申请（申请编号 {number}）"
    out: list[FilingNotice] = []
    authority = a.authority.name if a.authority_id else ""
    submitted = timezone.localdate(a.submitted_at) if a.submitted_at else None
    received = f"于{chinese_date(submitted)}收悉" if submitted else "已收悉"
    for i, req in enumerate(sorted(a.supplement_requests.all(), key=lambda r: r.requested_at), start=1):
        out.append(
            FilingNotice(
                "supplement",
                f"supplement-{i}",
                authority,
                timezone.localdate(req.requested_at),
                unit,
                number,
                a.institution_name,
                [
                    f"{who}{received}。经审查，申请材料不齐全或不符合法定形式，现一次性告知需要补正的全部内容如下：",
                    "请按上述要求补正后重新提交。补正材料提交后，本机关将重新审查。",
                ],
                items=[str(x) for x in req.items],
            )
        )
    for ev in a.events.filter(action="accept").select_related("authority"):
        out.append(
            FilingNotice(
                "acceptance",
                f"acceptance-{ev.pk}",
                ev.authority.name if ev.authority_id else authority,
                timezone.localdate(ev.at),
                unit,
                number,
                a.institution_name,
                [f"{who}材料齐全、符合法定形式，本机关决定予以受理，将按规定开展技术评估并作出备案决定。"],
                basis=ev.basis,
            )
        )
    kinds = {"not_accepted": "refusal", "filed": "filing", "refused": "rejection"}
    for d in a.decisions.select_related("authority"):
        kind = kinds.get(d.outcome)
        if kind is None:
            continue
        text = {
            "refusal": f"{who}经审查，不符合受理条件，本机关决定不予受理。理由如下：",
            "filing": f"{who}经审核，符合备案条件，本机关决定予以备案。",
            "rejection": f"{who}经审核，不符合备案条件，本机关决定不予备案。理由如下：",
        }[kind]
        filing = getattr(a, "filing", None) if kind == "filing" else None
        paragraphs = [text, d.reasons]
        if filing is not None:
            paragraphs.append(
                f"备案编码：{filing.code}；有效期自{chinese_date(filing.valid_from)}至{chinese_date(filing.valid_to)}。"
            )
        if kind != "filing":
            paragraphs.append("如对本决定不服，可依法申请行政复议或者提起行政诉讼。")
        out.append(
            FilingNotice(
                kind,
                f"{kind}-{d.pk}",
                d.authority.name,
                timezone.localdate(d.decided_at),
                unit,
                number,
                a.institution_name,
                paragraphs,
                basis=d.basis,
            )
        )
    return sorted(out, key=lambda n: (n.day, n.key))


def _doc_number_line(n: FilingNotice) -> str:
    return f"文号：{n.doc_number}" if n.doc_number else f"文号：　　　〔{n.day.year}〕　　号"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_filing_notice_pdf(n: FilingNotice) -> bytes:
    font = cjk_font_name()
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=4)
    code = ParagraphStyle("code", parent=base, fontSize=11, alignment=TA_CENTER, spaceAfter=14)
    indent = ParagraphStyle("indent", parent=base, firstLineIndent=24)
    sign = ParagraphStyle("sign", parent=base, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#5b6b7d"))
    buffer = io.BytesIO()
    doc = a4_document(buffer, font=font, title=n.title, author=n.authority, subject=n.institution)
    story: list[Flowable] = [
        Paragraph(_esc(n.authority), title),
        Paragraph(_esc(n.title), title),
        Paragraph(_esc(_doc_number_line(n)), code),
        Paragraph(_esc(f"{n.addressee}："), base),
    ]
    for i, text in enumerate(n.paragraphs):
        story.append(Paragraph(_esc(text), indent))
        if i == 0 and n.items:
            story += [Paragraph(_esc(f"{k}. {item}"), indent) for k, item in enumerate(n.items, start=1)]
    if n.basis:
        story.append(Paragraph(_esc(f"依据：{n.basis}"), indent))
    story += [
        Spacer(1, 36),
        Paragraph(_esc(f"{n.authority}（盖章）"), sign),
        Paragraph(_esc(chinese_date(n.day)), sign),
        Spacer(1, 24),
        Paragraph(_esc(f"本通知书由{settings.SKILLREG_SITE_NAME}生成。"), small),
    ]
    doc.build(story)
    return buffer.getvalue()


def render_filing_notice_docx(n: FilingNotice) -> bytes:
    document = a4_docx(title=n.title, author=n.authority)
    add_paragraph(document, n.authority, size=20, bold=True, font=HEADING_FONT, align="center")
    add_paragraph(document, n.title, size=20, bold=True, font=HEADING_FONT, align="center")
    add_paragraph(document, _doc_number_line(n), align="center")
    add_paragraph(document, f"{n.addressee}：", size=12)
    for i, text in enumerate(n.paragraphs):
        add_paragraph(document, text, size=12, indent=True)
        if i == 0 and n.items:
            for k, item in enumerate(n.items, start=1):
                add_paragraph(document, f"{k}. {item}", size=12, indent=True)
    if n.basis:
        add_paragraph(document, f"依据：{n.basis}", size=12, indent=True)
    add_paragraph(document, "")
    add_paragraph(document, f"{n.authority}（盖章）", size=12, align="right")
    add_paragraph(document, chinese_date(n.day), size=12, align="right")
    return docx_bytes(document)
