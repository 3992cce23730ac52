"""The staff confirmation queue: a provisional deadline never acts alone; staff confirm or dismiss."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.applications.models import Event, State
from skillreg.audit.models import AuditRecord
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines import services
from skillreg.deadlines.models import Confirmation

from .conftest import at, import_2027, submit_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def held(wuxi_institution):
    """A case received 28 Dec 2026 whose provisional limit (4 Jan 2027) has passed: queued for staff."""
    app = submit_on(wuxi_institution, D(2026, 12, 28))
    sweep_on(D(2027, 1, 5))
    return Confirmation.objects.get(application=app)


def test_staff_confirm_applies_the_outcome_with_them_as_actor(held, wuxi_officer):
    with at(D(2027, 1, 5), 15):
        action = services.confirmation_confirm(item=held, actor=wuxi_officer)
    assert action == "deem_accepted"
    held.refresh_from_db()
    assert held.status == Confirmation.Status.CONFIRMED and held.decided_by == wuxi_officer
    event = Event.objects.get(application=held.application, action="deem_accepted")
    assert event.actor == wuxi_officer
    assert event.data["provisional"] is True and event.data["confirmation"] == held.pk
    audit = AuditRecord.objects.get(action="application.deem_accepted")
    assert audit.actor == wuxi_officer and audit.rule == "CQ-10"
    assert AuditRecord.objects.filter(action="clock.confirmed").count() == 1
    # Nothing happens twice: the next sweeps neither re-queue nor re-apply.
    report = sweep_on(D(2027, 1, 6))
    assert report.deemed_accepted == [] and report.held == []
    with pytest.raises(TransitionNotAllowed):
        services.confirmation_confirm(item=held, actor=wuxi_officer)


def test_dismiss_needs_a_reason_and_leaves_the_case_alone(held, wuxi_officer):
    with pytest.raises(ValidationFailed):
        services.confirmation_dismiss(item=held, actor=wuxi_officer, reason="  ")
    services.confirmation_dismiss(item=held, actor=wuxi_officer, reason="1月1日为元旦假日，暂定期限有误")
    held.refresh_from_db()
    assert held.status == Confirmation.Status.DISMISSED and "元旦" in held.reason
    held.application.refresh_from_db()
    assert held.application.state == State.SUBMITTED
    assert sweep_on(D(2027, 1, 5), 16).held == []  # not re-queued
    # Once 2027 is confirmed the final deadline (5 Jan) acts by law.
    import_2027()
    assert sweep_on(D(2027, 1, 6)).deemed_accepted == [held.application_id]


def test_only_the_handling_authority_may_confirm(held, cq_centre_officer):
    with pytest.raises(PermissionDeniedError):
        services.confirmation_confirm(item=held, actor=cq_centre_officer)
    with pytest.raises(PermissionDeniedError):
        services.confirmation_dismiss(item=held, actor=cq_centre_officer, reason="x")


def test_confirm_after_the_case_moved_on_is_refused_and_voids_the_item(held, wuxi_officer):
    from skillreg.applications import services as app_services

    with at(D(2027, 1, 5), 11):
        app_services.application_refuse_acceptance(
            application=held.application, actor=wuxi_officer, reasons="不属于本机关受理范围", basis="CQ-6"
        )
    with at(D(2027, 1, 5), 12), pytest.raises(TransitionNotAllowed) as exc:
        services.confirmation_confirm(item=held, actor=wuxi_officer)
    assert exc.value.code == "CONFIRMATION_STALE"
    held.refresh_from_db()
    assert held.status == Confirmation.Status.SUPERSEDED
    assert not Event.objects.filter(application=held.application, action="deem_accepted").exists()
