"""Legal bases shown on supervision notices and records, read from the rule packs' ``legal_bases`` section.

``legal_basis(purpose, region=...)`` is the one place a notice or record gets its 依据: the article of the most
specific pack in force on the region's path that states the purpose (a county inherits its city's or province's,
never another province's), displayed as 《title》（文号）article — documents without 文号 show just the title. Where
the region's documents have no article for the purpose, only the national basis that applies is cited
(国办发〔2015〕58号 for 双随机一公开), otherwise :data:`NO_ARTICLE` (docs/decisions.md, "Legal bases of supervision
records per region"). Pages never show a requirement ID.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from skillreg.core import clock
from skillreg.policy.errors import PolicyError

Purpose = Literal[
    "inspection_draw",
    "inspection",
    "rectification",
    "cancellation",
    "ordered_exit",
    "voluntary_exit",
    "credit",
    "complaints",
    "selection_publicity",
]

STATE_COUNCIL_58 = "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）"
# National bases that apply in every region, cited after the region's own article (or alone where it has none).
NATIONAL: dict[str, str] = {"inspection_draw": STATE_COUNCIL_58}
NO_ARTICLE = "监管部门依职责作出的决定（本地区评价机构管理文件未规定相应条款）"


def document(metadata: Any) -> str:
    """《title》（文号）, or 《title》 for a document without a 文号."""
    doc = f"《{metadata.title}》"
    return f"{doc}（{metadata.doc_number}）" if metadata.doc_number else doc


def _region_code(filing: Any = None, region: Any = None) -> str:
    target = region if region is not None else getattr(filing, "region", None)
    code = getattr(target, "code", target)
    return str(code or "")


def cited(purpose: Purpose, *, filing: Any = None, region: Any = None, on: dt.date | None = None) -> list[str]:
    """The articles (displayed) of the region's packs for ``purpose``, general → specific; [] when none."""
    from skillreg.policy.loader import default_packset, legal_bases_of

    code = _region_code(filing, region)
    if not code:
        return []
    try:
        comp = default_packset().compose(code, on or clock.today())
    except PolicyError:
        return []
    return [f"{document(lp.pack.metadata)}{b.cite.article}" for b, lp in legal_bases_of(comp, purpose) if b.cite]


def legal_basis(purpose: Purpose, *, filing: Any = None, region: Any = None, on: dt.date | None = None) -> str:
    """The 依据 text of a notice or record of ``purpose`` for ``filing`` (or ``region``: a Region or its code)."""
    parts = cited(purpose, filing=filing, region=region, on=on)
    if purpose in NATIONAL:
        parts.append(NATIONAL[purpose])
    return "；".join(parts) or NO_ARTICLE


def according(text: str) -> str:
    """The clause a notice body opens its decision with: “依据…，” or, without an article, “经研究决定，”."""
    return "经研究决定，" if text == NO_ARTICLE else f"依据{text}，"
