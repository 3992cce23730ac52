"""The legal-reader cases beside each rule pack (``policies/<region>/cases/<pack>.yaml``), run by one test.

Each case starts from the complete sample application of its kind in the pack's jurisdiction
(``samples.full_profile``), applies ``change`` (``facts``: the institution's facts; ``occupations``: a scope
line's ``facts`` and ``new_occupation`` by ``index``), judges it on ``date`` and compares the outcome of every
rule listed in ``expect`` (for a rule judged per occupation or level: the worst of them, fail > missing >
needs_review > pass) and, if given, the overall ``verdict``. A listed rule must be a rule of that pack.
Pure: no database.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from skillreg.policy.engine import check
from skillreg.policy.samples import JURISDICTIONS, full_profile

POLICIES = Path(__file__).resolve().parents[3] / "policies"
ORDER = ("fail", "missing", "needs_review", "pass")
CASE_KEYS = {"name", "kind", "date", "change", "verdict", "expect"}
CHANGE_KEYS = {"facts", "occupations"}


def _files() -> list[Path]:
    return sorted(POLICIES.glob("*/cases/*.yaml"))


def _cases() -> list[Any]:
    out = []
    for path in _files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(path, doc, case, id=f"{doc['pack']}: {case['name']}"))
    return out


def apply_change(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    unknown = set(change) - CHANGE_KEYS
    assert not unknown, f"unknown change keys {unknown}"
    data["facts"].update(change.get("facts") or {})
    for occupation in change.get("occupations") or []:
        line = data["scope"][occupation["index"]]
        if "new_occupation" in occupation:
            line["new_occupation"] = occupation["new_occupation"]
        line["facts"].update(occupation.get("facts") or {})
    return data


def judge_case(doc: dict[str, Any], case: dict[str, Any]) -> tuple[dict[str, str], str, set[str]]:
    data = apply_change(full_profile(JURISDICTIONS[doc["jurisdiction"]], case["kind"]), copy.deepcopy(case["change"]))
    day = case["date"] if isinstance(case["date"], dt.date) else dt.date.fromisoformat(str(case["date"]))
    record = check(data, on=day)
    outcomes: dict[str, str] = {}
    for r in record["results"]:
        seen = outcomes.get(r["rule"])
        outcomes[r["rule"]] = r["outcome"] if seen is None else min(seen, r["outcome"], key=ORDER.index)
    pack_ids = {p["id"] if isinstance(p, dict) else p for p in record["packs"]}
    return outcomes, record["verdict"], pack_ids


def test_every_pack_has_cases():
    packs = sorted(p.stem for p in POLICIES.glob("*/*.yaml"))
    with_cases = sorted(p.stem for p in _files())
    assert packs == with_cases


@pytest.mark.parametrize(("path", "doc", "case"), _cases())
def test_pack_case(path, doc, case):
    assert set(case) <= CASE_KEYS and {"name", "kind", "date", "expect"} <= set(case), set(case)
    assert case["expect"], "a case expects the outcome of at least one rule"
    outcomes, verdict, packs = judge_case(doc, case)
    assert doc["pack"] in packs, f"{path}: pack {doc['pack']} does not govern {doc['jurisdiction']}"
    prefix = next(iter(case["expect"])).split("-")[0]
    wrong = {}
    for rule, expected in case["expect"].items():
        assert rule.split("-")[0] == prefix, f"{rule}: every rule of a case file belongs to its pack"
        got = outcomes.get(rule, "not judged")
        if got != expected:
            wrong[rule] = f"expected {expected}, got {got}"
    assert not wrong, f"{path}: {case['name']}: {wrong}"
    if "verdict" in case:
        assert verdict == case["verdict"]


def test_a_wrong_expectation_fails():
    doc = {"pack": "wx-2021-62", "jurisdiction": "wuxi"}
    case = {"kind": "social_org", "date": dt.date(2026, 11, 1), "change": {"facts": {"office_area_m2": 199}}}
    outcomes, verdict, _packs = judge_case(doc, case)
    assert outcomes["WX-4.1.area"] == "fail" and verdict == "not_eligible"
