"""终止评价活动通知书 (GZ-16): the notice the filing authority issues once an institution's evaluation
activity has ended (voluntary GZ-13, automatic GZ-14, ordered GZ-15) and its wrap-up is confirmed.

Public facts only (no personal data), A4, embedded CJK font (``documents.fonts``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Spacer
from reportlab.platypus.flowables import Flowable

from skillreg.core import clock

from .fonts import cjk_font_name
from .pdf import a4_document
from .receipt import _p, chinese_date

TITLE = "终止评价活动通知书"
BASIS = {
    "voluntary": "评价机构自愿终止评价活动、提前提交书面退出申请",
    "automatic": "备案有效期满未申请延续或延续申请未获通过，评价资格自动终止",
    "ordered": "评价机构存在严重违规行为，被责令终止评价活动",
}


@dataclass(frozen=True)
class TerminationNotice:
    number: str
    institution_name: str
    filing_code: str
    unit_name: str
    kind: str
    kind_label: str
    reason: str
    terminates_on: dt.date
    wrapup_completed_on: dt.date | None
    certificates_reported: int
    archives_note: str
    authority_name: str
    rule: str

    @property
    def filename(self) -> str:
        return f"终止评价活动通知书-{self.filing_code}.pdf"


def termination_notice_data(exit_: Any) -> TerminationNotice:
    from skillreg.certificates.models import CertificateCount

    filing = exit_.filing
    completed = exit_.wrapup_completed_at
    return TerminationNotice(
        number=exit_.notice_number,
        institution_name=filing.name,
        filing_code=filing.code,
        unit_name=filing.unit.name,
        kind=exit_.kind,
        kind_label=exit_.get_kind_display(),
        reason=exit_.reason,
        terminates_on=exit_.terminates_on,
        wrapup_completed_on=completed.date() if completed else None,
        certificates_reported=CertificateCount.objects.filter(
            filing=filing, issue_date__lte=exit_.terminates_on
        ).aggregate(n=Sum("n"))["n"]
        or 0,
        archives_note=exit_.archives_note,
        authority_name=filing.authority.name,
        rule=exit_.requirement,
    )


def render_termination_notice_pdf(data: TerminationNotice) -> bytes:
    """The notice as PDF bytes. Raises ``documents.errors.FontMissing`` if no CJK font is installed."""
    font = cjk_font_name()
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    indent = ParagraphStyle("indent", parent=base, firstLineIndent=22)
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        font=font,
        title=f"{TITLE}（{data.filing_code}）",
        author=data.authority_name,
        subject=data.institution_name,
    )
    story: list[Flowable] = [
        _p(TITLE, title),
        _p(f"编号：{data.number}", right),
        Spacer(1, 8),
        _p(f"{data.unit_name}：", base),
        _p(
            f"你单位设立的评价机构“{data.institution_name}”（备案编码 {data.filing_code}），"
            f"因{BASIS.get(data.kind, data.kind_label)}（{data.kind_label}），"
            f"评价资格已于{chinese_date(data.terminates_on)}终止，自次日起不得开展职业技能等级认定等评价活动、不得颁发证书。",
            indent,
        ),
        _p(f"终止原因：{data.reason}", indent),
        _p(
            f"收尾工作已完成：发证日期不晚于终止日的证书数据已上报 {data.certificates_reported} 本；"
            f"资料整理归档情况：{data.archives_note or '—'}。",
            indent,
        ),
        _p(
            "本机构的备案信息及历史记录继续在“技能人才评价机构名录”公开，状态为“已终止”；"
            "备案机关将报告上级人力资源社会保障部门并更新公开目录。",
            indent,
        ),
        Spacer(1, 24),
        _p(f"{data.authority_name}", right),
        _p(chinese_date(data.wrapup_completed_on or clock.today()), right),
    ]
    doc.build(story)
    return buffer.getvalue()
