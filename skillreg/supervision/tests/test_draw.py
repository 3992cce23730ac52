"""The reproducible draw (CQ-25, AH-4.3; 国办发〔2015〕58号): a pure function of seed, registers and parameters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillreg.supervision import draw
from skillreg.supervision.draw import DrawError, Inspector, Params, Target, run_draw

TARGETS = [Target(f"C{i:03d}", f"U{i % 7}") for i in range(20)]
INSPECTORS = [Inspector(f"J{i:02d}", unit=f"U{i % 5}") for i in range(8)]


@pytest.mark.req("CQ-25")
def test_same_inputs_same_result_in_any_order():
    a = run_draw("seed-1", TARGETS, INSPECTORS, Params(size=5, per_target=2))
    b = run_draw("seed-1", list(reversed(TARGETS)), list(reversed(INSPECTORS)), Params(size=5, per_target=2))
    assert a == b
    assert len(a.assignments) == 5 and all(len(keys) == 2 for _, keys in a.assignments)
    assert a.seed_hash == draw.seed_hash("seed-1")


@pytest.mark.req("CQ-25")
def test_known_answer_pins_the_algorithm():
    """A fixed vector: a change of the algorithm (or of hashing) on any machine shows here."""
    result = run_draw(
        "abc",
        [Target("A", "u1"), Target("B", "u2"), Target("C", "u3")],
        [Inspector("1"), Inspector("2"), Inspector("3")],
        Params(size=2, per_target=1),
    )
    order = sorted(["A", "B", "C"], key=lambda c: draw.sha256_hex(f"target|abc|{c}"))[:2]
    assert [c for c, _ in result.assignments] == order
    assert draw.sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.req("CQ-25")
def test_another_seed_or_register_is_detectably_different():
    base = run_draw("seed-1", TARGETS, INSPECTORS, Params(size=5))
    other_seed = run_draw("seed-2", TARGETS, INSPECTORS, Params(size=5))
    assert other_seed.seed_hash != base.seed_hash and other_seed.assignments != base.assignments
    changed = run_draw("seed-1", TARGETS[:-1], INSPECTORS, Params(size=5))
    assert changed.register_digest != base.register_digest


@pytest.mark.req("AH-4.3")
def test_recusal_same_unit_and_declared_conflicts():
    targets = [Target("A", "U1"), Target("B", "U2")]
    inspectors = [Inspector("1", unit="U1"), Inspector("2", conflicts=frozenset({"B"})), Inspector("3")]
    result = dict(run_draw("s", targets, inspectors, Params(size=2, per_target=1)).assignments)
    assert result["A"] in (("2",), ("3",))
    assert result["B"] in (("1",), ("3",))


def test_an_inspector_recused_everywhere_is_never_drawn_and_too_few_refuses():
    targets = [Target("A", "U1"), Target("B", "U1")]
    inspectors = [Inspector("1", unit="U1"), Inspector("2"), Inspector("3")]
    result = run_draw("s", targets, inspectors, Params(size=2, per_target=2))
    assert all("1" not in keys for _, keys in result.assignments)
    with pytest.raises(DrawError) as exc:
        run_draw("s", targets, inspectors, Params(size=2, per_target=3))
    assert exc.value.code == "DRAW_NOT_ENOUGH_INSPECTORS" and "回避后" in exc.value.message


def test_ratio_rounds_up_and_bad_parameters_are_refused():
    assert draw.sample_size(20, Params(ratio_permille=125)) == 3
    assert draw.sample_size(3, Params(size=10)) == 3
    for bad in (Params(), Params(size=1, ratio_permille=10), Params(size=0), Params(ratio_permille=1001)):
        with pytest.raises(DrawError):
            draw.sample_size(5, bad)
    with pytest.raises(DrawError):
        run_draw("s", [], INSPECTORS, Params(size=1))
    with pytest.raises(DrawError):
        run_draw("s", [Target("A", "x"), Target("A", "y")], INSPECTORS, Params(size=1))


@settings(max_examples=50, deadline=None)
@given(seed=st.text(min_size=1, max_size=20), n=st.integers(1, 20), k=st.integers(1, 3))
def test_property_distinct_targets_distinct_inspectors_load_balanced(seed, n, k):
    result = run_draw(seed, TARGETS, INSPECTORS, Params(size=n, per_target=k))
    codes = [c for c, _ in result.assignments]
    assert len(codes) == len(set(codes)) == n
    for code, keys in result.assignments:
        assert len(set(keys)) == k
        target = next(t for t in TARGETS if t.code == code)
        assert not any(draw.recused(i, target) for i in INSPECTORS if i.key in keys)
    # JSON round trip of the registers gives the same digest (what the public page re-runs)
    ts = draw.targets_from_json([[t.code, t.unit, t.name] for t in TARGETS])
    ins = draw.inspectors_from_json([[i.key, i.unit, sorted(i.conflicts), i.name] for i in INSPECTORS])
    assert draw.register_digest(ts, ins, Params(size=n, per_target=k)) == result.register_digest
