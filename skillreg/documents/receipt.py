"""The filing receipt (技能人才评价机构备案回执, CQ-11/CQ-12).

CQ-12: the receipt carries the institution name, the filing code, the address and the evaluated
occupations (with levels); institution information is published. ``receipt_data`` collects those public
facts from a filing; ``render_receipt_pdf`` lays them out on A4 with an embedded CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from .filing_text import ScopeRow, level_headers, region_full_name, scope_rows
from .fonts import cjk_font_name
from .pdf import a4_document

if TYPE_CHECKING:
    from skillreg.institutions.models import Filing

TITLE = "技能人才评价机构备案回执"
PUBLICATION_NOTE = (
    "评价机构信息已在本系统“技能人才评价机构名录”向社会公布，公众可按机构名称、统一社会信用代码或备案编码查询。"
)
DUTY_NOTE = (
    "评价机构应在备案的职业（工种）、等级和评价范围内开展评价活动，接受备案机关的监督管理；"
    "有效期届满需继续开展评价活动的，应在有效期届满前按规定申请延续。"
)


@dataclass(frozen=True)
class ReceiptData:
    institution_name: str
    filing_code: str
    address: str
    kind_label: str
    evaluation_types: list[str]
    unit_name: str
    uscc: str
    region_name: str
    coverage: str
    valid_from: dt.date
    valid_to: dt.date
    authority_name: str
    filed_on: dt.date
    status: str
    status_label: str
    scope: list[ScopeRow]
    version_number: int = 1  # the filing version this receipt states (a change filing makes a new one)
    version_effective_from: dt.date | None = None
    version_summary: str = ""

    @property
    def filename(self) -> str:
        suffix = f"-第{self.version_number}版" if self.version_number > 1 else ""
        return f"备案回执-{self.filing_code}{suffix}.pdf"

    @property
    def version_label(self) -> str:
        return f"第{self.version_number}版"


def receipt_data(filing: Filing) -> ReceiptData:
    """The public facts a receipt shows — no personal data — as of the filing's latest version."""
    version = filing.versions.order_by("-number").first()
    return ReceiptData(
        version_number=version.number if version else 1,
        version_effective_from=version.effective_from if version else None,
        version_summary=version.summary if version and version.number > 1 else "",
        institution_name=filing.name,
        filing_code=filing.code,
        address=filing.address,
        kind_label=filing.get_kind_display(),
        evaluation_types=filing.evaluation_type_labels,
        unit_name=filing.unit.name,
        uscc=filing.unit.uscc,
        region_name=region_full_name(filing),
        coverage=filing.coverage,
        valid_from=filing.valid_from,
        valid_to=filing.valid_to,
        authority_name=filing.authority.name,
        filed_on=filing.filed_on,
        status=filing.status,
        status_label=filing.get_status_display(),
        scope=scope_rows(filing),
    )


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4),
        "code": ParagraphStyle("code", parent=base, fontSize=10, alignment=TA_RIGHT, spaceAfter=10),
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=22),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "mark": ParagraphStyle("mark", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#5b6b7d")),
    }


def _escape(text: str) -> str:
    # Paragraph parses a mini-markup: escape the data so "<" or "&" in a name renders literally.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_escape(text), style)


def _grid(font: str) -> list[tuple]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]


