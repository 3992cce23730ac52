"""The demo a new user sees (``manage.py demo``, run by scripts/run): it loads through the real services, is
idempotent, and its certificate samples answer at /verify/ as printed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from skillreg.audit.models import AuditRecord
from skillreg.certificates.demo import PER_BATCH
from skillreg.certificates.models import Certificate, CertificateStatus, EvaluationBatch
from skillreg.institutions.models import Filing, FilingStatus

pytestmark = pytest.mark.django_db(transaction=False)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_demo_loads_once_with_certificates_to_verify(client):
    first = run_demo()
    assert "演示数据已载入" in first and "cq_centre" in first and "证书公开查询示例" in first
    filed = Filing.objects.filter(status=FilingStatus.ACTIVE).count()
    assert filed >= 2
    assert EvaluationBatch.objects.count() == filed
    assert Certificate.objects.count() == filed * PER_BATCH
    assert Certificate.objects.filter(status=CertificateStatus.REVOKED).count() == 1
    assert AuditRecord.objects.filter(action__startswith="certificate").exists()

    samples = [line.split() for line in first.split("证书公开查询示例")[1].splitlines()[1:] if line.strip()]
    assert len(samples) == 3
    for number, name, status in samples:
        page = client.post("/verify/", {"number": number, "name": name}, REMOTE_ADDR="10.9.0.1").content.decode()
        assert number in page and status in page, (number, status)
        assert "未查询到" not in page

    again = run_demo()
    assert "未重复载入" in again
    assert Certificate.objects.count() == filed * PER_BATCH  # nothing twice
