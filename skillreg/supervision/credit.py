"""Credit evaluation (信用评估, CQ-29: 动态评估; GZ-7: bad records exclude): a pure score over the ledger.

No Django. ``score(events, as_of, rules)`` takes the credit events of one institution (kind, day, basis) and the
rules (points per kind, how long each kind counts — after that the record is repaired —, grade thresholds) and
returns the points, the grade and the factors that made it, each with its legal basis. Events after ``as_of`` do
not count, so the grade of any past day can be recomputed from the append-only ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    kind: str
    on: dt.date
    basis: str = ""
    note: str = ""


@dataclass(frozen=True)
class Rules:
    base: int = 100
    points: Mapping[str, int] = field(default_factory=dict)  # kind → points (negative for bad records)
    counts_for_days: Mapping[str, int] = field(default_factory=dict)  # kind → days it counts (repair after)
    grades: tuple[tuple[int, str], ...] = ()  # (minimum points, grade), highest first; the last is the floor


# Defaults (docs/decisions.md, "Supervision (issue 13)"); an authority overrides them in settings.SKILLREG_CREDIT.
DEFAULT_RULES = Rules(
    base=100,
    points={
        "inspection_compliant": 5,
        "inspection_rectify": -15,
        "inspection_serious": -40,
        "complaint_verified": -10,
        "rectification_closed": 5,
        "rectification_failed": -60,
        "report_late": -5,  # 年度工作总结逾期报送 (AH-4.2, HN-2; docs/decisions.md, "Annual reports")
        "report_missing": -10,
    },
    counts_for_days={
        "inspection_compliant": 365,
        "inspection_rectify": 730,
        "inspection_serious": 1095,
        "complaint_verified": 730,
        "rectification_closed": 365,
        "rectification_failed": 1825,
        "report_late": 365,
        "report_missing": 730,
    },
    grades=((100, "A"), (85, "B"), (70, "C"), (0, "D")),
)
GRADE_LABELS = {"A": "A级（守信）", "B": "B级（基本守信）", "C": "C级（失信风险）", "D": "D级（严重失信）"}


@dataclass(frozen=True)
class Factor:
    kind: str
    on: dt.date
    points: int
    counts_until: dt.date
    basis: str
    note: str


@dataclass(frozen=True)
class Score:
    as_of: dt.date
    points: int
    grade: str
    factors: tuple[Factor, ...]


def rules_from(mapping: Mapping[str, object] | None) -> Rules:
    """Rules from a settings mapping (keys of ``Rules``); missing keys keep the defaults."""
    if not mapping:
        return DEFAULT_RULES
    d = DEFAULT_RULES
    grades = mapping.get("grades")
    return Rules(
        base=int(mapping.get("base", d.base)),  # type: ignore[call-overload]
        points={**d.points, **dict(mapping.get("points", {}))},  # type: ignore[call-overload]
        counts_for_days={**d.counts_for_days, **dict(mapping.get("counts_for_days", {}))},  # type: ignore[call-overload]
        grades=tuple((int(m), str(g)) for m, g in grades) if grades else d.grades,  # type: ignore[attr-defined]
    )


def grade_for(points: int, rules: Rules) -> str:
    for minimum, grade in sorted(rules.grades, key=lambda g: -g[0]):
        if points >= minimum:
            return grade
    return rules.grades[-1][1] if rules.grades else ""


def score(events: Iterable[Event], as_of: dt.date, rules: Rules = DEFAULT_RULES) -> Score:
    factors = []
    for e in sorted(events, key=lambda e: (e.on, e.kind)):
        if e.on > as_of or e.kind not in rules.points:
            continue
        until = e.on + dt.timedelta(days=rules.counts_for_days.get(e.kind, 365) - 1)
        if until < as_of:
            continue  # repaired: the record no longer counts
        factors.append(Factor(e.kind, e.on, rules.points[e.kind], until, e.basis, e.note))
    points = max(0, min(rules.base, rules.base + sum(f.points for f in factors)))  # between 0 and the base
    return Score(as_of=as_of, points=points, grade=grade_for(points, rules), factors=tuple(factors))