def _facts_table(data: ReceiptData, st: dict[str, ParagraphStyle], font: str, width: float) -> Table:
    rows = [
        ("评价机构名称", data.institution_name),
        ("备案编码", data.filing_code),
        ("地址", data.address),
        ("所在地区", data.region_name),
        ("机构类别", data.kind_label),
        ("评价类型", "、".join(data.evaluation_types) or "—"),
        ("申报单位", data.unit_name),
        ("统一社会信用代码", data.uscc),
        ("评价范围（区域、行业、单位）", data.coverage or "—"),
        ("有效期", f"{chinese_date(data.valid_from)} 至 {chinese_date(data.valid_to)}"),
    ]
    label_w = 42 * mm
    table = Table(
        [[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in rows], colWidths=[label_w, width - label_w], hAlign="LEFT"
    )
    table.setStyle(TableStyle([*_grid(font), ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7"))]))
    return table


def _scope_table(data: ReceiptData, st: dict[str, ParagraphStyle], font: str, width: float) -> Flowable:
    if not data.scope:
        return _p("（无备案职业（工种））", st["body"])
    level_w = 19 * mm
    code_w = 26 * mm
    name_w = width - code_w - 5 * level_w
    header = [_p("职业编码", st["head"]), _p("职业（工种）名称", st["head"])]
    # "五级/初级工" → two lines, split at the slash, so the narrow level columns wrap cleanly.
    header += [Paragraph("<br/>".join(_escape(part) for part in h.split("/")), st["head"]) for h in level_headers()]
    body = [
        [_p(r.occupation_code, st["cell"]), _p(r.occupation_name, st["cell"])]
        + [_p("√" if m else "", st["mark"]) for m in r.marks]
        for r in data.scope
    ]
    table = Table([header, *body], colWidths=[code_w, name_w] + [level_w] * 5, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*_grid(font), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7"))]))
    return table


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """The receipt as PDF bytes. Raises ``documents.errors.FontMissing`` if no CJK font is installed."""
    font = cjk_font_name()
    st = _styles(font)
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        font=font,
        title=f"{TITLE}（{data.filing_code}）",
        author=data.authority_name,
        subject=data.institution_name,
    )
    width = doc.width
    story: list[Flowable] = [
        _p(TITLE, st["title"]),
        _p(f"备案编码：{data.filing_code}　{data.version_label}", st["code"]),
        _p(f"{data.unit_name}：", st["body"]),
        _p(
            f"你单位申请设立的评价机构“{data.institution_name}”备案材料经审核，符合备案条件，"
            f"准予备案，有效期自{chinese_date(data.valid_from)}至{chinese_date(data.valid_to)}。备案信息如下：",
            st["indent"],
        ),
        *(
            [
                _p(
                    f"本回执为第{data.version_number}版备案信息，自{chinese_date(data.version_effective_from)}起生效"
                    + (f"（{data.version_summary}）" if data.version_summary else "")
                    + "，此前版本同时失效；备案编码不变。",
                    st["indent"],
                )
            ]
            if data.version_number > 1 and data.version_effective_from
            else []
        ),
        Spacer(1, 6),
        _facts_table(data, st, font, width),
        _p("评价职业（工种）范围", st["h2"]),
        _scope_table(data, st, font, width),
        Spacer(1, 10),
        *([_p(f"注：该机构备案当前状态为“{data.status_label}”。", st["indent"])] if data.status != "active" else []),
        _p(PUBLICATION_NOTE, st["indent"]),
        _p(DUTY_NOTE, st["indent"]),
        Spacer(1, 24),
        _p(f"备案机关：{data.authority_name}", st["sign"]),
        _p(f"备案日期：{chinese_date(data.filed_on)}", st["sign"]),
        Spacer(1, 24),
        _p(f"本回执由{settings.SKILLREG_SITE_NAME}生成，备案信息以系统公开查询结果为准。", st["small"]),
    ]
    doc.build(story, canvasmaker=_dated_canvas(data.filed_on))
    return buffer.getvalue()


def _dated_canvas(day: dt.date) -> Any:
    """A canvas whose PDF creation/modification date is the filing date (Asia/Shanghai midnight), not the
    2000-01-01 that reportlab's invariant mode writes (issue 11). The file stays byte-for-byte reproducible."""
    from reportlab.pdfgen.canvas import Canvas

    stamp = f"D:{day:%Y%m%d}000000+08'00'"

    class DatedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc.setDateFormatter(lambda *_parts: stamp)

    return DatedCanvas
