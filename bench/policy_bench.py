"""Policy engine benchmark (not a pytest test): ``python bench/policy_bench.py [--profiles N]``.

1. Checks per second for one Wuxi social_org application (2 occupations x 3 levels) against its
   composed packs (CQ + WX): the verdict path (``quick_verdict``, what what-if uses) and the full
   decision record (``check``), plus a hand-written if-chain of the same automatic Wuxi rules as
   a baseline measured in the same run, and the ratios.
2. What-if over N (default 100,000) generated Wuxi profiles: every profile judged under the
   current packs and under a draft WX pack (office area 200 → 250 m²).

Rates are best-of-7 batches (least disturbed by other load on the machine) and the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skillreg.policy.engine import check, quick_verdict  # noqa: E402
from skillreg.policy.loader import REPO_ROOT, default_packset, parse_pack  # noqa: E402
from skillreg.policy.parsing import parse_profile  # noqa: E402
from skillreg.policy.profile import Profile  # noqa: E402
from skillreg.policy.samples import full_profile  # noqa: E402
from skillreg.policy.simulate import simulate  # noqa: E402

ON = dt.date(2026, 11, 1)
WX_RULES = ["administrative", "financial", "safety", "personnel", "archive", "evaluation_implementation"]
CQ_RULES = ["administrative", "financial", "exam_affairs", "quality", "certificate", "archive", "safety"]


def baseline_wuxi(p: Profile) -> str:
    """Hand-written if-chain of the automatic CQ + WX rules for a social_org (no citations)."""
    f = p.facts
    fails = missing = 0

    def t(value, ok):  # noqa: ANN001
        nonlocal fails, missing
        if value is None:
            missing += 1
        elif not ok(value):
            fails += 1

    t(f.registered_in_region, lambda v: v is True)
    t(f.independent_legal_person, lambda v: v is True)
    t(f.violation_or_dishonesty_record, lambda v: v is False)
    t(f.video_surveillance_theory, lambda v: v is True)
    t(f.video_surveillance_skill, lambda v: v is True)
    t(f.dedicated_department, lambda v: v is True)
    t(f.management_rules, lambda v: set(CQ_RULES) <= set(v))
    t(f.management_rules, lambda v: set(WX_RULES) <= set(v))
    if not f.national_base_or_studio:
        t(f.training_years_consecutive, lambda v: v >= 5)
        t(f.training_person_times_total, lambda v: v >= 5000)
        for line in p.scope:
            if not line.new_occupation:
                t(line.facts.training_person_times, lambda v: v >= 500)
    t(f.premises_owned or (f.tenure_years is not None and f.tenure_years >= 5) or None, lambda v: v)
    t(f.office_area_m2, lambda v: v >= 200)
    t(f.office_rooms, lambda v: {"exam_affairs_office", "confidential_room", "archive_room"} <= set(v))
    t(f.largest_theory_room_seats, lambda v: v >= 30)
    t(f.single_seat_single_desk, lambda v: v is True)
    t(f.desk_spacing_cm, lambda v: v > 80)
    t(f.skill_venue_area_m2, lambda v: v >= 200 + 100 * (len(p.scope) - 1))
    t(f.skill_venue_rooms, lambda v: {"exam_affairs_room", "waiting_room"} <= set(v))
    t(
        f.office_equipment,
        lambda v: {"desks_chairs", "printer", "communication", "computer", "file_cabinet", "network"} <= set(v),
    )
    t(f.head_full_civil_capacity, lambda v: v is True)
    t(f.head_age, lambda v: v <= 65)
    t(f.head_education, lambda v: v in ("bachelor", "master", "doctorate"))
    t(
        f.head_title_level in ("intermediate", "deputy_senior", "senior") or f.head_has_level2_certificate or None,
        lambda v: v,
    )
    t(f.head_years_experience, lambda v: v >= 3)
    t(f.finance_staff, lambda v: v >= 2)
    t(f.staff_roles, lambda v: {"equipment", "archive", "exam_affairs"} <= set(v))
    for line in p.scope:
        t(line.facts.examiners, lambda v: v >= 3)
        t(line.facts.own_examiners, lambda v: v >= 1)
        for level in line.levels:
            lf = line.level_fact(level)
            t(lf.question_bank_theory_items if lf else None, lambda v: v >= 800)
            t(lf.question_bank_skill_items if lf else None, lambda v: v >= 30)
    t(f.internal_quality_supervisors, lambda v: v >= 2)
    t(f.qualified_technical_experts, lambda v: v >= 1)
    t(f.question_bank_updated_yearly, lambda v: v is True)
    t(f.information_systems, lambda v: len(set(v)) >= 4)
    if fails:
        return "not_eligible"
    return "incomplete" if missing else "needs_review"


def rate(fn, n: int = 1000, repeat: int = 7) -> tuple[float, float]:
    fn()
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        rates.append(n / (time.perf_counter() - start))
    return max(rates), statistics.median(rates)


def generate(n: int, seed: int = 2026) -> Iterator[dict]:
    """Lazily generated Wuxi social_org profiles varied around the thresholds."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible test data
    template = full_profile("500238", "social_org")
    lines = template["scope"]
    for i in range(n):
        facts = dict(template["facts"])
        facts["office_area_m2"] = rnd.choice((190, 200, 220, 240, 250, 260, 300))
        facts["head_age"] = rnd.randint(40, 68)
        facts["training_person_times_total"] = rnd.choice((4000, 5000, 8000))
        if rnd.random() < 0.05:
            facts.pop("desk_spacing_cm")
        count = rnd.randint(1, 2)
        facts["skill_venue_area_m2"] = rnd.choice((200, 300, 320))
        yield {
            "schema_version": "1",
            "reference": f"B{i:06d}",
            "region": "500238",
            "kind": "social_org",
            "evaluation_types": ["skill_level"],
            "scope": lines[:count],
            "facts": facts,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=100_000)
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if hasattr(os, "getloadavg"):
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    t0 = time.perf_counter()
    packs = default_packset()
    comp = packs.compose("500238", ON)
    print(
        f"load + compose packs (cold): {1000 * (time.perf_counter() - t0):.1f} ms; packs {[lp.id for lp in comp.packs]}"
    )

    data = full_profile("500238", "social_org")
    profile = parse_profile(data)
    if not quick_verdict(profile, ON, packset=packs)[0] == baseline_wuxi(profile) == "needs_review":
        raise SystemExit("engine and baseline disagree")
    results = len(check(profile, on=ON, packset=packs)["results"])
    print(f"profile: Wuxi social_org, {len(profile.scope)} occupations x 3 levels, {results} rule results")

    quick = rate(lambda: quick_verdict(profile, ON, packset=packs))
    full = rate(lambda: check(profile, on=ON, packset=packs))
    parsed = rate(lambda: check(data, on=ON, packset=packs))
    base = rate(lambda: baseline_wuxi(profile), n=5000)
    print("checks/s (best, median):")
    print(f"  engine verdict (quick_verdict)          {quick[0]:>9,.0f} {quick[1]:>9,.0f}")
    print(f"  engine decision record (check)          {full[0]:>9,.0f} {full[1]:>9,.0f}")
    print(f"  engine record incl. JSON validation     {parsed[0]:>9,.0f} {parsed[1]:>9,.0f}")
    print(f"  baseline hand-written if-chain          {base[0]:>9,.0f} {base[1]:>9,.0f}")
    print(f"  ratio baseline/verdict {base[0] / quick[0]:.1f}x, baseline/record {base[0] / full[0]:.1f}x")

    wx = (REPO_ROOT / "policies" / "500238-wuxi" / "wx-2021-62.yaml").read_text(encoding="utf-8")
    draft = parse_pack(
        wx.replace(
            "    value: 200\n    unit: m2\n    label: 办公场地面积",
            "    value: 250\n    unit: m2\n    label: 办公场地面积",
        ),
        "draft-wx.yaml",
    )
    # Streamed like the database generator will be: generate → validate → judge twice, one at a time.
    t0 = time.perf_counter()
    report = simulate((parse_profile(d) for d in generate(args.profiles)), draft, on=ON, current=packs)
    elapsed = time.perf_counter() - t0
    t1 = time.perf_counter()
    for d in generate(args.profiles // 10):
        parse_profile(d)
    validate_share = (time.perf_counter() - t1) * 10
    print(f"what-if over {report['total']:,} generated Wuxi profiles (draft: WX office ≥250 m²), streamed:")
    per_second = report["total"] / elapsed
    print(
        f"  total {elapsed:.2f} s ({per_second:,.0f} profiles/s); of which generate+validate ≈ {validate_share:.2f} s"
    )
    print(f"  evaluated {report['evaluated']:,} (each under current and draft packs), changed {report['changed']:,}")
    print(f"  transitions {report['transitions']}")


if __name__ == "__main__":
    main()
