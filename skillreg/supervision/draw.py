"""The reproducible draw of 双随机、一公开 (国办发〔2015〕58号; CQ-25, AH-4.3). Pure: no Django, no clock, no I/O.

``run_draw(seed, targets, inspectors, params)`` is a function of its arguments only. Anyone holding the revealed
seed and the published registers gets the same targets and the same inspectors on every machine and Python
version: ordering comes from SHA-256 of fixed UTF-8 strings, never from ``random`` or ``hash()``.

* Targets: every registered institution gets the key ``sha256("target|" + seed + "|" + code)``; the sample is the
  ``size`` smallest keys (``size`` given, or ``ceil(count × ratio_permille / 1000)``), reported in key order.
* Inspectors: for each drawn target in that order, the inspectors not recused for it (same unit as the
  institution, or the target listed among their conflicts) are ranked by (inspections already given to them in
  this draw, ``sha256("inspector|" + seed + "|" + code + "|" + inspector)``); the first ``per_target`` are taken.
  The load term spreads the work; it is deterministic too.
* ``register_digest`` is SHA-256 over the canonical JSON of the sorted registers and the parameters: a changed
  register, or changed parameters, gives another digest, so a re-run against different data is visibly different.

The same piece sends external quality supervisors (外督, 人社职司便函〔2020〕53号) to one evaluation plan:
``run_assignment(seed, engagement, candidates)``. Every candidate on the register is judged by ``exclusion`` (the
same ``recused`` rule as inspectors, then term, area and overlapping bookings — all data in the arguments); the
eligible are ranked by ``sha256("supervisor|" + seed + "|" + plan + "|" + key)`` and the first ``count`` are sent.
The result lists every candidate left out with the reason, and ``assignment_digest`` covers the whole register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ALGORITHM = "skillreg-draw-v1"


class DrawError(ValueError):
    """The draw cannot be made with these registers and parameters (nothing is drawn)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    code: str  # 备案编码
    unit: str  # 统一社会信用代码 of the applicant unit
    name: str = ""


@dataclass(frozen=True)
class Inspector:
    key: str  # stable public identifier (the inspector's register number)
    unit: str = ""  # USCC of the unit the inspector works for ("" = none)
    conflicts: frozenset[str] = field(default_factory=frozenset)  # 备案编码 the inspector is recused from
    name: str = ""


@dataclass(frozen=True)
class Params:
    size: int | None = None  # a fixed sample size, or
    ratio_permille: int | None = None  # a sample ratio in ‰ (e.g. 200 = 20%)
    per_target: int = 2  # inspectors per target


@dataclass(frozen=True)
class DrawResult:
    algorithm: str
    seed_hash: str
    register_digest: str
    assignments: tuple[tuple[str, tuple[str, ...]], ...]  # (target code, inspector keys), in draw order

    def as_json(self) -> dict[str, object]:
        return {
            "algorithm": self.algorithm,
            "seed_hash": self.seed_hash,
            "register_digest": self.register_digest,
            "assignments": [[code, list(keys)] for code, keys in self.assignments],
        }


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_hash(seed: str) -> str:
    """The commitment published before the draw."""
    return sha256_hex(seed)


def _sorted_targets(targets: Iterable[Target]) -> list[Target]:
    out = sorted(targets, key=lambda t: t.code)
    codes = [t.code for t in out]
    if len(set(codes)) != len(codes):
        raise DrawError("检查对象名录中有重复的备案编码", code="DRAW_REGISTER_DUPLICATE")
    return out


def _sorted_inspectors(inspectors: Iterable[Inspector]) -> list[Inspector]:
    out = sorted(inspectors, key=lambda i: i.key)
    keys = [i.key for i in out]
    if len(set(keys)) != len(keys):
        raise DrawError("检查人员名录中有重复的人员编号", code="DRAW_REGISTER_DUPLICATE")
    return out


def register_digest(targets: Iterable[Target], inspectors: Iterable[Inspector], params: Params) -> str:
    doc = {
        "algorithm": ALGORITHM,
        "targets": [[t.code, t.unit] for t in _sorted_targets(targets)],
        "inspectors": [[i.key, i.unit, sorted(i.conflicts)] for i in _sorted_inspectors(inspectors)],
        "params": [params.size, params.ratio_permille, params.per_target],
    }
    return sha256_hex(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True))


def sample_size(count: int, params: Params) -> int:
    if (params.size is None) == (params.ratio_permille is None):
        raise DrawError("请填写抽查数量或抽查比例中的一项", code="DRAW_SAMPLE_INVALID")
    if params.size is not None:
        if params.size < 1:
            raise DrawError("抽查数量至少为 1", code="DRAW_SAMPLE_INVALID")
        return min(params.size, count)
    ratio = params.ratio_permille or 0
    if not 0 < ratio <= 1000:
        raise DrawError("抽查比例应大于 0 且不超过 100%", code="DRAW_SAMPLE_INVALID")
    return math.ceil(count * ratio / 1000)


