"""What-if: which profiles' verdicts would change if a draft pack replaced the current one.

``simulate(profiles, draft)`` takes any iterable of profiles (dicts or :class:`Profile`) — a
directory of JSON files, a JSONL file, or, later, a generator over the filed institutions in the
database — and returns a JSON-serialisable report. Pure Python (no Django).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .compiler import STATUS, CompiledRule
from .engine import REVIEW, applicable_rules, check, compose_for, contexts, evaluate_rules, quick_verdict, verdict_of
from .errors import PolicyError
from .loader import LoadedPack, PackSet, default_packset, load_pack_file, region_path
from .parsing import parse_profile
from .profile import Profile

_OUTCOME = {**dict(enumerate(STATUS)), REVIEW: "needs_review"}


def iter_profiles(source: str | Path) -> Iterator[dict[str, Any]]:
    """Profiles from a directory of *.json, a *.jsonl file (one per line) or one *.json file."""
    path = Path(source)
    if path.is_dir():
        for f in sorted(path.glob("*.json")):
            yield json.loads(f.read_text(encoding="utf-8"))
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
    else:
        yield json.loads(path.read_text(encoding="utf-8"))


def _label(key: tuple[str, int | None, int | None], profile: Profile) -> dict[str, Any]:
    rule, idx, level = key
    out: dict[str, Any] = {"rule": rule}
    if idx is not None:
        out["occupation_code"] = profile.scope[idx].occupation_code
    if level is not None:
        out["level"] = level
    return out


Plan = tuple[list[CompiledRule], list[CompiledRule], list[CompiledRule]]


def _plan(plans: dict, profile: Profile, on: dt.date, current: PackSet, proposed: PackSet) -> Plan:
    """Rules common to both pack sets (evaluated once) and the rules only one side has."""
    comp_b = compose_for(profile, None, on, current)
    comp_a = compose_for(profile, None, on, proposed)
    key = (comp_b.key, comp_a.key, profile.kind, tuple(profile.evaluation_types), profile.application_type)
    plan = plans.get(key)
    if plan is None:
        rules_b, rules_a = applicable_rules(comp_b, profile), applicable_rules(comp_a, profile)
        sig_b = {r.signature for r in rules_b}
        sig_a = {r.signature for r in rules_a}
        plan = (
            [r for r in rules_b if r.signature in sig_a],
            [r for r in rules_b if r.signature not in sig_a],
            [r for r in rules_a if r.signature not in sig_b],
        )
        plans[key] = plan
    return plan


def simulate(
    profiles: Iterable[Profile | dict[str, Any]],
    draft: LoadedPack | str | Path,
    *,
    on: dt.date | None = None,
    current: PackSet | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    started = time.perf_counter()
    current = current or default_packset()
    if not isinstance(draft, LoadedPack):
        draft = load_pack_file(draft)
    replaced = next((lp for lp in current.packs if lp.id == draft.id), None)
    proposed = current.with_draft(draft)
    if on is None:
        on = max(dt.date.today(), draft.pack.metadata.effective_from)
    touched = {draft.region} | ({replaced.region} if replaced else set())

    total = skipped = evaluated = 0
    transitions: Counter[str] = Counter()
    changes: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    error_count = changed = 0
    plans: dict = {}
    for item in profiles:
        total += 1
        try:
            profile = parse_profile(item)
            if touched.isdisjoint(region_path(profile.region)):
                skipped += 1
                continue
        except PolicyError as exc:
            error_count += 1
            if len(errors) < limit:
                errors.append({"index": total - 1, **exc.to_dict()})
            continue
        evaluated += 1
        try:
            plan = _plan(plans, profile, on, current, proposed)
        except PolicyError:
            plan = None
        if plan is not None:
            shared, only_before, only_after = plan
            inst, lines = contexts(profile, on)
            c_shared, _ = evaluate_rules(shared, inst, lines, on)
            c_before, out_before = evaluate_rules(only_before, inst, lines, on)
            c_after, out_after = evaluate_rules(only_after, inst, lines, on)
            before = verdict_of([a + b for a, b in zip(c_shared, c_before, strict=True)])
            after = verdict_of([a + b for a, b in zip(c_shared, c_after, strict=True)])
        else:  # one side cannot judge it (region/date/type not covered): report the error as a verdict
            results = []
            for packset in (current, proposed):
                try:
                    results.append(quick_verdict(profile, on, packset=packset))
                except PolicyError as exc:
                    results.append(("error", {("error:" + exc.code, None, None): 1}))
            (before, out_before), (after, out_after) = results
        if before == after:
            continue
        changed += 1
        transitions[f"{before}→{after}"] += 1
        if len(changes) >= limit:
            continue
        reasons = []
        for key in sorted(set(out_before) | set(out_after), key=str):
            b, a = out_before.get(key), out_after.get(key)
            if b != a:
                reasons.append(
                    {
                        **(_label(key, profile) if not key[0].startswith("error:") else {"rule": key[0]}),
                        "before": _OUTCOME.get(b) if b is not None else "not_applicable",
                        "after": _OUTCOME.get(a) if a is not None else "not_applicable",
                    }
                )
        if after != "error":
            record = check(profile, on=on, packset=proposed)
            messages = {
                (r["rule"], (r["subject"] or {}).get("scope_index"), (r["subject"] or {}).get("level")): r["message"]
                for r in record["results"]
            }
            for reason in reasons:
                idx = next(
                    (
                        i
                        for i, line in enumerate(profile.scope)
                        if line.occupation_code == reason.get("occupation_code")
                    ),
                    None,
                )
                msg = messages.get((reason["rule"], idx, reason.get("level")))
                if msg:
                    reason["message"] = msg
        changes.append(
            {
                "reference": profile.reference,
                "region": profile.region,
                "kind": profile.kind.value,
                "before": before,
                "after": after,
                "reasons": reasons,
            }
        )
    return {
        "draft": draft.describe(),
        "replaces": replaced.describe() if replaced else None,
        "on": on.isoformat(),
        "draft_in_force": draft.in_force(on),
        "total": total,
        "not_affected": skipped,
        "evaluated": evaluated,
        "changed": changed,
        "transitions": dict(transitions),
        "changes": changes,
        "invalid_profiles": error_count,
        "errors": errors,
        "elapsed_seconds": round(time.perf_counter() - started, 3),
    }
