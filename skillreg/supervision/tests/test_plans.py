"""双随机、一公开 (CQ-25, AH-4.3): committed seed, the draw from the registers of the plan date, anyone's re-run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision import draw
from skillreg.supervision.models import PlanStatus
from skillreg.supervision.registers import inspectable_register
from skillreg.supervision.selectors import assignments_for_inspector, draw_check, public_plan
from skillreg.supervision.services.plans import inspector_conflict_declare, plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _plan(officer, **kw):
    kw.setdefault("sample_size", 1)
    kw.setdefault("per_target", 2)
    with at(DAY):
        return plan_create(
            title="2026年第四季度评价机构抽查", items="备案信息真实性；评价范围", inspect_on=DAY, actor=officer, **kw
        )


@pytest.mark.req("CQ-25")
def test_plan_publishes_the_seed_hash_and_the_draw_reveals_a_matching_seed(two_filings, wuxi_inspectors, wuxi_officer):
    plan = _plan(wuxi_officer)
    assert plan.seed_hash in plan.plan_notice.body and str(plan.seed) not in plan.plan_notice.body
    assert plan.plan_notice.legal_basis.endswith("国办发〔2015〕58号）")
    with at(DAY):
        drawn = plan_draw(plan=plan, actor=wuxi_officer)
    assert drawn.status == PlanStatus.DRAWN
    assert draw.seed_hash(str(drawn.seed)) == drawn.seed_hash
    assert str(drawn.seed) in drawn.result_notice.body
    assert len(drawn.result["assignments"]) == 1 and len(drawn.result["assignments"][0][1]) == 2
    assert len(drawn.registers["targets"]) == 2
    check = draw_check(public_plan(drawn.pk))
    assert check.ok and check.register_unchanged
    other = draw_check(drawn, seed="someone-else")
    assert not other.seed_matches
    assert AuditRecord.objects.filter(action="plan.draw", rule="CQ-25").count() == 1
    with pytest.raises(TransitionNotAllowed):
        plan_draw(plan=drawn, actor=wuxi_officer)


@pytest.mark.req("CQ-25")
def test_a_changed_register_is_detected_on_verify(two_filings, wuxi_inspectors, wuxi_officer):
    plan = _plan(wuxi_officer)
    with at(DAY):
        drawn = plan_draw(plan=plan, actor=wuxi_officer)
    drawn.registers["targets"] = drawn.registers["targets"][:1]  # a tampered snapshot (not saved)
    check = draw_check(drawn)
    assert not check.snapshot_matches and not check.ok


@pytest.mark.req("AH-4.3")
def test_inspectors_recused_for_every_target_refuse_the_draw_with_a_message(two_filings, wuxi_inspectors, wuxi_officer):
    for entry in wuxi_inspectors[:2]:
        for f in two_filings:
            inspector_conflict_declare(entry=entry, filing=f, reason="曾在该机构任职", actor=wuxi_officer)
    plan = _plan(wuxi_officer, sample_size=2)
    with at(DAY), pytest.raises(ValidationFailed) as exc:
        plan_draw(plan=plan, actor=wuxi_officer)
    assert exc.value.code == "DRAW_NOT_ENOUGH_INSPECTORS"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMITTED and not plan.assignments.exists()


def test_inspectable_register_follows_filing_on_for_the_plan_date(two_filings, wuxi_officer):
    before = inspectable_register(wuxi_officer.authority, dt.date(2026, 3, 1))
    after = inspectable_register(wuxi_officer.authority, DAY)
    assert before == [] and sorted(t.code for t in after) == sorted(f.code for f in two_filings)


def test_inspector_sees_only_own_targets_and_only_staff_draw(
    two_filings, wuxi_inspectors, wuxi_officer, guizhou_officer, inspector
):
    plan = _plan(wuxi_officer)
    with pytest.raises(PermissionDeniedError):
        plan_draw(plan=plan, actor=guizhou_officer)
    with at(DAY):
        drawn = plan_draw(plan=plan, actor=wuxi_officer)
    drawn_keys = drawn.result["assignments"][0][1]
    for entry in wuxi_inspectors:
        mine = list(assignments_for_inspector(entry.user))
        assert bool(mine) == (entry.number in drawn_keys)
    assert not assignments_for_inspector(inspector).exists()
    assert not assignments_for_inspector(wuxi_officer).exists()


def test_bad_plan_parameters(wuxi_officer):
    with pytest.raises(ValidationFailed) as exc:
        _plan(wuxi_officer, sample_size=None)
    assert exc.value.code == "DRAW_SAMPLE_INVALID"


@pytest.mark.req("CQ-25")
def test_command_reruns_the_draw(two_filings, wuxi_inspectors, wuxi_officer, capsys):
    plan = _plan(wuxi_officer)
    with at(DAY):
        plan_draw(plan=plan, actor=wuxi_officer)
    call_command("draw_verify", str(plan.pk))
    out = capsys.readouterr().out
    assert "复核通过" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("draw_verify", str(plan.pk), "--seed", "guess")
