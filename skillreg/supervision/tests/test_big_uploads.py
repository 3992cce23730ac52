"""A 50 MB evidence upload (issue 13, bad input): refused with a Chinese message, nothing written, no file kept —
by the service (size cap) and, over HTTP, before the view reads the body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillreg.core.errors import ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import Complaint, InspectionStatus
from skillreg.supervision.services.complaints import complaint_submit
from skillreg.supervision.services.plans import plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)
FIFTY_MB = b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)


def test_a_50mb_complaint_attachment_is_refused_and_nothing_is_kept(cq_filing, settings):
    with at(DAY), pytest.raises(ValidationFailed) as exc:
        complaint_submit(
            filing_code=cq_filing.code,
            category="fees",
            body="收费过高",
            submission_key="big",
            attachments=[
                (SimpleUploadedFile("收据.pdf", b"%PDF-1.4\n%%EOF\n"), "收据.pdf"),
                (SimpleUploadedFile("录像.pdf", FIFTY_MB), "录像.pdf"),
            ],
        )
    assert exc.value.code == "UPLOAD_TOO_LARGE" and "超过" in exc.value.message
    assert not Complaint.objects.exists()
    assert [p for p in (Path(settings.MEDIA_ROOT) / "complaints").glob("*") if p.is_file()] == []


def test_a_50mb_inspection_evidence_post_is_refused_before_the_view(client, two_filings, wuxi_inspectors, wuxi_officer):
    with at(DAY):
        plan = plan_create(title="抽查", items="CQ-26", inspect_on=DAY, sample_size=1, per_target=2, actor=wuxi_officer)
        inspection = plan_draw(plan=plan, actor=wuxi_officer).inspections.get()
    lead = next(e for e in wuxi_inspectors if e.pk == inspection.inspector_id)
    client.force_login(lead.user)
    with at(DAY):
        response = client.post(
            reverse("supervision:inspection", args=[inspection.pk]),
            {"conclusion": "compliant", "files": SimpleUploadedFile("现场.pdf", FIFTY_MB)},
        )
    assert response.status_code == 413 and "上传内容过大" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.OPEN and not inspection.evidence.exists()
