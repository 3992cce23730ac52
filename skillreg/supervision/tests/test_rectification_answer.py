"""Rectification completed (CQ-30): order with requirements and a period, the institution's answer with evidence,
re-inspection closing it, failure cancelling and announcing; the registry refuses certificates meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillreg.certificates.context import load_facts
from skillreg.certificates.rows import validity_faults
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.institutions.exits import filing_exit_order
from skillreg.supervision.models import NoticeTopic, RectificationEvidence
from skillreg.supervision.selectors import public_notices, rectification_for, rectifications_for
from skillreg.supervision.services import (
    rectification_answer,
    rectification_close,
    rectification_fail,
    rectification_order,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ORDERED = dt.date(2026, 11, 2)


def _order(filing, officer):
    with at(ORDERED):
        return rectification_order(
            filing=filing,
            reason="抽查发现考务记录不全",
            requirements="补齐考务记录并建立台账",
            due_on=dt.date(2026, 12, 31),
            actor=officer,
        )


@pytest.mark.req("CQ-30")
def test_answer_with_evidence_then_reinspection_closes(cq_filing, wuxi_officer, wuxi_institution, other_institution):
    rect = _order(cq_filing, wuxi_officer)
    assert rect.due_on == dt.date(2026, 12, 31) and rect.requirements
    with at(dt.date(2026, 11, 10)):
        faults = [c for c, _ in validity_faults(load_facts(cq_filing), dt.date(2026, 11, 10))]
    assert "CERT_DURING_RECTIFICATION" in faults
    with pytest.raises(PermissionDeniedError):
        rectification_answer(rectification=rect, actor=other_institution, answer="x")
    with pytest.raises(ValidationFailed) as exc:
        rectification_answer(rectification=rect, actor=wuxi_institution, answer=" ")
    assert exc.value.code == "RECTIFICATION_ANSWER_REQUIRED"
    with at(dt.date(2026, 11, 20)):
        rectification_answer(
            rectification=rect,
            actor=wuxi_institution,
            answer="已补齐考务记录",
            files=[(SimpleUploadedFile("台账.pdf", PDF), "台账.pdf")],
        )
    seen = rectification_for(wuxi_institution, rect.pk)
    assert seen.answer == "已补齐考务记录" and [e.original_name for e in seen.evidence.all()] == ["台账.pdf"]
    assert not rectifications_for(other_institution).exists()
    with at(dt.date(2026, 11, 25)):
        rectification_close(rectification=rect, actor=wuxi_officer, note="复查合格")
    cq_filing.refresh_from_db()
    assert cq_filing.status == "active"
    with pytest.raises(TransitionNotAllowed):
        rectification_answer(rectification=rect, actor=wuxi_institution, answer="again")


def test_a_bad_evidence_file_refuses_the_whole_answer(cq_filing, wuxi_officer, wuxi_institution, settings):
    rect = _order(cq_filing, wuxi_officer)
    settings.SKILLREG_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        rectification_answer(
            rectification=rect,
            actor=wuxi_institution,
            answer="报告",
            files=[
                (SimpleUploadedFile("a.pdf", PDF), "a.pdf"),
                (SimpleUploadedFile("big.pdf", PDF + b"0" * 4096), "big.pdf"),
            ],
        )
    assert exc.value.code == "UPLOAD_TOO_LARGE"
    rect.refresh_from_db()
    assert rect.answer == "" and not RectificationEvidence.objects.exists()
    from pathlib import Path

    kept = [p for p in (Path(settings.MEDIA_ROOT) / "rectification").glob("*") if p.is_file()]
    assert kept == []  # the first, accepted file was removed again


@pytest.mark.req("CQ-30")
def test_failure_cancels_and_publishes_a_notice(cq_filing, wuxi_officer):
    rect = _order(cq_filing, wuxi_officer)
    with at(dt.date(2026, 12, 1)):
        rectification_fail(rectification=rect, actor=wuxi_officer, reason="整改期满复查仍不合格")
        notices = list(public_notices(NoticeTopic.CANCELLATION))
    assert len(notices) == 1 and notices[0].filing == cq_filing and "第三十条" in notices[0].legal_basis
    assert cq_filing.code in notices[0].body


def test_no_order_on_an_institution_in_wrap_up(cq_filing, wuxi_officer):
    with at(dt.date(2026, 11, 1)):
        filing_exit_order(filing=cq_filing, actor=wuxi_officer, reason="严重违规", wrapup_due_on=dt.date(2026, 12, 31))
    with pytest.raises(TransitionNotAllowed) as exc:
        _order(cq_filing, wuxi_officer)
    assert exc.value.code == "RECTIFICATION_NOT_ACTIVE" and "不能责令整改" in exc.value.message


def test_due_date_before_order_is_refused(cq_filing, wuxi_officer):
    with at(ORDERED), pytest.raises(ValidationFailed) as exc:
        rectification_order(filing=cq_filing, reason="x", due_on=ORDERED - dt.timedelta(days=1), actor=wuxi_officer)
    assert exc.value.code == "RECTIFICATION_DATES_INVALID"
