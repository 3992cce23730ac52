"""Traceability from the law to the code (issue 11): which rule-pack entries, code and tests carry each
requirement ID of ``docs/requirements.md``. Pure (no Django): ``manage.py traceability`` writes
``docs/traceability.md``; ``tests/test_traceability.py`` fails for an ID that code cites and no test proves.

* The catalogue is ``docs/requirements.md``, a verbatim copy of the team's requirements.md (``REQUIREMENTS_SHA256``;
  when ``../shared/requirements.md`` is present it must be the same text).
* Code cites an ID when one appears in ``skillreg/**/*.py`` (tests and migrations aside) or in a template.
* A rule pack cites an ID in any ``requirement:`` of ``policies/*/*.yaml``.
* A test proves an ID when it carries ``@pytest.mark.req("CQ-10")`` (on the function, its class, or the module's
  ``pytestmark``), or when a legal-reader case of ``policies/*/cases/*.yaml`` expects an outcome of one of its rules.
* A cited ID more specific than the catalogue's (``GZ-6.3.per_occupation``, ``GZ-4.1``) belongs to the longest
  catalogue ID it starts with (``GZ-6.3``, ``GZ-4``); a test of a more specific ID proves the broader one.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = REPO_ROOT / "docs" / "requirements.md"
SHARED_REQUIREMENTS = REPO_ROOT.parent / "shared" / "requirements.md"
REQUIREMENTS_SHA256 = "15fe92f8b1f8c5af1747a0100bda47ce9d38ddc0934b3ebe4888bcbf87d58602"
OUTPUT = REPO_ROOT / "docs" / "traceability.md"

_PREFIX = r"(?:CQ|WX|AH|HN|GZ)"
_NUM = r"(?:att\d+(?:-\d+(?:\.\d+)*)?|\d+(?:\.\d+)*)"
ID_RE = re.compile(rf"(?<![A-Za-z0-9])(?:{_PREFIX}-{_NUM}|C-[a-z]+)(?![0-9])")
# "GZ-8..10", "CQ-9..CQ-12", "WX-3.1–3.8"
RANGE_RE = re.compile(rf"(?<![A-Za-z0-9])({_PREFIX})-((?:\d+\.)*)(\d+)(?:\.\.|–)(?:{_PREFIX}-)?((?:\d+\.)*)(\d+)")
PREFIXES = ("CQ", "WX", "AH", "HN", "GZ", "C")


def catalogue(text: str) -> list[str]:
    """Every requirement ID of the catalogue text, in order of first mention, ranges expanded."""
    mentions: list[tuple[int, str]] = []
    spans = []
    for m in RANGE_RE.finditer(text):
        prefix, head, first, head2, last = m.groups()
        if head2 and head2 != head:
            continue
        mentions += [(m.start(), f"{prefix}-{head}{n}") for n in range(int(first), int(last) + 1)]
        spans.append(m.span())
    mentions += [(m.start(), m.group()) for m in ID_RE.finditer(text) if not any(a <= m.start() < b for a, b in spans)]
    found: list[str] = []
    for _pos, item in sorted(mentions, key=lambda x: x[0]):
        if item not in found:
            found.append(item)
    return found


def requirements_text() -> str:
    return REQUIREMENTS.read_text(encoding="utf-8")


def requirements_sha256() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def to_catalogue(raw: str, ids: Iterable[str]) -> str | None:
    """The catalogue ID ``raw`` belongs to: itself, or the longest catalogue ID it extends (at a '.' or '-')."""
    best = None
    for cid in ids:
        if raw == cid:
            return cid
        if raw.startswith(cid) and raw[len(cid)] in ".-" and (best is None or len(cid) > len(best)):
            best = cid
    return best


@dataclass
class Trace:
    catalogued: list[str]
    # IDs that rule packs or code cite although the catalogue does not list them (a pack's finer article,
    # e.g. WX-5.1): traced like the others, listed after them.
    extra: list[str] = field(default_factory=list)
    packs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    code: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tests: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def ids(self) -> list[str]:
        return self.catalogued + self.extra

    def _add(self, where: dict[str, list[str]], raw: str, location: str, *, cited: bool = True) -> str | None:
        cid = to_catalogue(raw, self.ids)
        if cid is None:
            if not cited:
                return None  # a test of an ID nobody cites or catalogues: reported by the test of markers
            self.extra.append(raw)
            cid = raw
        if location not in where[cid]:
            where[cid].append(location)
        return cid

    def unproved(self) -> list[str]:
        """IDs cited by code or a rule pack that no test proves."""
        return [cid for cid in self.ids if (self.code.get(cid) or self.packs.get(cid)) and not self.tests.get(cid)]


# -- readers --------------------------------------------------------------------------------------------------


def _walk_requirements(node: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        req = node.get("requirement")
        if isinstance(req, str):
            yield req, path
        for key, value in node.items():
            yield from _walk_requirements(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            name = item.get("id") if isinstance(item, dict) else None
            yield from _walk_requirements(item, f"{path}[{name or i}]")


def pack_files(root: Path = REPO_ROOT) -> list[Path]:
    return sorted(p for p in (root / "policies").glob("*/*.yaml"))


def case_files(root: Path = REPO_ROOT) -> list[Path]:
    return sorted((root / "policies").glob("*/cases/*.yaml"))


def read_packs(trace: Trace, root: Path = REPO_ROOT) -> None:
    for path in pack_files(root):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        pack_id = (data.get("metadata") or {}).get("id", path.stem)
        for section in (
            "parameters",
            "conditions",
            "time_limits",
            "validity",
            "windows",
            "routing",
            "exit",
            "legal_bases",
        ):
            if section in data:
                for req, where in _walk_requirements(data[section], section):
                    trace._add(trace.packs, req, f"{pack_id} {where}")


def _source_files(root: Path) -> Iterable[Path]:
    for path in sorted((root / "skillreg").rglob("*")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts or path.suffix not in {".py", ".html"}:
            continue
        if path.name == "traceability.py":
            continue
        yield path
    yield from sorted((root / "templates").rglob("*.html"))


def read_code(trace: Trace, root: Path = REPO_ROOT) -> None:
    for path in _source_files(root):
        rel = path.relative_to(root).as_posix()  # files, not lines: the report must not churn on every edit
        for m in ID_RE.finditer(path.read_text(encoding="utf-8")):
            trace._add(trace.code, m.group(), rel)


def _req_args(node: ast.expr) -> list[str]:
    """IDs of ``pytest.mark.req("CQ-10", ...)`` (or a list/tuple of marks)."""
    out: list[str] = []
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            out += _req_args(item)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "req"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "mark"
    ):
        out += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return out


def marked_tests(path: Path, root: Path = REPO_ROOT) -> list[tuple[str, list[str]]]:
    """(test id, requirement IDs) for every test function of a test module that carries the ``req`` marker."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(root).as_posix()
    module_ids: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            module_ids += _req_args(node.value)
    out = []

    def visit(body: list[ast.stmt], prefix: str, inherited: list[str]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                ids = inherited + [i for d in node.decorator_list for i in _req_args(d)]
                visit(node.body, f"{prefix}{node.name}::", ids)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                ids = inherited + [i for d in node.decorator_list for i in _req_args(d)]
                if ids:
                    out.append((f"{rel}::{prefix}{node.name}", ids))

    visit(tree.body, "", module_ids)
    return out


def test_modules(root: Path = REPO_ROOT) -> list[Path]:
    found = [*root.glob("skillreg/**/tests/**/test_*.py"), *root.glob("tests/**/test_*.py")]
    return sorted(p for p in found if ".venv" not in p.parts)


def read_tests(trace: Trace, root: Path = REPO_ROOT) -> None:
    for path in test_modules(root):
        for test, ids in marked_tests(path, root):
            for raw in ids:
                trace._add(trace.tests, raw, test, cited=False)
    for path in case_files(root):
        rel = path.relative_to(root).as_posix()
        for case in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases", []):
            for rule in case.get("expect", {}):
                trace._add(trace.tests, str(rule), f"{rel}: {case.get('name', '?')}", cited=False)


def build(root: Path = REPO_ROOT) -> Trace:
    trace = Trace(catalogue((root / "docs" / "requirements.md").read_text(encoding="utf-8")))
    read_packs(trace, root)
    read_code(trace, root)
    read_tests(trace, root)
    return trace


# -- the report ----------------------------------------------------------------------------------------------


def _cell(items: list[str], limit: int = 4) -> str:
    if not items:
        return "—"
    shown = "<br>".join(f"`{i}`" for i in items[:limit])
    return shown + (f"<br>… +{len(items) - limit}" if len(items) > limit else "")


def render(trace: Trace) -> str:
    unproved = set(trace.unproved())
    lines = [
        "# Traceability: requirement → rule packs, code, tests",
        "",
        "Generated by `manage.py traceability` from `docs/requirements.md` (a copy of the team's requirements.md,",
        "sha256 checked), `policies/*/*.yaml`, `skillreg/` and the tests' `@pytest.mark.req(...)` markers and the",
        "legal-reader cases `policies/*/cases/*.yaml`. Do not edit by hand; re-run the command.",
        "`tests/test_traceability.py` fails when an ID that code or a rule pack cites has no test (marked ✗ here).",
        "",
        f"{len(trace.catalogued)} catalogued requirement IDs and {len(trace.extra)} more that packs or code cite; "
        f"{sum(1 for i in trace.ids if trace.tests.get(i))} proved by a test; "
        f"{len(unproved)} cited but unproved.",
        "",
        "| ID | rule-pack entries | code | tests |",
        "|---|---|---|---|",
    ]
    for cid in trace.ids:
        if trace.extra and cid == trace.extra[0]:
            lines.append("| *cited by packs or code, not in the catalogue:* | | | |")
        mark = " ✗" if cid in unproved else ""
        lines.append(
            f"| {cid}{mark} | {_cell(trace.packs.get(cid, []))} | {_cell(trace.code.get(cid, []), 3)} "
            f"| {_cell(trace.tests.get(cid, []), 3)} |"
        )
    return "\n".join(lines) + "\n"