def recused(inspector: Inspector, target: Target) -> bool:
    """Same unit as the institution, or a declared conflict / prior relationship with it."""
    return bool(inspector.unit and inspector.unit == target.unit) or target.code in inspector.conflicts


def run_draw(seed: str, targets: Sequence[Target], inspectors: Sequence[Inspector], params: Params) -> DrawResult:
    if not seed:
        raise DrawError("缺少随机种子", code="DRAW_SEED_MISSING")
    if params.per_target < 1:
        raise DrawError("每个检查对象至少选派 1 名检查人员", code="DRAW_SAMPLE_INVALID")
    ts = _sorted_targets(targets)
    ins = _sorted_inspectors(inspectors)
    if not ts:
        raise DrawError("检查对象名录为空，无法抽取", code="DRAW_REGISTER_EMPTY")
    n = sample_size(len(ts), params)
    drawn = sorted(ts, key=lambda t: sha256_hex(f"target|{seed}|{t.code}"))[:n]
    load = {i.key: 0 for i in ins}
    assignments: list[tuple[str, tuple[str, ...]]] = []
    for t in drawn:
        eligible = [i for i in ins if not recused(i, t)]
        if len(eligible) < params.per_target:
            raise DrawError(
                f"检查对象“{t.name or t.code}”回避后可选派的检查人员只有 {len(eligible)} 名，"
                f"少于每个对象 {params.per_target} 名，请补充检查人员名录后再抽取",
                code="DRAW_NOT_ENOUGH_INSPECTORS",
            )
        ranked = sorted(eligible, key=lambda i: (load[i.key], sha256_hex(f"inspector|{seed}|{t.code}|{i.key}")))
        chosen = tuple(i.key for i in ranked[: params.per_target])
        for k in chosen:
            load[k] += 1
        assignments.append((t.code, chosen))
    return DrawResult(
        algorithm=ALGORITHM,
        seed_hash=seed_hash(seed),
        register_digest=register_digest(ts, ins, params),
        assignments=tuple(assignments),
    )


# ----------------------------------------------------------------------------- one plan, several supervisors


@dataclass(frozen=True)
class Engagement:
    """What is to be staffed: one evaluation plan of one institution, on its dates, for one occupation."""

    code: str  # the plan's public number
    target: Target  # the institution (备案编码, USCC): the recusal rule is the inspectors' ``recused``
    occupation: str  # occupation code
    regions: tuple[str, ...]  # region codes from the top down to the plan's region
    starts_on: dt.date
    ends_on: dt.date
    count: int = 1


@dataclass(frozen=True)
class Candidate:
    """One person on a register who may be sent: ``person`` carries key, unit and declared conflicts."""

    person: Inspector
    term_from: dt.date
    term_to: dt.date
    occupations: frozenset[str] = field(default_factory=frozenset)  # empty: any occupation
    regions: frozenset[str] = field(default_factory=frozenset)  # empty: anywhere on the register's region
    booked: tuple[tuple[dt.date, dt.date], ...] = ()  # periods of other plans the person is already sent to
    active: bool = True


# Reasons a candidate is left out, in the order they are tested (stable codes; pages translate them).
EXCLUSIONS = ("inactive", "recused", "term", "occupation", "region", "booked")


def exclusion(c: Candidate, e: Engagement) -> str | None:
    """The first reason ``c`` may not be sent to ``e``, or None if eligible."""
    if not c.active:
        return "inactive"
    if recused(c.person, e.target):
        return "recused"
    if not (c.term_from <= e.starts_on and e.ends_on <= c.term_to):
        return "term"
    if c.occupations and e.occupation not in c.occupations:
        return "occupation"
    if c.regions and not (c.regions & set(e.regions)):
        return "region"
    if any(start <= e.ends_on and e.starts_on <= end for start, end in c.booked):
        return "booked"
    return None


@dataclass(frozen=True)
class AssignmentResult:
    algorithm: str
    seed_hash: str
    register_digest: str
    chosen: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (key, reason) of every candidate left out

    def as_json(self) -> dict[str, object]:
        return {
            "algorithm": self.algorithm,
            "seed_hash": self.seed_hash,
            "register_digest": self.register_digest,
            "chosen": list(self.chosen),
            "excluded": [list(x) for x in self.excluded],
        }


def _sorted_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    out = sorted(candidates, key=lambda c: c.person.key)
    _sorted_inspectors(c.person for c in out)  # duplicate keys refused the same way
    return out


