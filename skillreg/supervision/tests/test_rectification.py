"""Rectification (CQ-30): ordering and closing, status changes, audit, who may do it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.models import FilingStatus
from skillreg.institutions.services import filing_create
from skillreg.supervision.selectors import rectification_on, rectification_periods
from skillreg.supervision.services import rectification_close, rectification_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(wuxi_institution, wuxi_officer):
    """wuxi_institution's filing, filed by wuxi_officer on 2025-01-06."""
    with time_machine.travel(dt.datetime(2025, 1, 6, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        application = testing.make_complete_draft(wuxi_institution)
        with transaction.atomic():
            filing = filing_create(
                application=application, authority=wuxi_officer.authority, actor=wuxi_officer, copy_to_province=False
            )
    return filing


def test_order_and_close_change_the_status_and_are_audited(filing, wuxi_officer):
    r = rectification_order(filing=filing, reason="考务记录不全", actor=wuxi_officer, ordered_on=dt.date(2025, 6, 1))
    filing.refresh_from_db()
    assert filing.status == "rectifying" and r.is_open
    with pytest.raises(TransitionNotAllowed):
        rectification_order(filing=filing, reason="again", actor=wuxi_officer)
    closed = rectification_close(rectification=r, actor=wuxi_officer, ends_on=dt.date(2025, 7, 15), note="已整改")
    filing.refresh_from_db()
    assert filing.status == "active" and closed.ends_on == dt.date(2025, 7, 15) and not closed.is_open
    assert rectification_periods(filing.pk) == [(dt.date(2025, 6, 1), dt.date(2025, 7, 15))]
    assert rectification_on(filing.pk, dt.date(2025, 7, 15)) is not None
    assert rectification_on(filing.pk, dt.date(2025, 7, 16)) is None
    actions = list(AuditRecord.objects.filter(action__startswith="rectification.").values_list("action", "rule"))
    assert actions == [("rectification.order", "CQ-30"), ("rectification.close", "CQ-30")]
    with pytest.raises(TransitionNotAllowed):
        rectification_close(rectification=closed, actor=wuxi_officer)


def test_only_supervising_staff_may_order(filing, wuxi_institution, guizhou_officer, cq_centre_officer):
    with pytest.raises(PermissionDeniedError):
        rectification_order(filing=filing, reason="x", actor=wuxi_institution)
    with pytest.raises(PermissionDeniedError):
        rectification_order(filing=filing, reason="x", actor=guizhou_officer)
    rectification_order(filing=filing, reason="市中心检查发现问题", actor=cq_centre_officer)  # region above


def test_bad_input(filing, wuxi_officer):
    with pytest.raises(ValidationFailed) as exc:
        rectification_order(filing=filing, reason=" ", actor=wuxi_officer)
    assert exc.value.code == "RECTIFICATION_REASON_REQUIRED"
    with pytest.raises(ValidationFailed) as exc:
        rectification_order(filing=filing, reason="x", actor=wuxi_officer, ordered_on=dt.date(2099, 1, 1))
    assert exc.value.code == "RECTIFICATION_DATE_IN_FUTURE"
    r = rectification_order(filing=filing, reason="x", actor=wuxi_officer, ordered_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationFailed) as exc:
        rectification_close(rectification=r, actor=wuxi_officer, ends_on=dt.date(2025, 5, 1))
    assert exc.value.code == "RECTIFICATION_DATES_INVALID"


def test_a_failed_rectification_cancels_the_filing_and_the_registry_refuses_later_certificates(
    wuxi_institution, wuxi_officer
):
    import datetime as dt

    from skillreg.certificates.context import load_facts
    from skillreg.certificates.rows import validity_faults
    from skillreg.deadlines.tests.conftest import at, file_on
    from skillreg.institutions.selectors import filing_on
    from skillreg.supervision.services import rectification_fail

    filing = file_on(wuxi_institution, wuxi_officer, dt.date(2026, 3, 2))
    with at(dt.date(2026, 4, 1)):
        rect = rectification_order(filing=filing, reason="考务记录造假", actor=wuxi_officer)
    with at(dt.date(2026, 6, 1)):
        with pytest.raises(ValidationFailed):
            rectification_fail(rectification=rect, actor=wuxi_officer, reason=" ")
        rectification_fail(
            rectification=rect, actor=wuxi_officer, reason="整改期满复查仍不合格", announcement="予以注销"
        )
        facts = load_facts(filing)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.CANCELLED
    assert filing_on(filing, dt.date(2026, 6, 1)).status == "cancelled"
    assert [c for c, _m in validity_faults(facts, dt.date(2026, 6, 1))] == ["FILING_NOT_ACTIVE"]
