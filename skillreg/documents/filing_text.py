"""How a filing's public facts are written out — shared by the directory, its exports and the receipt.

Only public data: nothing here reads an application's people, phones or ID numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillreg.occupations.models import LEVEL_NAMES

if TYPE_CHECKING:
    from skillreg.institutions.models import Filing

LEVELS_DESC: tuple[int, ...] = (5, 4, 3, 2, 1)  # 五级 … 一级, the order of every scope table


@dataclass(frozen=True)
class ScopeRow:
    occupation_code: str
    occupation_name: str
    levels: tuple[int, ...]  # filed levels, 5 → 1

    @property
    def marks(self) -> list[bool]:
        """One flag per column of ``LEVELS_DESC``."""
        return [lv in self.levels for lv in LEVELS_DESC]

    @property
    def level_names(self) -> list[str]:
        return [LEVEL_NAMES[lv] for lv in self.levels]

    @property
    def text(self) -> str:
        levels = "、".join(self.level_names) if self.levels else "不分等级"
        return f"{self.occupation_code} {self.occupation_name}（{levels}）"


def level_headers() -> list[str]:
    return [LEVEL_NAMES[lv] for lv in LEVELS_DESC]


def scope_rows(filing: Filing) -> list[ScopeRow]:
    """The filed scope, one row per occupation (uses the prefetched ``scope`` when present)."""
    rows = []
    for line in filing.scope.all():
        levels = tuple(sorted({int(lv) for lv in line.levels if int(lv) in LEVEL_NAMES}, reverse=True))
        rows.append(ScopeRow(line.occupation.code, line.occupation.name, levels))
    return sorted(rows, key=lambda r: r.occupation_code)


def scope_text(filing: Filing) -> str:
    return "；".join(r.text for r in scope_rows(filing))


def evaluation_types_text(filing: Filing) -> str:
    return "、".join(filing.evaluation_type_labels)


def validity_text(filing: Filing) -> str:
    return f"{filing.valid_from:%Y-%m-%d} 至 {filing.valid_to:%Y-%m-%d}"


def region_full_name(filing: Filing) -> str:
    """The full region name set by the selectors, else computed (one query)."""
    name = getattr(filing, "region_full_name", None)
    return name if name is not None else filing.region.full_name
