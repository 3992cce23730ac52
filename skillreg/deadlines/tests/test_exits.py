"""Validity end (CQ-14: 3 years), renewal, automatic termination with the GZ-14 wrap-up, voluntary exit (GZ-13)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.applications import services as app_services
from skillreg.applications.models import Application, ApplicationType
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, ValidationFailed
from skillreg.deadlines.exits import filing_exit_voluntary
from skillreg.deadlines.models import FilingExit
from skillreg.institutions.models import FilingStatus

from .conftest import at, file_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.req("GZ-14")
def test_guizhou_expiry_without_renewal_terminates_automatically_with_15_day_wrapup(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2023, 9, 17))
    assert filing.valid_to == D(2026, 9, 16)
    assert sweep_on(D(2026, 9, 16), hour=23).expired == []  # the last day of validity still counts
    report = sweep_on(D(2026, 9, 17))
    assert report.expired == [filing.pk]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.WRAP_UP
    exit_ = FilingExit.objects.get(filing=filing)
    assert exit_.kind == FilingExit.Kind.AUTOMATIC and exit_.requirement == "GZ-14"
    assert exit_.terminates_on == D(2026, 9, 16)
    # 16 Sep + 15 days = Thu 1 Oct (National Day) → the wrap-up period ends Thu 8 Oct.
    assert (exit_.wrapup_due_on, exit_.wrapup_provisional) == (D(2026, 10, 8), False)
    audit = AuditRecord.objects.get(action="filing.expire")
    assert audit.rule == "GZ-14" and audit.role == "system"
    assert "第十四条" in audit.after["basis"]
    # Idempotent.
    assert sweep_on(D(2026, 9, 18)).expired == []
    assert FilingExit.objects.count() == 1 and AuditRecord.objects.filter(action="filing.expire").count() == 1


@pytest.mark.req("CQ-14")
def test_chongqing_expiry_has_no_wrapup_rule_and_names_cq14(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 3, 1))
    assert sweep_on(D(2026, 3, 1)).expired == [filing.pk]
    exit_ = FilingExit.objects.get(filing=filing)
    assert exit_.requirement == "CQ-14" and exit_.wrapup_due_on is None


def _renewal(user, day):  # type: ignore[no-untyped-def]
    with at(day):
        app = testing.make_complete_draft(user)
        Application.objects.filter(pk=app.pk).update(application_type=ApplicationType.RENEWAL)
        app.refresh_from_db()
        app_services.application_submit(application=app, actor=user)
    return app


def test_a_pending_renewal_application_prevents_automatic_termination(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 3, 1))
    _renewal(wuxi_institution, D(2026, 1, 15))
    assert sweep_on(D(2026, 3, 10)).expired == []
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACTIVE


def test_a_failed_renewal_terminates_from_the_day_it_failed(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 3, 1))
    renewal = _renewal(wuxi_institution, D(2026, 1, 15))
    with at(D(2026, 3, 20)):
        app_services.application_refuse_acceptance(
            application=renewal, actor=wuxi_officer, reasons="材料不符合要求", basis="CQ-10"
        )
    assert sweep_on(D(2026, 3, 20), hour=23).expired == []
    assert sweep_on(D(2026, 3, 21)).expired == [filing.pk]
    assert FilingExit.objects.get(filing=filing).terminates_on == D(2026, 3, 20)


def test_a_renewal_submitted_after_expiry_does_not_count(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 3, 1))  # valid to 28 Feb 2026
    _renewal(wuxi_institution, D(2026, 3, 2))
    assert sweep_on(D(2026, 3, 3)).expired == [filing.pk]


@pytest.mark.req("GZ-13", "CQ-31")
def test_voluntary_exit_needs_30_days_notice_in_guizhou(gz_institution, gz_officer, wuxi_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with pytest.raises(PermissionDeniedError):
        filing_exit_voluntary(filing=filing, actor=wuxi_officer, notice_on=D(2026, 5, 6), terminates_on=D(2026, 6, 30))
    with pytest.raises(ValidationFailed) as exc:
        filing_exit_voluntary(filing=filing, actor=gz_officer, notice_on=D(2026, 6, 10), terminates_on=D(2026, 6, 30))
    assert exc.value.code == "EXIT_NOTICE_TOO_SHORT" and "30日" in exc.value.message
    with at(D(2026, 5, 6)):
        exit_ = filing_exit_voluntary(
            filing=filing, actor=gz_officer, notice_on=D(2026, 5, 6), terminates_on=D(2026, 6, 30)
        )
    assert exit_.requirement == "GZ-13"
    assert AuditRecord.objects.get(action="filing.exit_voluntary").rule == "GZ-13"
