"""The one CJK TrueType font embedded (as a subset) into every PDF skillreg renders.

Never falls back to a built-in, non-embedded font: a receipt must look the same on every machine,
including those of an isolated government network without Chinese fonts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import FontMissing


def font_path() -> str:
    """The first existing file of ``settings.SKILLREG_PDF_FONT_CANDIDATES``; ``FontMissing`` if none."""
    candidates = [str(p) for p in getattr(settings, "SKILLREG_PDF_FONT_CANDIDATES", []) if p]
    for candidate in candidates:
        if Path(candidate).is_file():
            return candidate
    raise FontMissing(candidates)


def cjk_font_name() -> str:
    """Register the configured font with reportlab (once per file) and return its name."""
    path = font_path()
    name = "SkillregCJK-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    if name not in pdfmetrics.getRegisteredFontNames():
        # subfontIndex selects the first face of a TrueType collection (.ttc); ignored for .ttf.
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    return name
