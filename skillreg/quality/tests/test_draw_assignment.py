"""The pure supervisor draw (supervision.draw.run_assignment): reproducible, eligibility as documented."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.supervision import draw

D = dt.date
PLAN = draw.Engagement(
    code="W001/P1",
    target=draw.Target(code="W001", unit="UNIT-A", name="甲"),
    occupation="4-10-01-05",
    regions=("500000", "500238"),
    starts_on=D(2026, 6, 10),
    ends_on=D(2026, 6, 11),
    count=2,
)


def cand(key: str, **kw) -> draw.Candidate:
    person = draw.Inspector(key=key, unit=kw.pop("unit", ""), conflicts=frozenset(kw.pop("conflicts", ())))
    return draw.Candidate(
        person=person, term_from=kw.pop("term_from", D(2026, 1, 1)), term_to=kw.pop("term_to", D(2027, 12, 31)), **kw
    )


def register() -> list[draw.Candidate]:
    return [
        cand("S1"),
        cand("S2"),
        cand("S3"),
        cand("S4", unit="UNIT-A"),  # works for the institution
        cand("S5", conflicts={"W001"}),  # declared conflict
        cand("S6", term_to=D(2026, 6, 10)),  # term ends during the plan
        cand("S7", occupations=frozenset({"6-01-01-01"})),
        cand("S8", regions=frozenset({"500101"})),
        cand("S9", booked=((D(2026, 6, 11), D(2026, 6, 12)),)),
        cand("S10", active=False),
    ]


def test_same_seed_same_result_whatever_the_order():
    a = draw.run_assignment("seed-1", PLAN, register())
    b = draw.run_assignment("seed-1", PLAN, list(reversed(register())))
    assert a == b
    assert len(a.chosen) == 2 and set(a.chosen) <= {"S1", "S2", "S3"}


def test_every_exclusion_has_its_reason():
    result = draw.run_assignment("seed-1", PLAN, register())
    assert dict(result.excluded) == {
        "S4": "recused",
        "S5": "recused",
        "S6": "term",
        "S7": "occupation",
        "S8": "region",
        "S9": "booked",
        "S10": "inactive",
    }


def test_a_region_above_the_plan_covers_it():
    assert draw.exclusion(cand("X", regions=frozenset({"500000"})), PLAN) is None


def test_seeds_spread_the_choice():
    picks = {draw.run_assignment(f"s{i}", PLAN, register()).chosen for i in range(30)}
    assert len(picks) > 1


def test_too_few_eligible_is_refused_with_a_code():
    with pytest.raises(draw.DrawError) as exc:
        draw.run_assignment("s", PLAN, [cand("S1"), cand("S4", unit="UNIT-A")])
    assert exc.value.code == "DRAW_NOT_ENOUGH_SUPERVISORS"


def test_digest_and_json_round_trip():
    cs = register()
    result = draw.run_assignment("seed-1", PLAN, cs)
    again = [draw.candidate_from_json(draw.candidate_json(c)) for c in cs]
    plan = draw.engagement_from_json(draw.engagement_json(PLAN))
    assert draw.assignment_digest(plan, again) == result.register_digest
    assert draw.run_assignment("seed-1", plan, again) == result
    changed = [*cs[:-1], cand("S10", active=True)]
    assert draw.assignment_digest(PLAN, changed) != result.register_digest


def test_inspection_draw_is_unchanged_by_the_generalisation():
    t = [draw.Target(code="A", unit="u1"), draw.Target(code="B", unit="u2")]
    i = [draw.Inspector(key="J1"), draw.Inspector(key="J2")]
    r = draw.run_draw("seed", t, i, draw.Params(size=1, per_target=1))
    assert r.algorithm == "skillreg-draw-v1" and len(r.assignments) == 1
