"""Load rule packs, validate them, and compose them along the region path.

Pure Python (no Django). Loaded packs and compositions are cached: a :class:`PackSet` is
immutable, and :func:`default_packset` re-reads the directory only when a file changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DateError, PackError, RegionError
from .profile import fact_catalog
from .schema import Condition, Leaf, LegalBasis, Pack, Parameter, Route, TimeLimit, Window, iter_leaves

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_DIR = REPO_ROOT / "policies"
SECTIONS_KEYED = ("time_limits", "validity", "windows", "exit")
RECHECK_SECONDS = 2.0


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    source: str  # path as given / relative to the repo
    sha256: str

    @property
    def id(self) -> str:
        return self.pack.metadata.id

    @property
    def region(self) -> str:
        return self.pack.metadata.region

    def in_force(self, on: dt.date) -> bool:
        md = self.pack.metadata
        return md.effective_from <= on and (md.effective_to is None or on <= md.effective_to)

    def describe(self) -> dict[str, Any]:
        md = self.pack.metadata
        return {
            "id": md.id,
            "prefix": md.prefix,
            "title": md.title,
            "doc_number": md.doc_number,
            "issuer": md.issuer,
            "region": md.region,
            "region_name": md.region_name,
            "effective_from": md.effective_from.isoformat(),
            "effective_to": md.effective_to.isoformat() if md.effective_to else None,
            "source": self.source,
            "sha256": self.sha256,
        }


# ----------------------------------------------------------------------------- parsing


def _format_validation_error(source: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(根)"
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "缺少必填字段"
        elif err["type"] == "extra_forbidden":
            msg = "未知字段"
        elif err["type"] == "value_error":
            msg = str(msg).removeprefix("Value error, ")
        out.append(f"{source}: {loc}: {msg}")
    return out


def parse_pack(text: str | bytes, source: str = "<string>") -> LoadedPack:
    """Parse and schema-validate one pack (no cross-reference checks)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)  # noqa: S506 - a Safe loader
    except yaml.YAMLError as exc:
        raise PackError("pack_yaml", f"{source}: YAML 解析失败：{exc}", field=source) from None
    if not isinstance(data, dict):
        raise PackError("pack_yaml", f"{source}: 规则包须为 YAML 映射", field=source)
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        details = _format_validation_error(source, exc)
        raise PackError("pack_schema", details[0], field=source, details=details) from None
    return LoadedPack(pack=pack, source=source, sha256=hashlib.sha256(raw).hexdigest())


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def load_pack_file(path: str | Path) -> LoadedPack:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError("pack_missing", f"{path}: 无法读取规则包（{exc.strerror}）", field=str(path)) from None
    return parse_pack(raw, _display(path))


def pack_files(root: str | Path) -> list[Path]:
    root = Path(root)
    if root.is_file():
        return [root]
    # seeds/: the law texts; cases/: the legal-reader test cases beside each pack (test_pack_cases.py)
    return sorted(p for p in root.rglob("*.yaml") if "seeds" not in p.parts and "cases" not in p.parts)


# ----------------------------------------------------------------------------- semantics


def _leaf_errors(leaf: Leaf, loc: str, per: str, params: dict[str, Parameter]) -> list[str]:
    catalog = fact_catalog()
    spec = catalog.get(leaf.fact)
    if spec is None:
        return [f"{loc}: 未知事实名“{leaf.fact}”（不在申请档案事实目录中）"]
    allowed = {"institution": {"institution"}, "occupation": {"institution", "occupation"}}.get(
        per, {"institution", "occupation", "level"}
    )
    errs: list[str] = []
    if spec.scope not in allowed:
        errs.append(f"{loc}: 事实“{leaf.fact}”属于{spec.scope}层级，不能用于 per={per} 的条件")
    if leaf.is_ is not None and spec.type != "bool":
        errs.append(f"{loc}: 事实“{leaf.fact}”不是布尔型，不能用 is")
    if leaf.includes is not None:
        if spec.type != "enum_list":
            errs.append(f"{loc}: 事实“{leaf.fact}”不是代码列表，不能用 includes")
        bad = [v for v in leaf.includes if v not in spec.choices]
        if bad and spec.type == "enum_list":
            errs.append(f"{loc}: 事实“{leaf.fact}”没有代码 {', '.join(bad)}")
    if leaf.in_ is not None:
        if spec.type != "enum":
            errs.append(f"{loc}: 事实“{leaf.fact}”不是枚举型，不能用 in")
        bad = [v for v in leaf.in_ if v not in spec.choices]
        if bad and spec.type == "enum":
            errs.append(f"{loc}: 事实“{leaf.fact}”没有代码 {', '.join(bad)}")
    if leaf.op is not None:
        names = [leaf.param] if leaf.param else [leaf.linear.base, leaf.linear.step]  # type: ignore[union-attr]
        for name in names:
            p = params.get(name)
            if p is None:
                errs.append(f"{loc}: 未定义的参数“{name}”")
                continue
            if not p.unit:
                continue  # reported on the parameter itself
            if leaf.op == "days_before":
                if spec.type != "date" or p.unit != "calendar_days":
                    errs.append(f"{loc}: days_before 须用日期事实和 calendar_days 参数")
            elif spec.type not in ("number", "integer"):
                errs.append(f"{loc}: 事实“{leaf.fact}”不是数值，不能做数值比较")
            elif spec.unit != p.unit:
                errs.append(f"{loc}: 单位不一致：事实“{leaf.fact}”单位为 {spec.unit}，参数“{name}”单位为 {p.unit}")
    return errs


