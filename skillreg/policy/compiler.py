"""Compile a composition's conditions into closures (done once per composition, cached).

A compiled check is ``fn(ctx, sink) -> status`` with status PASS/FAIL/MISSING; ``ctx`` is
``(institution_facts, occupation_facts, level_facts, on_date)`` (dicts); when ``sink`` is a list
each evaluated leaf appends its detail (fact, test, actual, required, outcome).
Three-valued logic: ``all`` fails if any child fails, else is missing if any is missing;
``any`` passes if any child passes, else is missing if any is missing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from .facts import UNITS
from .loader import Composition
from .profile import fact_catalog
from .schema import AllOf, AnyOf, Condition, Leaf, Op, iter_leaves

PASS, FAIL, MISSING = 0, 1, 2
STATUS = ("pass", "fail", "missing")
SCOPE_INDEX = {"institution": 0, "occupation": 1, "level": 2}
OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "days_before": "提前天数≥"}

CheckFn = Callable[[tuple, list | None], int]


@dataclass(frozen=True)
class CompiledRule:
    id: str
    requirement: str
    title: str
    per: str
    kinds: frozenset[str]
    types: frozenset[str]
    app_types: frozenset[str]
    when: CheckFn | None
    check: CheckFn | None
    review: str | None
    citation: dict[str, Any]
    pack_id: str
    signature: str  # same signature ⇒ same outcome for any profile (used by what-if to share work)


# Facts whose meaning depends on the document that asks: "registered in *this* region" (CQ-7.1, WX-2). Each
# pack's leaf reads the answer for its own region (``registered_in[<pack region>]``), falling back to the plain
# fact; a county pack and its city's pack are judged separately (issue 11).
REGION_RELATIVE = {"registered_in_region": "registered_in"}


def region_key(fact: str, region: str) -> str:
    return f"{REGION_RELATIVE[fact]}@{region}"


def _compile_leaf(leaf: Leaf, params: dict[str, Any], where: tuple[str, str] | None = None) -> CheckFn:
    spec = fact_catalog()[leaf.fact]
    idx = SCOPE_INDEX[spec.scope]
    name = leaf.fact
    unit = UNITS.get(spec.unit or "", "")
    label = spec.label
    extra_detail: dict[str, Any] = {}
    if name in REGION_RELATIVE and where is not None:
        region, region_name = where
        fallback, name = name, region_key(name, region)
        label = f"在{region_name}依法登记"
        extra_detail = {"region": region}
        if leaf.is_ is not None:
            expected_rr = leaf.is_

            def fn_region(ctx: tuple, sink: list | None) -> int:
                v = ctx[0].get(name)
                if v is None:
                    v = ctx[0].get(fallback)
                st = MISSING if v is None else (PASS if v is expected_rr else FAIL)
                if sink is not None:
                    sink.append(
                        {
                            "fact": fallback,
                            "scope": "institution",
                            "label": label,
                            "test": "is",
                            "actual": v,
                            "required": expected_rr,
                            "unit": None,
                            "unit_label": "",
                            "outcome": STATUS[st],
                            **extra_detail,
                        }
                    )
                return st

            return fn_region

    template = {
        "fact": name,
        "scope": spec.scope,
        "label": label,
        "test": "",
        "actual": None,
        "required": None,
        "unit": spec.unit,
        "unit_label": unit,
        "outcome": "",
    }

    def detail(sink: list, test: str, actual: Any, required: Any, status: int, extra: dict | None = None) -> None:
        if type(actual) is dt.date:
            actual = actual.isoformat()
        d = template.copy()
        d["test"] = test
        d["actual"] = actual
        d["required"] = required
        d["outcome"] = STATUS[status]
        if extra:
            d.update(extra)
        sink.append(d)

    if leaf.is_ is not None:
        expected = leaf.is_

        def fn_is(ctx: tuple, sink: list | None) -> int:
            v = ctx[idx].get(name)
            st = MISSING if v is None else (PASS if v is expected else FAIL)
            if sink is not None:
                detail(sink, "is", v, expected, st)
            return st

        return fn_is

    if leaf.includes is not None:
        req = frozenset(leaf.includes)
        req_list = sorted(req)

        def fn_includes(ctx: tuple, sink: list | None) -> int:
            v = ctx[idx].get(name)
            st = MISSING if v is None else (PASS if req.issubset(v) else FAIL)
            if sink is not None:
                lacking = sorted(req.difference(v)) if v is not None else req_list
                detail(sink, "includes", sorted(v) if v is not None else None, req_list, st, {"lacking": lacking})
            return st

        return fn_includes

    if leaf.in_ is not None:
        allowed = frozenset(leaf.in_)
        allowed_list = list(leaf.in_)

        def fn_in(ctx: tuple, sink: list | None) -> int:
            v = ctx[idx].get(name)
            st = MISSING if v is None else (PASS if v in allowed else FAIL)
            if sink is not None:
                detail(sink, "in", v, allowed_list, st)
            return st

        return fn_in

    op = cast(Op, leaf.op)  # is / includes / in were None, so the schema guarantees op
    if op == "days_before":
        days = dt.timedelta(days=int(params[cast(str, leaf.param)].value))

        def fn_days(ctx: tuple, sink: list | None) -> int:
            v = ctx[idx].get(name)
            st = MISSING if v is None else (PASS if ctx[3] + days <= v else FAIL)
            if sink is not None:
                latest = (v - days).isoformat() if v is not None else None
                detail(sink, "days_before", v, days.days, st, {"latest_application_date": latest})
            return st

        return fn_days

    if leaf.linear is not None:
        base = params[leaf.linear.base].value
        step = params[leaf.linear.step].value

        def required_of(ctx: tuple) -> float:
            return base + step * ctx[0]["extra_occupations"]

    else:
        const = params[cast(str, leaf.param)].value  # the schema requires param when op has no linear

        def required_of(ctx: tuple) -> float:
            return const

    cmp: Callable[[float, float], bool] = {
        ">=": lambda a, b: a >= b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        "<": lambda a, b: a < b,
    }[op]

    if leaf.linear is None and op == ">=":  # the common case, kept lean

        def fn_ge(ctx: tuple, sink: list | None) -> int:
            v = ctx[idx].get(name)
            st = MISSING if v is None else (PASS if v >= const else FAIL)
            if sink is not None:
                detail(sink, op, v, const, st)
            return st

        return fn_ge

    def fn_cmp(ctx: tuple, sink: list | None) -> int:
        v = ctx[idx].get(name)
        required = required_of(ctx)
        st = MISSING if v is None else (PASS if cmp(v, required) else FAIL)
        if sink is not None:
            detail(sink, op, v, required, st)
        return st

    return fn_cmp


def compile_check(check: Any, params: dict[str, Any], where: tuple[str, str] | None = None) -> CheckFn:
    """``where``: (region code, region name) of the pack the check belongs to, for region-relative facts."""
    if isinstance(check, Leaf):
        return _compile_leaf(check, params, where)
    if isinstance(check, AllOf):
        children = tuple(compile_check(c, params, where) for c in check.all)

        def fn_all(ctx: tuple, sink: list | None) -> int:
            result = PASS
            for child in children:
                st = child(ctx, sink)
                if st == FAIL:
                    if sink is None:
                        return FAIL
                    result = FAIL
                elif st == MISSING and result == PASS:
                    result = MISSING
            return result

        return fn_all
    if not isinstance(check, AnyOf):  # pragma: no cover - the schema admits only these three
        raise TypeError(f"unknown check node {type(check).__name__}")
    children = tuple(compile_check(c, params, where) for c in check.any)

    def fn_any(ctx: tuple, sink: list | None) -> int:
        result = FAIL
        for child in children:
            st = child(ctx, sink)
            if st == PASS:
                if sink is None:
                    return PASS
                result = PASS
            elif st == MISSING and result == FAIL:
                result = MISSING
        return result

    return fn_any


def citation_of(cond: Condition | Any, lp: Any) -> dict[str, Any]:
    md = lp.pack.metadata
    return {
        "pack": md.id,
        "doc_number": md.doc_number,
        "title": md.title,
        "article": cond.cite.article,
        "quote": cond.cite.quote,
        "requirement": cond.requirement,
    }


def _signature(cond: Condition, md: Any, params: dict[str, Any]) -> str:
    names = sorted(
        {n for leaf in iter_leaves(cond.check) + iter_leaves(cond.when) for n in (leaf.param, *_linear(leaf)) if n}
    )
    return json.dumps(
        [
            cond.model_dump(mode="json", by_alias=True, exclude={"cite", "supersedes"}),
            [str(k) for k in md.kinds],
            [str(t) for t in md.evaluation_types],
            [str(a) for a in md.default_application_types],
            [[n, params[n].value] for n in names],
            # a region-relative fact makes the same condition in two regions two different rules
            str(md.region) if any(leaf.fact in REGION_RELATIVE for leaf in iter_leaves(cond.check)) else "",
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


def _linear(leaf: Leaf) -> tuple[str, ...]:
    return (leaf.linear.base, leaf.linear.step) if leaf.linear is not None else ()


def compile_composition(comp: Composition) -> list[CompiledRule]:
    cached = comp.cache.get("compiled")
    if cached is not None:
        return cached
    params = {name: p for name, (p, _lp) in comp.parameters.items()}
    rules = []
    for cond, lp in comp.conditions:
        md = lp.pack.metadata
        where = (str(md.region), str(md.region_name or md.region))
        rules.append(
            CompiledRule(
                id=cond.id,
                requirement=cond.requirement,
                title=cond.title,
                per=cond.per,
                kinds=frozenset(str(k) for k in cond.kinds or md.kinds),
                types=frozenset(str(t) for t in cond.evaluation_types or md.evaluation_types),
                app_types=frozenset(str(a) for a in cond.application_types or md.default_application_types),
                when=compile_check(cond.when, params, where) if cond.when is not None else None,
                check=compile_check(cond.check, params, where) if cond.check is not None else None,
                review=cond.review,
                citation=citation_of(cond, lp),
                pack_id=md.id,
                signature=_signature(cond, md, params),
            )
        )
    comp.cache["compiled"] = rules
    return rules


def rules_for(comp: Composition, kind: str, types: frozenset[str], app_type: str) -> list[CompiledRule]:
    key = ("rules", kind, types, app_type)
    cached = comp.cache.get(key)
    if cached is None:
        cached = [
            r
            for r in compile_composition(comp)
            if kind in r.kinds and app_type in r.app_types and not r.types.isdisjoint(types)
        ]
        comp.cache[key] = cached
    return cached
