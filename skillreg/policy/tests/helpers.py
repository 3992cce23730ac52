"""Pure helpers for the policy tests: build profiles from the samples and read outcomes."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from skillreg.policy.engine import check
from skillreg.policy.samples import JURISDICTIONS, full_profile

ON = dt.date(2026, 11, 1)  # every pack is in force


def profile(jurisdiction: str, kind: str, *, lines: int = 2, levels: tuple[int, ...] = (5, 4, 3), **facts: Any) -> dict:
    """A passing profile of ``jurisdiction``/``kind`` with ``lines`` scope lines and fact overrides."""
    region = JURISDICTIONS.get(jurisdiction, jurisdiction)
    data = full_profile(region, kind, levels=levels)
    while len(data["scope"]) < lines:
        extra = copy.deepcopy(data["scope"][0])
        extra["occupation_code"] = f"6-18-01-{len(data['scope']) + 10:02d}"
        extra["occupation_name"] = f"测试职业{len(data['scope'])}"
        data["scope"].append(extra)
    data["scope"] = data["scope"][:lines]
    data["facts"].update(facts)
    return data


def set_line(data: dict, index: int = 0, **facts: Any) -> dict:
    line = data["scope"][index]
    for key, value in facts.items():
        if key in ("new_occupation", "levels", "evaluation_type"):
            line[key] = value
        else:
            line["facts"][key] = value
    return data


def set_level(data: dict, index: int, level: int, **facts: Any) -> dict:
    for lf in data["scope"][index]["level_facts"]:
        if lf["level"] == level:
            lf.update(facts)
    return data


def judge(data: dict, on: dt.date = ON, **kw: Any) -> dict:
    return check(data, on=on, **kw)


def results(record: dict, rule: str) -> list[dict]:
    return [r for r in record["results"] if r["rule"] == rule]


def outcome(record: dict, rule: str, index: int | None = None, level: int | None = None) -> dict:
    for r in record["results"]:
        if r["rule"] != rule:
            continue
        subj = r["subject"] or {}
        if index is not None and subj.get("scope_index") != index:
            continue
        if level is not None and subj.get("level") != level:
            continue
        return r
    raise AssertionError(f"no result for {rule} index={index} level={level}: {[x['rule'] for x in record['results']]}")
