"""Certificate counts for renewal (GZ-8..10) come from the registry: valid ones, inside the validity, per occupation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skillreg.certificates import counts
from skillreg.certificates.models import Certificate, CertificateStatus
from skillreg.core import testing
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.renewals import renewal_certificate_counts
from skillreg.occupations.models import Occupation

from .conftest import at, file_on

pytestmark = pytest.mark.django_db
D = dt.date


def _certs(filing, day: dt.date, n: int, start: int, status: str = CertificateStatus.VALID) -> None:  # type: ignore[no-untyped-def]
    occ = Occupation.objects.get(code="4-10-01-05")
    batch = EvaluationPlan.objects.create(
        filing=filing,
        number=f"PJ-{start}",
        occupation=occ,
        level=5,
        starts_on=day - dt.timedelta(days=3),
        ends_on=day - dt.timedelta(days=1),
        applicants=n,
        passes=n,
        created_at=timezone.now(),
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                number=f"T{start + i:012d}",
                filing=filing,
                batch=batch,
                holder_name="测试",
                holder_id=testing.make_id_number("500238", "19980101", start + i),
                holder_id_masked="5002**********0000",
                occupation=occ,
                occupation_name=occ.name,
                level=5,
                issue_date=day,
                status=status,
                created_at=timezone.now(),
            )
            for i in range(n)
        ]
    )
    counts.recount([filing.pk])  # written around the services: the count summary follows


def test_counts_only_valid_certificates_issued_in_the_validity_up_to_the_day(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    _certs(filing, D(2026, 4, 10), 3, 1)
    _certs(filing, D(2026, 4, 11), 2, 10, status=CertificateStatus.REVOKED)  # revoked: not counted
    _certs(filing, D(2026, 9, 1), 4, 20)
    with at(D(2026, 6, 1)):
        counts = renewal_certificate_counts(filing)
    assert (counts.total, counts.per_occupation) == (3, {"4-10-01-05": 3})  # the September ones are after today
    assert counts.rows == [("4-10-01-05", "养老护理员", 3)]
    assert "已撤销的不计" in counts.method and "2026-03-02 至 2026-06-01" in counts.method
    with at(D(2026, 10, 1)):
        assert renewal_certificate_counts(filing).total == 7
