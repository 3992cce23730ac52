"""The materials an application must carry, per governing pack and application kind (CQ-8 for a Chongqing filing,
GZ-11 for a Guizhou renewal): the ``materials`` section of the rule packs in force, the most specific region's list
for the application's type winning. Where no governing pack lists materials for that type, the system's default
list (the six kinds the platform has always asked for) applies, shown without a citation (docs/decisions.md,
"Required materials per pack (issue 10, GZ-11)").

The upload page, the missing-materials check at submit and the supplement notice all read ``required_materials``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from skillreg.core import clock
from skillreg.policy.errors import PolicyError

from .models import MaterialKind

DEFAULT_KINDS = ("basic_info", "work_plan", "assets", "credit_report", "experience", "pledge")


@dataclass(frozen=True)
class RequiredMaterial:
    value: str  # MaterialKind code
    label: str  # the document's wording
    item: str = ""  # （一）…
    optional: bool = False


@dataclass(frozen=True)
class MaterialList:
    items: tuple[RequiredMaterial, ...]
    basis: str = ""  # "文号 第八条" / "《title》第十一条"; "" for the default list
    requirement: str = ""

    @property
    def codes(self) -> set[str]:
        return {m.value for m in self.items}

    @property
    def required(self) -> tuple[RequiredMaterial, ...]:
        return tuple(m for m in self.items if not m.optional)

    def label_of(self, code: str) -> str:
        for m in self.items:
            if m.value == code:
                return m.label
        return MaterialKind(code).label if code in MaterialKind.values else code


def default_list() -> MaterialList:
    return MaterialList(tuple(RequiredMaterial(k, MaterialKind(k).label) for k in DEFAULT_KINDS))


def materials_for(region_code: str, application_type: str, kind: str, on: dt.date) -> MaterialList:
    from skillreg.policy.loader import default_packset

    try:
        comp = default_packset().compose(region_code, on)
    except PolicyError:
        return default_list()
    for lp in reversed(comp.packs):  # specific → general
        for section in lp.pack.materials:
            if application_type not in section.application_types:
                continue
            md = lp.pack.metadata
            doc = md.doc_number or f"《{md.title}》"
            items = tuple(
                RequiredMaterial(i.code, i.label, i.item, i.optional)
                for i in section.items
                if i.kinds is None or kind in i.kinds or not kind
            )
            return MaterialList(items, f"{doc} {section.cite.article}", section.requirement)
    return default_list()


def required_materials(application: Any) -> MaterialList:
    on = timezone.localdate(application.submitted_at) if application.submitted_at else clock.today()
    return materials_for(application.region.code, application.application_type, application.institution_kind or "", on)
