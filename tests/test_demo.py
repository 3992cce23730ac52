"""The demo a new user sees (``manage.py demo``, run by scripts/run): it loads through the real services, is
idempotent, and its certificate samples answer at /verify/ as printed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from skillreg.annualreports.demo import ANNUAL_REPORT_LOGINS
from skillreg.applications.demo_lifecycle import LIFECYCLE_LOGINS
from skillreg.appraisals.demo import APPRAISAL_LOGINS
from skillreg.audit.models import AuditRecord
from skillreg.certificates.demo import BATCH_NUMBER, PER_BATCH
from skillreg.certificates.models import Certificate, CertificateStatus
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.supervision.demo import UNITS as SUPERVISION_UNITS

pytestmark = pytest.mark.django_db(transaction=False)
# The lifecycle (issue 10) and supervision (issue 13) demos bring their own institutions, outside DEMO-01.
# So do the annual-report demo's (issue 15).
LIFECYCLE_UNITS = (
    [desc.split("（")[0] for _u, _r, desc in LIFECYCLE_LOGINS + APPRAISAL_LOGINS]
    + [name for _u, name in SUPERVISION_UNITS]
    + [desc.split("（")[0] for _u, _r, desc in ANNUAL_REPORT_LOGINS]
)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_demo_loads_once_with_certificates_to_verify(client):
    first = run_demo()
    assert "演示数据已载入" in first and "cq_centre" in first and "证书公开查询示例" in first
    # The certificate demo covers the filed institutions of the main cases; the lifecycle demo (issue 10) adds
    # its own institutions, whose batches are not the DEMO-01 batch.
    filed = Filing.objects.filter(status=FilingStatus.ACTIVE).exclude(unit__name__in=LIFECYCLE_UNITS).count()
    assert filed >= 2
    assert EvaluationPlan.objects.filter(number=BATCH_NUMBER).count() == filed
    assert Certificate.objects.filter(batch__number=BATCH_NUMBER).count() == filed * PER_BATCH
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
    assert Certificate.objects.filter(batch__number=BATCH_NUMBER).count() == filed * PER_BATCH  # nothing twice


def test_the_demo_has_a_changed_a_renewed_a_wrapping_up_and_a_terminated_institution():
    from skillreg.deadlines.models import FilingExit
    from skillreg.institutions.models import FilingVersion

    run_demo()

    def filing_of(username: str) -> Filing:
        return Filing.objects.get(unit__users__username=username)

    changed = filing_of("lc_changed")
    assert FilingVersion.objects.filter(filing=changed).count() == 2 and changed.status == FilingStatus.ACTIVE
    renewed = filing_of("lc_renewed")
    v2 = FilingVersion.objects.get(filing=renewed, number=2)
    assert v2.change_kind == "renewal" and [s.occupation.code for s in v2.scope.all()] == ["4-10-01-05"]
    assert renewed.status == FilingStatus.ACTIVE and Filing.objects.filter(unit=renewed.unit).count() == 1
    assert filing_of("lc_wrapup").status == FilingStatus.WRAP_UP
    terminated = filing_of("lc_terminated")
    assert terminated.status == FilingStatus.TERMINATED
    assert FilingExit.objects.get(filing=terminated).notice_number


def test_the_demo_has_a_completed_draw_an_open_rectification_and_objections():
    """Issue 13: supervision demo data through the services."""
    from skillreg.supervision.models import InspectionPlan, Objection, PlanStatus
    from skillreg.supervision.selectors import draw_check

    run_demo()
    plan = InspectionPlan.objects.get()
    assert plan.status == PlanStatus.DRAWN and draw_check(plan).ok
    anda = Filing.objects.get(unit__users__username="sv_anda")
    assert anda.status == FilingStatus.RECTIFYING
    assert anda.rectifications.get().answer
    assert sorted(Objection.objects.values_list("status", flat=True)) == ["answered", "submitted"]
    from skillreg.supervision.models import Complaint

    # (the periodic-evaluation demo brings one verified complaint of its own Huainan institution)
    supervision = Complaint.objects.exclude(filing__unit__name="淮南舜耕职业技能培训学校")
    assert sorted(supervision.values_list("status", flat=True)) == ["answered", "assigned", "submitted"]
    grade = anda.credit_grades.get()
    assert grade.grade == "B" and grade.factors[0]["label"] == "投诉举报经查属实"
