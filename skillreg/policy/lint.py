"""``policy lint``: a rule nobody can trace to the law does not ship.

Checks, per pack file: YAML + schema; the seed file exists (and matches ``seed_sha256``);
every quote appears verbatim (whitespace-insensitive) in the seed; every parameter and time
limit has a known unit; every fact name is in the profile catalogue, with a matching type and
unit; every parameter reference and ``supersedes`` target resolves. Pure Python (no Django).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .errors import PackError
from .loader import REPO_ROOT, LoadedPack, PackSet, load_pack_file, pack_files, policy_dir, region_path
from .schema import iter_citations

_WS = re.compile(r"\s+", re.UNICODE)


def normalize(text: str) -> str:
    """Remove every whitespace character (incl. U+3000 and NBSP)."""
    return _WS.sub("", text.replace("\u3000", "").replace("\xa0", "").replace("\ufeff", ""))


def seed_dirs(explicit: str | Path | None = None) -> list[Path]:
    dirs = []
    if explicit:
        dirs.append(Path(explicit))
    dirs.append(policy_dir() / "seeds")
    dirs.append(REPO_ROOT.parent / "shared" / "seeds")
    return dirs


def find_seed(name: str, explicit: str | Path | None = None) -> Path | None:
    for d in seed_dirs(explicit):
        candidate = d / name
        if candidate.is_file():
            return candidate
    return None


def quote_errors(lp: LoadedPack, seeds: str | Path | None = None) -> list[str]:
    md = lp.pack.metadata
    seed_path = find_seed(md.seed_file, seeds)
    if seed_path is None:
        return [f"{lp.source}: metadata.seed_file: 找不到种子文本“{md.seed_file}”"]
    raw = seed_path.read_bytes()
    errs: list[str] = []
    if md.seed_sha256 and hashlib.sha256(raw).hexdigest() != md.seed_sha256:
        errs.append(
            f"{lp.source}: metadata.seed_sha256: 种子文本“{md.seed_file}”的 sha256 与记录不符（原文已被改动？）"
        )
    text = normalize(raw.decode("utf-8"))
    for loc, cite in iter_citations(lp.pack):
        if normalize(cite.quote) not in text:
            errs.append(f"{lp.source}: {loc}.cite.quote: 引文未在种子文本“{md.seed_file}”中逐字找到：“{cite.quote}”")
    return errs


def lint(paths: list[str | Path] | None = None, seeds: str | Path | None = None) -> list[str]:
    """Lint the given files/directories (default: the policy directory). Returns messages."""
    targets: list[Path] = []
    for p in paths or [policy_dir()]:
        p = Path(p)
        if not p.exists():
            return [f"{p}: 文件或目录不存在"]
        targets.extend(pack_files(p))
    if not targets:
        return ["没有找到规则包（*.yaml）"]
    messages: list[str] = []
    linted: list[LoadedPack] = []
    for path in targets:
        try:
            lp = load_pack_file(path)
        except PackError as exc:
            messages.extend(exc.details or [exc.message])
            continue
        linted.append(lp)
        messages.extend(quote_errors(lp, seeds))
    # Cross-references are resolved against the installed packs, with the linted ones replacing
    # installed packs of the same id (so a draft is linted in the context it would run in).
    context: dict[str, LoadedPack] = {}
    for path in pack_files(policy_dir()):
        try:
            installed = load_pack_file(path)
        except PackError:
            continue
        context[installed.id] = installed
    for lp in linted:
        context[lp.id] = lp
    try:
        packset = PackSet(list(context.values()), check=False)
    except PackError as exc:
        return messages + [exc.message]
    linted_sources = {lp.source for lp in linted}
    for msg in packset.semantic_errors():
        if msg.split(": ", 1)[0] in linted_sources:
            messages.append(msg)
    for lp in linted:
        try:
            region_path(lp.region)
        except PackError:  # pragma: no cover - schema pattern already guarantees the format
            pass
    return messages
