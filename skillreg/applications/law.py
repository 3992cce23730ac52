"""The law that governs one case, as its pages cite it: time limits and document numbers from the rule packs of
the case's region (issue 11: an Anhui case page said "CQ-10 …", a Wuxi page cited GZ and AH).

A page never shows a requirement ID: it shows the document's own 文号 and article, and only those of the packs
that govern the case on the day. A limit the packs do not set is not mentioned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from skillreg.core import clock
from skillreg.deadlines.limits import TimeLimit, time_limits_for
from skillreg.policy.errors import PolicyError

# The list of CQ-8 materials is Chongqing's (渝人社发〔2020〕128号 第八条); cited only on cases that pack governs.
MATERIALS_BASIS = {"cq-2020-128": "第八条"}


@dataclass(frozen=True)
class CaseLaw:
    limits: dict[str, TimeLimit] = field(default_factory=dict)
    documents: tuple[tuple[str, str, str], ...] = ()  # (pack id, title, 文号) in force, general → specific

    def limit_text(self, limit_id: str, before: str) -> str:
        """ "（渝人社发〔2020〕128号 第十条：收到申请后5个工作日内）" or "" when no pack sets the limit."""
        lim = self.limits.get(limit_id)
        if lim is None:
            return ""
        return f"（{lim.source.doc_number or lim.source.document} {lim.source.article}：{before}{lim.length_label}内）"

    @property
    def materials_basis(self) -> str:
        for pack_id, _title, doc_number in self.documents:
            if pack_id in MATERIALS_BASIS:
                return f"{doc_number} {MATERIALS_BASIS[pack_id]}"
        return ""

    def as_context(self) -> dict[str, Any]:
        return {
            "supplement_notice": self.limit_text("supplement_notice", "收到申请后"),
            "supplement_period": self.limits.get("supplement_period"),
            "filing_decision": self.limit_text("filing_decision", "受理后"),
            "materials_basis": self.materials_basis,
            "documents": [f"《{t}》（{n}）" if n else f"《{t}》" for _i, t, n in self.documents],
        }


def case_law(region_code: str, on: dt.date | None = None) -> CaseLaw:
    from skillreg.policy.loader import default_packset

    on = on or clock.today()
    try:
        comp = default_packset().compose(region_code, on)
        limits = time_limits_for(region_code, on)
    except PolicyError:
        return CaseLaw()
    docs = tuple((lp.id, lp.pack.metadata.title, lp.pack.metadata.doc_number or "") for lp in comp.packs)
    return CaseLaw(limits=limits, documents=docs)