def candidate_json(c: Candidate) -> list[object]:
    return [
        c.person.key,
        c.person.unit,
        sorted(c.person.conflicts),
        c.person.name,
        c.term_from.isoformat(),
        c.term_to.isoformat(),
        sorted(c.occupations),
        sorted(c.regions),
        [[a.isoformat(), b.isoformat()] for a, b in sorted(c.booked)],
        c.active,
    ]


def candidate_from_json(r: Sequence[object]) -> Candidate:
    return Candidate(
        person=Inspector(
            key=str(r[0]),
            unit=str(r[1]),
            conflicts=frozenset(str(x) for x in r[2]),  # type: ignore[attr-defined]
            name=str(r[3]),
        ),
        term_from=dt.date.fromisoformat(str(r[4])),
        term_to=dt.date.fromisoformat(str(r[5])),
        occupations=frozenset(str(x) for x in r[6]),  # type: ignore[attr-defined]
        regions=frozenset(str(x) for x in r[7]),  # type: ignore[attr-defined]
        booked=tuple((dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in r[8]),  # type: ignore[attr-defined]
        active=bool(r[9]),
    )


def engagement_json(e: Engagement) -> dict[str, object]:
    return {
        "code": e.code,
        "target": [e.target.code, e.target.unit, e.target.name],
        "occupation": e.occupation,
        "regions": list(e.regions),
        "starts_on": e.starts_on.isoformat(),
        "ends_on": e.ends_on.isoformat(),
        "count": e.count,
    }


def engagement_from_json(d: dict[str, object]) -> Engagement:
    t = d["target"]
    return Engagement(
        code=str(d["code"]),
        target=Target(code=str(t[0]), unit=str(t[1]), name=str(t[2])),  # type: ignore[index]
        occupation=str(d["occupation"]),
        regions=tuple(str(x) for x in d["regions"]),  # type: ignore[attr-defined]
        starts_on=dt.date.fromisoformat(str(d["starts_on"])),
        ends_on=dt.date.fromisoformat(str(d["ends_on"])),
        count=int(d["count"]),  # type: ignore[call-overload]
    )


def assignment_digest(engagement: Engagement, candidates: Iterable[Candidate]) -> str:
    doc = {
        "algorithm": ALGORITHM,
        "engagement": engagement_json(engagement),
        "candidates": [candidate_json(c) for c in _sorted_candidates(candidates)],
    }
    return sha256_hex(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True))


def run_assignment(seed: str, engagement: Engagement, candidates: Sequence[Candidate]) -> AssignmentResult:
    """Send ``engagement.count`` eligible candidates, drawn by the committed seed; nothing if too few."""
    if not seed:
        raise DrawError("缺少随机种子", code="DRAW_SEED_MISSING")
    if engagement.count < 1:
        raise DrawError("至少选派 1 名质量督导员", code="DRAW_SAMPLE_INVALID")
    cs = _sorted_candidates(candidates)
    eligible: list[Candidate] = []
    excluded: list[tuple[str, str]] = []
    for c in cs:
        why = exclusion(c, engagement)
        if why is None:
            eligible.append(c)
        else:
            excluded.append((c.person.key, why))
    if len(eligible) < engagement.count:
        raise DrawError(
            f"符合条件（聘期覆盖评价日期、督导领域相符、无回避事由、未被选派到时间重叠的其他评价计划）的"
            f"质量督导员只有 {len(eligible)} 名，少于需选派的 {engagement.count} 名，请补充督导员名录后再选派",
            code="DRAW_NOT_ENOUGH_SUPERVISORS",
        )
    ranked = sorted(eligible, key=lambda c: sha256_hex(f"supervisor|{seed}|{engagement.code}|{c.person.key}"))
    return AssignmentResult(
        algorithm=ALGORITHM,
        seed_hash=seed_hash(seed),
        register_digest=assignment_digest(engagement, cs),
        chosen=tuple(c.person.key for c in ranked[: engagement.count]),
        excluded=tuple(excluded),
    )


def targets_from_json(rows: Iterable[Sequence[str]]) -> list[Target]:
    return [Target(code=r[0], unit=r[1], name=r[2] if len(r) > 2 else "") for r in rows]


def inspectors_from_json(rows: Iterable[Sequence[object]]) -> list[Inspector]:
    out = []
    for r in rows:
        conflicts = r[2] if len(r) > 2 else []
        out.append(
            Inspector(
                key=str(r[0]),
                unit=str(r[1]),
                conflicts=frozenset(str(c) for c in conflicts),  # type: ignore[attr-defined]
                name=str(r[3]) if len(r) > 3 else "",
            )
        )
    return out
