"""The periodic-evaluation scheme (定期评估方案, AH-4.2, HN-2) of a region, and the arithmetic of a result.

Pure Python (no Django). The scheme is the ``appraisal`` section of the governing rule packs: the most specific
region's pack in force on the day wins (Huainan's over Anhui's), so an authority configures its own scheme in its
pack. ``total`` weighs each item's score (0 … the item's ``max_score``) by its weight (the weights add up to 100,
checked when the pack loads) and ``grade_for`` reads the grade bands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from skillreg.policy.errors import PolicyError
from skillreg.policy.schema import AppraisalScheme


@dataclass(frozen=True)
class Scheme:
    pack_id: str
    document: str  # 《title》（文号）
    article: str
    definition: AppraisalScheme

    @property
    def citation(self) -> str:
        return f"{self.document} {self.article}"

    @property
    def asks_self_check(self) -> bool:
        """Whether the scheme scores the institution's own yearly self-check (Huainan: HN-2, 附件1): only there do
        institutions fill one in."""
        return any(i.prefill == "self_check" for i in self.definition.items)

    def snapshot(self) -> dict[str, Any]:
        """What a stored result keeps of the scheme it was scored with (so a later version changes nothing)."""
        d = self.definition
        return {
            "pack": self.pack_id,
            "id": d.id,
            "version": d.version,
            "label": d.label,
            "citation": self.citation,
            "items": [i.model_dump() for i in d.items],
            "grades": [g.model_dump() for g in d.grades],
        }


class SchemeError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_scheme(mapping: Mapping[str, Any]) -> AppraisalScheme:
    """A scheme from a mapping (a pack section or a draft); a clear Chinese message when it is not valid."""
    try:
        return AppraisalScheme.model_validate(mapping)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise SchemeError(f"{loc}: {msg}" if loc else msg) from None


def scheme_for(region_code: str, on: dt.date) -> Scheme | None:
    """The scheme of the most specific pack in force on ``on`` for ``region_code``; None when no pack sets one."""
    from skillreg.policy.loader import default_packset

    try:
        comp = default_packset().compose(region_code, on)
    except PolicyError:
        return None
    for lp in reversed(comp.packs):  # specific → general
        sec = lp.pack.appraisal
        if sec is not None:
            md = lp.pack.metadata
            doc = f"《{md.title}》" + (f"（{md.doc_number}）" if md.doc_number else "")
            return Scheme(lp.id, doc, sec.cite.article, sec)
    return None


def item_ranges(snapshot: Mapping[str, Any]) -> dict[str, int]:
    return {i["code"]: int(i["max_score"]) for i in snapshot["items"]}


def total(snapshot: Mapping[str, Any], scores: Mapping[str, int | None]) -> float | None:
    """Σ score / max × weight, rounded to 0.1; None while any item is unscored."""
    acc = 0.0
    for item in snapshot["items"]:
        score = scores.get(item["code"])
        if score is None:
            return None
        acc += score / item["max_score"] * item["weight"]
    return round(acc, 1)


def grade_for(snapshot: Mapping[str, Any], points: float) -> str:
    for g in sorted(snapshot["grades"], key=lambda g: -g["minimum"]):
        if points >= g["minimum"]:
            return str(g["label"])
    return ""
