"""Complaints and reports (CQ-27, AH-4.3, HN-3, WX-7.3): public channel, routing, deadline, answer, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import ComplaintStatus
from skillreg.supervision.selectors import complaint_lookup, complaint_statistics, complaints_for_staff
from skillreg.supervision.services.complaints import complaint_answer, complaint_assign, complaint_submit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submit(filing, key="k1", **kw):
    with at(DAY):
        return complaint_submit(
            filing_code=filing.code, category="fees", body="收取高额考试费", submission_key=key, **kw
        )


@pytest.mark.req("CQ-27")
def test_public_complaint_is_routed_tracked_and_answered(
    cq_filing, wuxi_officer, cq_centre_officer, guizhou_officer, settings
):
    lodged = _submit(
        cq_filing, name="李某", contact="13800000000", attachments=[(SimpleUploadedFile("收据.pdf", PDF), "收据.pdf")]
    )
    c = lodged.complaint
    assert c.authority == cq_filing.authority and c.due_on == DAY + dt.timedelta(days=15)
    assert complaint_lookup(c.tracking_no, lodged.query_code) == c
    assert complaint_lookup(c.tracking_no, "nope") is None
    assert c in complaints_for_staff(cq_centre_officer) and not complaints_for_staff(guizhou_officer).exists()
    with pytest.raises(PermissionDeniedError):
        complaint_answer(complaint=c, outcome="unfounded", answer="x", actor=guizhou_officer)
    with pytest.raises(ValidationFailed):
        complaint_assign(complaint=c, assignee=guizhou_officer, actor=wuxi_officer)
    c = complaint_assign(complaint=c, assignee=wuxi_officer, actor=cq_centre_officer)
    assert c.status == ComplaintStatus.ASSIGNED
    with pytest.raises(ValidationFailed) as exc:
        complaint_answer(complaint=c, outcome="unfounded", answer="x", escalate="rectification", actor=wuxi_officer)
    assert exc.value.code == "COMPLAINT_ESCALATION_INVALID"
    c = complaint_answer(complaint=c, outcome="unfounded", answer="经查收费符合标准", actor=wuxi_officer)
    assert complaint_lookup(c.tracking_no, lodged.query_code).answer == "经查收费符合标准"
    with pytest.raises(TransitionNotAllowed):
        complaint_answer(complaint=c, outcome="verified", answer="again", actor=wuxi_officer)
    stats = complaint_statistics(wuxi_officer)
    assert stats[0]["n"] == 1 and stats[0]["category_label"] == "违规收费" and stats[0]["outcome_label"] == "经查不属实"


@pytest.mark.req("HN-3")
def test_a_verified_complaint_orders_rectification(cq_filing, wuxi_officer):
    c = _submit(cq_filing).complaint
    c = complaint_answer(
        complaint=c,
        outcome="verified",
        answer="经查属实，已责令整改",
        escalate="rectification",
        requirements="退还多收费用",
        due_on=dt.date(2026, 12, 31),
        actor=wuxi_officer,
    )
    cq_filing.refresh_from_db()
    assert c.rectification is not None and cq_filing.status == "rectifying"


@pytest.mark.req("WX-7.3")
def test_a_verified_complaint_opens_an_inspection(cq_filing, wuxi_officer, wuxi_inspectors):
    c = _submit(cq_filing).complaint
    c = complaint_answer(
        complaint=c,
        outcome="verified",
        answer="已转现场检查",
        escalate="inspection",
        inspector=wuxi_inspectors[0],
        actor=wuxi_officer,
    )
    assert c.inspection is not None and c.inspection.proposed_by == "投诉举报"


@pytest.mark.req("AH-4.3")
def test_unknown_institution_and_double_submit(cq_filing):
    with at(DAY), pytest.raises(ValidationFailed) as exc:
        complaint_submit(filing_code="S999", category="fees", body="x", submission_key="u")
    assert exc.value.code == "COMPLAINT_INSTITUTION_UNKNOWN" and "未找到" in exc.value.message
    first = _submit(cq_filing, key="same")
    again = _submit(cq_filing, key="same")
    assert again.repeated and again.complaint == first.complaint and again.query_code == ""


def test_an_oversized_attachment_refuses_the_complaint(cq_filing, settings):
    settings.SKILLREG_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        _submit(cq_filing, attachments=[(SimpleUploadedFile("big.pdf", PDF + b"0" * 4096), "big.pdf")])
    assert exc.value.code == "UPLOAD_TOO_LARGE"
    from skillreg.supervision.models import Complaint

    assert not Complaint.objects.exists()
