"""The pure policy engine: profile + region + date → decision record.

No Django. Entry points:

* :func:`check` — the full, JSON-serialisable decision record (stored on a final decision);
* :func:`quick_verdict` — verdict and per-rule outcomes only (used by what-if simulation).

Every rule yields, per subject (institution / occupation / occupation+level), one of
``pass`` / ``fail`` (actual vs required) / ``missing`` (facts named) / ``needs_review``
(reviewer checklist item). Verdict: any fail → ``not_eligible``; else any missing →
``incomplete``; else any review item → ``needs_review``; else ``eligible``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from .compiler import FAIL, MISSING, PASS, STATUS, CompiledRule, compile_check, rules_for
from .errors import ProfileError
from .loader import Composition, PackSet, default_packset
from .parsing import parse_profile
from .profile import Profile, ScopeLine

ENGINE_VERSION = "1"
REVIEW = 3
VERDICTS = {
    "eligible": "符合条件",
    "not_eligible": "不符合条件",
    "incomplete": "缺少事实，无法判定",
    "needs_review": "自动核验未发现不符合项，待审核人员按清单核查",
}
OUTCOME_LABELS = {"pass": "符合", "fail": "不符合", "missing": "缺少事实", "needs_review": "待人工审核"}
_EMPTY: dict[str, Any] = {}
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_KIND_LABELS = {"employer": "用人单位", "school": "院校", "social_org": "社会培训评价组织"}
_TYPE_LABELS = {
    "skill_level": "职业技能等级认定",
    "qualification": "职业资格评价",
    "special_ability": "专项职业能力考核",
}


def contexts(
    profile: Profile, on: dt.date
) -> tuple[dict[str, Any], list[tuple[int, ScopeLine, dict[str, Any], dict[int, dict[str, Any]], str, list[int]]]]:
    inst = dict(profile.facts.__dict__)
    for code, answer in (profile.facts.registered_in or {}).items():
        inst[f"registered_in@{code}"] = answer
    count = len(profile.scope)
    inst["occupation_count"] = count
    inst["extra_occupations"] = max(0, count - 1)
    inst["all_new_occupations"] = all(line.new_occupation for line in profile.scope)
    lines = []
    for i, line in enumerate(profile.scope):
        occ = dict(line.facts.__dict__)
        occ["new_occupation"] = line.new_occupation
        levels = {lf.level: lf.__dict__ for lf in line.level_facts}
        lines.append((i, line, occ, levels, str(line.evaluation_type), line.levels))
    return inst, lines


def compose_for(profile: Profile, region: str | None, on: dt.date, packset: PackSet | None) -> Composition:
    packset = packset or default_packset()
    comp = packset.compose(region or profile.region, on)
    kinds = {k for lp in comp.packs for k in lp.pack.metadata.kinds}
    types = {t for lp in comp.packs for t in lp.pack.metadata.evaluation_types}
    if profile.kind not in kinds:
        raise ProfileError("kind_not_covered", f"该地区规则包不适用于机构类型“{profile.kind}”", field="kind")
    for i, t in enumerate(profile.evaluation_types):
        if t not in types:
            names = "、".join(lp.pack.metadata.title for lp in comp.packs)
            raise ProfileError(
                "evaluation_type_not_covered",
                f"评价类型“{_TYPE_LABELS[t]}”（{t}）不在该地区规则包（{names}）的适用范围内",
                field=f"evaluation_types[{i}]",
            )
    return comp


def _instances(rule: CompiledRule, inst: dict, lines: list, on: dt.date):
    if rule.per == "institution":
        yield None, (inst, _EMPTY, _EMPTY, on)
        return
    per_occupation = rule.per == "occupation"
    types = rule.types
    for i, line, occ, levels, etype, line_levels in lines:
        if etype not in types:
            continue
        if per_occupation:
            yield (i, line, None), (inst, occ, _EMPTY, on)
        else:
            for level in line_levels:
                yield (i, line, level), (inst, occ, levels.get(level, _EMPTY), on)


def _run(rule: CompiledRule, ctx: tuple, sink: list | None) -> int | None:
    """Outcome of one rule instance; None when its ``when`` clause makes it not applicable."""
    if rule.when is not None:
        st = rule.when(ctx, sink)
        if st == FAIL:
            return None
        if st == MISSING:
            return MISSING
    if rule.check is None:
        return REVIEW
    return rule.check(ctx, sink)


def verdict_of(counts: list[int]) -> str:
    if counts[FAIL]:
        return "not_eligible"
    if counts[MISSING]:
        return "incomplete"
    if counts[REVIEW]:
        return "needs_review"
    return "eligible"


Outcomes = dict[tuple[str, int | None, int | None], int]


def evaluate_rules(rules: list[CompiledRule], inst: dict, lines: list, on: dt.date) -> tuple[list[int], Outcomes]:
    """Counts per status and {(rule id, scope index, level): status} for ``rules``."""
    counts = [0, 0, 0, 0]
    outcomes: Outcomes = {}
    for rule in rules:
        for subject, ctx in _instances(rule, inst, lines, on):
            st = _run(rule, ctx, None)
            if st is None:
                continue
            counts[st] += 1
            key = (rule.id, subject[0], subject[2]) if subject else (rule.id, None, None)
            outcomes[key] = st
    return counts, outcomes


def applicable_rules(comp: Composition, profile: Profile) -> list[CompiledRule]:
    return rules_for(
        comp, str(profile.kind), frozenset(map(str, profile.evaluation_types)), str(profile.application_type)
    )


def quick_verdict(
    profile: Profile, on: dt.date, region: str | None = None, packset: PackSet | None = None
) -> tuple[str, Outcomes]:
    """Verdict + {(rule id, scope index, level): status} without building the record."""
    comp = compose_for(profile, region, on, packset)
    inst, lines = contexts(profile, on)
    counts, outcomes = evaluate_rules(applicable_rules(comp, profile), inst, lines, on)
    return verdict_of(counts), outcomes


# ----------------------------------------------------------------------------- full record


def _field_path(check: dict, subject: tuple | None) -> str:
    name, scope = check["fact"], check["scope"]
    if check.get("region"):
        return f"facts.registered_in.{check['region']}"
    if scope == "institution":
        return "scope" if name in ("occupation_count", "all_new_occupations") else f"facts.{name}"
    i, _line, level = subject  # type: ignore[misc]
    if name == "new_occupation":
        return f"scope[{i}].new_occupation"
    if scope == "occupation":
        return f"scope[{i}].facts.{name}"
    return f"scope[{i}].level_facts[level={level}].{name}"


def _fmt(value: Any, unit_label: str) -> str:
    kind = type(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is float and value.is_integer():
        value = int(value)
    elif kind is list:
        return "、".join(str(v) for v in value) or "（无）"
    return f"{value}{unit_label}"


def _message(outcome: str, checks: list[dict], rule: CompiledRule, missing: list[str]) -> str:
    if outcome == "needs_review":
        return rule.review or rule.title
    if outcome == "missing":
        # What the applicant has not yet stated, by its Chinese label (issue 11: no fact paths shown).
        labels = list(dict.fromkeys(c["label"] for c in checks if c["outcome"] == "missing")) or missing
        return "尚未填写：" + "；".join(labels)
    if len(checks) == 1:
        relevant = checks
    else:
        relevant = [c for c in checks if c["outcome"] == outcome] or checks
    parts = []
    for c in relevant:
        test = c["test"]
        if test == "includes":
            if c["lacking"]:
                parts.append(f"{c['label']}缺少：{'、'.join(c['lacking'])}")
            else:
                parts.append(f"{c['label']}：齐备")
        elif test == "is" or test == "in":
            parts.append(f"{c['label']}：{_fmt(c['actual'], '')}")
        elif test == "days_before":
            parts.append(f"{c['label']} {c['actual']}，最迟应于 {c['latest_application_date']} 前申请")
        else:
            sym = _SYMBOLS[test]
            actual, required = _fmt(c["actual"], c["unit_label"]), _fmt(c["required"], c["unit_label"])
            parts.append(f"{c['label']}：实际 {actual}，要求 {sym} {required}")
    return "；".join(parts)


def _result(rule: CompiledRule, subject: tuple | None, st: int, sink: list, subjects: dict) -> dict[str, Any]:
    outcome = "needs_review" if st == REVIEW else STATUS[st]
    missing: list[str] = []
    if len(sink) == 1:  # the common single-check rule
        first = sink[0]
        if st == MISSING:
            missing.append(_field_path(first, subject))
    else:
        first = None
        for c in sink:
            if c["outcome"] == outcome:
                if first is None:
                    first = c
                if st == MISSING:
                    path = _field_path(c, subject)
                    if path not in missing:
                        missing.append(path)
        if first is None and sink:
            first = sink[0]
    if subject is None:
        subj = None
    else:
        i, line, level = subject
        subj = subjects.get((i, level))
        if subj is None:
            subj = {"scope_index": i, "occupation_code": line.occupation_code, "occupation_name": line.occupation_name}
            if level is not None:
                subj["level"] = level
            subjects[(i, level)] = subj
    if first is None:
        actual = required = unit = None
    else:
        actual, required, unit = first["actual"], first["required"], first["unit"]
    return {
        "rule": rule.id,
        "requirement": rule.requirement,
        "title": rule.title,
        "subject": subj,
        "outcome": outcome,
        "actual": actual,
        "required": required,
        "unit": unit,
        "checks": sink,
        "missing_facts": missing,
        "message": _message(outcome, sink, rule, missing),
        "citation": rule.citation,
    }


def _keyed(comp: Composition, section: str) -> list[dict[str, Any]]:
    out = []
    for item, lp in comp.keyed[section].values():
        data = item.model_dump(mode="json", by_alias=True)
        data["pack"] = lp.id
        out.append(data)
    return out


def _routing(comp: Composition, profile: Profile, inst: dict, on: dt.date) -> list[dict[str, Any]]:
    levels = {lvl for line in profile.scope for lvl in line.levels}
    out = []
    for route, lp in comp.routing:
        if route.kinds and profile.kind not in route.kinds:
            continue
        if route.evaluation_types and not set(route.evaluation_types) & set(profile.evaluation_types):
            continue
        if route.levels_any and not levels & set(route.levels_any):
            continue
        status = "applies"
        if route.when is not None:
            key = ("route", route.id, lp.id)
            fn = comp.cache.get(key) or comp.cache.setdefault(key, compile_check(route.when, {}))
            st = fn((inst, _EMPTY, _EMPTY, on), None)
            if st == FAIL:
                continue
            status = "applies" if st == PASS else "undetermined"
        data = route.model_dump(mode="json", exclude={"when", "kinds", "evaluation_types", "levels_any"})
        data.update(pack=lp.id, status=status)
        out.append(data)
    return out


def profile_digest(profile: Profile) -> str:
    """sha256 of the canonical JSON of the profile (field order is the model's, nulls dropped)."""
    return hashlib.sha256(profile.model_dump_json(exclude_none=True).encode()).hexdigest()


def _static(comp: Composition) -> dict[str, Any]:
    """The parts of a record that depend only on the composition (built once, then shared)."""
    cached = comp.cache.get("static")
    if cached is None:
        cached = {
            "region_path": list(comp.path),
            "packs": [lp.describe() for lp in comp.packs],
            "packs_not_in_force": [lp.describe() for lp in comp.not_in_force],
            "superseded": dict(comp.superseded),
            "parameters": {
                name: {
                    "value": p.value,
                    "unit": p.unit,
                    "label": p.label,
                    "pack": lp.id,
                    "requirement": p.requirement,
                    "article": p.cite.article,
                }
                for name, (p, lp) in comp.parameters.items()
            },
            "time_limits": _keyed(comp, "time_limits"),
            "validity": _keyed(comp, "validity"),
            "windows": _keyed(comp, "windows"),
            "exit": _keyed(comp, "exit"),
        }
        comp.cache["static"] = cached
    return cached


def check(
    profile: Profile | dict | str,
    *,
    on: dt.date,
    region: str | None = None,
    packset: PackSet | None = None,
) -> dict[str, Any]:
    """Judge ``profile`` under the packs of ``region`` (default: the profile's) in force ``on``.

    The composition-level parts of the record (packs, parameters, time limits, windows) are
    shared between records of the same composition: treat the record as read-only (serialise it).
    """
    profile = parse_profile(profile)
    if not isinstance(on, dt.date):
        raise ProfileError("invalid_date", "决定日期应为日期 YYYY-MM-DD", field="on")
    comp = compose_for(profile, region, on, packset)
    rules = rules_for(
        comp, str(profile.kind), frozenset(map(str, profile.evaluation_types)), str(profile.application_type)
    )
    inst, lines = contexts(profile, on)
    counts = [0, 0, 0, 0]
    results: list[dict[str, Any]] = []
    append = results.append
    subjects: dict[tuple[int, int | None], dict[str, Any]] = {}
    for rule in rules:
        for subject, ctx in _instances(rule, inst, lines, on):
            sink: list[dict[str, Any]] = []
            st = _run(rule, ctx, sink)
            if st is not None:
                counts[st] += 1
                append(_result(rule, subject, st, sink, subjects))
    verdict = verdict_of(counts)
    static = _static(comp)
    profile_json = profile.model_dump_json(exclude_none=True)
    return {
        "record_version": ENGINE_VERSION,
        "verdict": verdict,
        "verdict_label": VERDICTS[verdict],
        "summary": {
            "pass": counts[PASS],
            "fail": counts[FAIL],
            "missing": counts[MISSING],
            "needs_review": counts[REVIEW],
        },
        "region": comp.region,
        "region_path": static["region_path"],
        "on": on.isoformat(),
        "kind": profile.kind.value,
        "evaluation_types": [t.value for t in profile.evaluation_types],
        "application_type": profile.application_type.value,
        "reference": profile.reference,
        "packs": static["packs"],
        "packs_not_in_force": static["packs_not_in_force"],
        "superseded": static["superseded"],
        "results": results,
        "checklist": [r for r in results if r["outcome"] == "needs_review"],
        "parameters": static["parameters"],
        "time_limits": static["time_limits"],
        "validity": static["validity"],
        "windows": static["windows"],
        "exit": static["exit"],
        "routing": _routing(comp, profile, inst, on),
        "profile_sha256": hashlib.sha256(profile_json.encode()).hexdigest(),
        "profile": json.loads(profile_json),
    }
