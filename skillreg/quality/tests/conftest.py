"""Builders of quality-supervision tests: a Wuxi filing made by the real filing service, an acknowledged
evaluation plan of it, and external supervisors on the Wuxi register (each with a login)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.evaluations.models import EvaluationPlan, PlanStatus
from skillreg.occupations.models import Occupation
from skillreg.quality.services.register import supervisor_enrol

FILED_ON = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 6, 1)
PLAN_START, PLAN_END = dt.date(2026, 6, 10), dt.date(2026, 6, 11)


def make_plan(filing: Any, number: str = "P2026-001", start: dt.date = PLAN_START, end: dt.date = PLAN_END) -> Any:
    """An acknowledged plan, as the evaluation-plan workflow leaves it (its own tests cover how it gets there)."""
    return EvaluationPlan.objects.create(
        filing=filing,
        number=number,
        occupation=Occupation.objects.get(code="4-10-01-05"),
        level=4,
        starts_on=start,
        ends_on=end,
        venue="巫溪县实训楼三楼",
        expected_candidates=30,
        status=PlanStatus.ACKNOWLEDGED,
        created_at=dt.datetime(2026, 5, 20, 2, tzinfo=dt.UTC),
    )


def enrol(officer: Any, i: int, **kw: Any) -> Any:
    user = kw.pop("user", None) or testing.make_admin(f"qs_sup{i}", "qsupervisor", display_name=f"督导员{i}")
    args: dict[str, Any] = {
        "number": f"WX-DD-{i:03d}",
        "name": f"督导员{i}",
        "id_number": testing.make_id_number(seq=100 + i),
        "phone": f"1390000{i:04d}",
        "unit_name": f"巫溪县第{i}职业中学",
        "selected_on": dt.date(2026, 1, 5),
        "selection_basis": "巫溪县人力社保局2026年质量督导员遴选",
        "term_from": dt.date(2026, 1, 10),
        "term_to": dt.date(2028, 1, 9),
        "user": user,
    }
    args.update(kw)
    return supervisor_enrol(actor=officer, **args)


@pytest.fixture
def cq_filing(wuxi_institution, wuxi_officer):
    """wuxi_institution's filing (Wuxi county 500238), filed 2026-03-02, three internal supervisors."""
    return file_on(wuxi_institution, wuxi_officer, FILED_ON)


@pytest.fixture
def plan(cq_filing):
    """An acknowledged plan of cq_filing on 2026-06-10..11 (4-10-01-05, level 4)."""
    return make_plan(cq_filing)


@pytest.fixture
def supervisors(wuxi_officer):
    """Three external supervisors WX-DD-001..003 on the Wuxi register, term 2026-01-10..2028-01-09, no areas."""
    with at(dt.date(2026, 1, 20)):
        return [enrol(wuxi_officer, i) for i in range(1, 4)]