def semantic_errors(lp: LoadedPack, inherited_params: dict[str, Parameter] | None = None) -> list[str]:
    """Cross-reference checks of one pack: units, fact names, parameter references."""
    from .facts import UNITS

    pack, src = lp.pack, lp.source
    errs: list[str] = []
    for name, p in pack.parameters.items():
        if not p.unit:
            errs.append(f"{src}: parameters.{name}: 参数缺少单位（unit）")
        elif p.unit not in UNITS:
            errs.append(f"{src}: parameters.{name}: 未知单位“{p.unit}”（可用：{', '.join(UNITS)}）")
    for section in SECTIONS_KEYED:
        for item in getattr(pack, section):
            if isinstance(item, TimeLimit) and not item.unit:
                errs.append(f"{src}: {section}[{item.id}]: 时限缺少单位（unit）")
    params = {**(inherited_params or {}), **pack.parameters}
    for cond in pack.conditions:
        for part, check in (("when", cond.when), ("check", cond.check)):
            for leaf in iter_leaves(check):
                errs.extend(_leaf_errors(leaf, f"{src}: conditions[{cond.id}].{part}", cond.per, params))
    for route in pack.routing:
        for leaf in iter_leaves(route.when):
            errs.extend(_leaf_errors(leaf, f"{src}: routing[{route.id}].when", "institution", params))
    return errs


# ----------------------------------------------------------------------------- regions


