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
"""

from __future__ import annotations

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
