"""The one A4 page layout of every PDF document (receipt, termination notice, inspection record): metadata,
embedded CJK font only, reproducible bytes (``invariant``)."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate


def a4_document(
    buffer: IO[bytes], *, font: str, title: str, author: str, subject: str, side_mm: int = 22, edge_mm: int = 20
) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=side_mm * mm,
        rightMargin=side_mm * mm,
        topMargin=edge_mm * mm,
        bottomMargin=edge_mm * mm,
        title=title,
        author=author,
        subject=subject,
        creator=settings.SKILLREG_SITE_NAME,
        initialFontName=font,  # no built-in (non-embedded) font ever enters the file
        invariant=True,
        lang="zh-CN",
    )