def region_path(code: str) -> tuple[str, ...]:
    """Ancestors of a GB/T 2260 code, general → specific (province, city, county)."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit() and code[0] != "0"):
        raise RegionError("region_invalid", f"地区代码“{code}”无效：应为6位 GB/T 2260 行政区划代码", field="region")
    out: list[str] = []
    for part in (code[:2] + "0000", code[:4] + "00", code):
        if part not in out:
            out.append(part)
    return tuple(out)


# ----------------------------------------------------------------------------- composition


@dataclass
class Composition:
    region: str
    path: tuple[str, ...]
    on: dt.date
    packs: tuple[LoadedPack, ...]  # in force, general → specific
    not_in_force: tuple[LoadedPack, ...]
    parameters: dict[str, tuple[Parameter, LoadedPack]]
    conditions: list[tuple[Condition, LoadedPack]]
    superseded: dict[str, str]  # condition id → superseding condition id
    keyed: dict[str, dict[str, tuple[TimeLimit | Window, LoadedPack]]]
    routing: list[tuple[Route, LoadedPack]]
    cache: dict[Any, Any] = field(default_factory=dict)

    @functools.cached_property
    def key(self) -> tuple[str, ...]:
        return tuple(lp.id + ":" + lp.sha256 for lp in self.packs)


class PackSet:
    """An immutable set of loaded packs with cached compositions."""

    def __init__(self, packs: list[LoadedPack] | tuple[LoadedPack, ...], check: bool = True):
        self.packs = tuple(packs)
        ids = [lp.id for lp in self.packs]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise PackError("pack_duplicate", f"规则包 id 重复：{', '.join(sorted(dup))}")
        if check:
            errs = self.semantic_errors()
            if errs:
                raise PackError("pack_invalid", errs[0], details=errs)
        self._by_region_date: dict[tuple[str, dt.date], Composition] = {}
        self._compositions: dict[tuple[tuple[str, ...], tuple[str, ...]], Composition] = {}

    def semantic_errors(self) -> list[str]:
        errs: list[str] = []
        for lp in self.packs:
            inherited: dict[str, Parameter] = {}
            ancestors = [a for a in self.packs if a is not lp and a.region in region_path(lp.region)]
            for anc in sorted(ancestors, key=lambda a: len(a.region.rstrip("0"))):
                inherited.update(anc.pack.parameters)
            errs.extend(semantic_errors(lp, inherited))
            ancestor_conditions = {c.id for a in ancestors for c in a.pack.conditions}
            for cond in lp.pack.conditions:
                for target in cond.supersedes:
                    if target not in ancestor_conditions:
                        errs.append(
                            f"{lp.source}: conditions[{cond.id}].supersedes: 上级地区规则包中没有条件“{target}”"
                        )
        return errs

    def with_draft(self, draft: LoadedPack) -> PackSet:
        """A new set with ``draft`` replacing the pack of the same id (or added)."""
        packs = [lp for lp in self.packs if lp.id != draft.id] + [draft]
        return PackSet(packs)

    def packs_for_path(self, path: tuple[str, ...]) -> list[LoadedPack]:
        found = [lp for lp in self.packs if lp.region in path]
        return sorted(found, key=lambda lp: (path.index(lp.region), lp.pack.metadata.effective_from))

    def compose(self, region: str, on: dt.date) -> Composition:
        hit = self._by_region_date.get((region, on))
        if hit is not None:
            return hit
        comp = self._compose(region, on)
        if len(self._by_region_date) > 50_000:
            self._by_region_date.clear()
        self._by_region_date[(region, on)] = comp
        return comp

    def _compose(self, region: str, on: dt.date) -> Composition:
        path = region_path(region)
        candidates = self.packs_for_path(path)
        if not candidates:
            known = ", ".join(sorted({lp.region for lp in self.packs}))
            raise RegionError(
                "region_unknown",
                f"地区代码“{region}”不在任何规则包的适用地区内（已知地区：{known}）",
                field="region",
            )
        active = tuple(lp for lp in candidates if lp.in_force(on))
        if not active:
            first = min(lp.pack.metadata.effective_from for lp in candidates)
            raise DateError(
                "no_pack_in_force",
                f"{on.isoformat()} 地区“{region}”没有生效的规则包（最早施行日期 {first.isoformat()}）",
                field="on",
            )
        key = (path, tuple(lp.id for lp in active))
        comp = self._compositions.get(key)
        if comp is None:
            comp = self._build(region, path, on, active, tuple(lp for lp in candidates if lp not in active))
            self._compositions[key] = comp
        return comp

    @staticmethod
    def _build(region, path, on, active, inactive) -> Composition:
        parameters: dict[str, tuple[Parameter, LoadedPack]] = {}
        keyed: dict[str, dict[str, tuple[Any, LoadedPack]]] = {s: {} for s in SECTIONS_KEYED}
        superseded: dict[str, str] = {}
        for lp in active:  # general → specific: later wins
            for name, p in lp.pack.parameters.items():
                parameters[name] = (p, lp)
            for section in SECTIONS_KEYED:
                for item in getattr(lp.pack, section):
                    keyed[section][item.id] = (item, lp)
            for cond in lp.pack.conditions:
                for target in cond.supersedes:
                    superseded[target] = cond.id
        conditions = [(c, lp) for lp in active for c in lp.pack.conditions if c.id not in superseded]
        routing = [(r, lp) for lp in active for r in lp.pack.routing]
        return Composition(region, path, on, active, inactive, parameters, conditions, superseded, keyed, routing)


def legal_bases_of(comp: Composition, purpose: str) -> list[tuple[LegalBasis, LoadedPack]]:
    """What a supervision notice or record of ``purpose`` is issued under in ``comp``'s region, general → specific.

    A county adds rules to its city's: the most specific pack in force that states the purpose wins (its
    ``none`` included: that region's documents have no such article), else the parent's; an entry marked
    ``with_parent`` is cited together with the parent's. [] when no pack of the region path states it.
    """
    out: list[tuple[LegalBasis, LoadedPack]] = []
    for lp in reversed(comp.packs):  # specific → general
        entry = next((b for b in lp.pack.legal_bases if b.purpose == purpose), None)
        if entry is None:
            continue
        out.append((entry, lp))
        if not entry.with_parent:
            break
    return list(reversed(out))


# ----------------------------------------------------------------------------- defaults

_DEFAULT: dict[str, Any] = {}


def policy_dir() -> Path:
    return Path(os.environ.get("SKILLREG_POLICY_DIR") or DEFAULT_POLICY_DIR)


def load_packset(root: str | Path | None = None) -> PackSet:
    files = pack_files(root or policy_dir())
    return PackSet([load_pack_file(p) for p in files])


def default_packset(root: str | Path | None = None) -> PackSet:
    """The packs under ``policies/`` (or ``root``), re-read only when a file changed."""
    root_path = Path(root or policy_dir())
    cached = _DEFAULT.get(str(root_path))
    now = time.monotonic()
    if cached is not None and now - cached[2] < RECHECK_SECONDS:
        return cached[1]
    files = pack_files(root_path)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if cached is not None and cached[0] == stamp:
        _DEFAULT[str(root_path)] = (stamp, cached[1], now)
        return cached[1]
    packset = PackSet([load_pack_file(p) for p in files])
    _DEFAULT[str(root_path)] = (stamp, packset, now)
    return packset
