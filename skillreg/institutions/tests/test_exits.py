"""Exit (GZ-13 voluntary, GZ-14 automatic, GZ-15 ordered), wrap-up and the termination notice (GZ-16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skillreg.applications.models import Application, ApplicationType
from skillreg.applications.services.lifecycle import lifecycle_draft_start, lifecycle_submit
from skillreg.certificates.context import load_facts
from skillreg.certificates.rows import validity_faults
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.models import FilingExit
from skillreg.documents.termination import render_termination_notice_pdf, termination_notice_data
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.exits import (
    filing_exit_order,
    filing_exit_voluntary,
    filing_wrap_up_complete,
    wrap_up_checklist,
)
from skillreg.institutions.models import FilingStatus, FilingStatusChange
from skillreg.institutions.selectors import filing_on
from skillreg.occupations.models import Occupation

from .conftest import at, file_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date


def test_voluntary_exit_while_a_renewal_is_pending_is_refused(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 12, 4), kind="employer")
    with at(D(2026, 10, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
        Application.objects.filter(pk=app.pk).update(pledge_accepted=True)
        lifecycle_submit(application=app, actor=wuxi_institution)
        filing.refresh_from_db()
        with pytest.raises(TransitionNotAllowed) as exc:
            filing_exit_voluntary(filing=filing, actor=wuxi_institution, terminates_on=D(2026, 11, 30))
    assert exc.value.code == "EXIT_RENEWAL_PENDING" and "撤回延续申请" in exc.value.message
    assert not FilingExit.objects.exists()


@pytest.mark.req("GZ-13", "GZ-16", "CQ-31")
def test_voluntary_exit_takes_effect_after_its_last_day_then_wrap_up_ends_terminated(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 5, 20)):
        with pytest.raises(ValidationFailed) as exc:
            filing_exit_voluntary(filing=filing, actor=gz_institution, terminates_on=D(2026, 6, 10))
        assert exc.value.code == "EXIT_NOTICE_TOO_SHORT"  # GZ-13: 30 days ahead
        exit_ = filing_exit_voluntary(filing=filing, actor=gz_institution, terminates_on=D(2026, 6, 30))
    assert sweep_on(D(2026, 6, 30)).exits == []
    assert sweep_on(D(2026, 7, 1)).exits == [filing.pk]
    assert sweep_on(D(2026, 7, 2)).exits == []  # idempotent
    filing.refresh_from_db()
    assert filing.status == FilingStatus.WRAP_UP
    assert filing_on(filing, D(2026, 6, 30)).may_evaluate and not filing_on(filing, D(2026, 7, 1)).may_evaluate
    items = {i.key: i for i in wrap_up_checklist(exit_)}
    assert items["certificates"].done and not items["archives"].done
    with at(D(2026, 7, 10)):
        with pytest.raises(ValidationFailed) as exc:
            filing_wrap_up_complete(exit_=exit_, actor=gz_officer, archives_note="")
        assert exc.value.code == "ARCHIVES_NOTE_REQUIRED"
        done = filing_wrap_up_complete(exit_=exit_, actor=gz_officer, archives_note="考务档案已移交市鉴定中心")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.TERMINATED and done.notice_number.startswith("ZZ52")
    actions = list(FilingStatusChange.objects.filter(filing=filing).values_list("action", flat=True))
    assert actions == ["file", "exit_voluntary", "complete_wrap_up"]
    pdf = render_termination_notice_pdf(termination_notice_data(done))
    assert pdf.startswith(b"%PDF") and b"FontFile" in pdf  # the CJK font is embedded


def test_wrap_up_cannot_complete_while_certificates_are_unreported(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    EvaluationPlan.objects.create(
        filing=filing,
        number="PJ-1",
        occupation=Occupation.objects.get(code="4-10-01-05"),
        level=5,
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 3),
        applicants=10,
        passes=8,
        created_at=timezone.now(),
    )
    with at(D(2026, 5, 6)):
        exit_ = filing_exit_order(
            filing=filing, actor=gz_officer, reason="伪造考核记录，情节严重", wrapup_due_on=D(2026, 5, 31)
        )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.WRAP_UP and exit_.terminates_on == D(2026, 5, 5)
    items = {i.key: i for i in wrap_up_checklist(exit_)}
    assert not items["certificates"].done and "PJ-1（合格 8 人，已报 0 本）" in items["certificates"].detail
    with at(D(2026, 5, 20)), pytest.raises(ValidationFailed) as exc:
        filing_wrap_up_complete(exit_=exit_, actor=gz_officer, archives_note="已归档")
    assert exc.value.code == "WRAPUP_CERTIFICATES_MISSING"
    filing.refresh_from_db()
    assert filing.status == FilingStatus.WRAP_UP


@pytest.mark.req("GZ-13", "GZ-14")
def test_registry_refuses_certificates_after_the_exit_and_accepts_those_before(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        filing_exit_order(filing=filing, actor=gz_officer, reason="严重违规", wrapup_due_on=D(2026, 5, 31))
        facts = load_facts(filing)
    assert validity_faults(facts, D(2026, 5, 5)) == []  # wrap-up reporting of a certificate issued before
    codes = [code for code, _msg in validity_faults(facts, D(2026, 5, 6))]
    assert codes == ["FILING_TERMINATED_ON_DATE"]


@pytest.mark.req("GZ-15")
def test_ordered_exit_needs_the_filing_authority_and_a_reason(gz_institution, gz_officer, wuxi_officer):
    from skillreg.core.errors import PermissionDeniedError

    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with pytest.raises(PermissionDeniedError):
        filing_exit_order(filing=filing, actor=wuxi_officer, reason="x", wrapup_due_on=D(2026, 12, 31))
    with pytest.raises(ValidationFailed) as exc:
        filing_exit_order(filing=filing, actor=gz_officer, reason=" ", wrapup_due_on=D(2026, 12, 31))
    assert exc.value.code == "EXIT_REASON_REQUIRED"


def test_a_refused_renewal_before_expiry_returns_the_filing_to_its_window(wuxi_institution, wuxi_officer):
    from skillreg.applications import services

    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 12, 4), kind="employer")
    with at(D(2026, 10, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
        Application.objects.filter(pk=app.pk).update(pledge_accepted=True)
        lifecycle_submit(application=app, actor=wuxi_institution)
    with at(D(2026, 10, 10)):
        app.refresh_from_db()
        services.application_refuse_acceptance(application=app, actor=wuxi_officer, reasons="不符合", basis="CQ-10")
    sweep_on(D(2026, 10, 11))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.EXPIRING  # still valid until 2026-12-03; the window is open
    sweep_on(D(2026, 12, 4))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.WRAP_UP
