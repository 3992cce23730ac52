"""Issue 12 item 2: system administrators — the admin role and every superuser, the demo's ``sysadmin``
included — hold no case or certificate data. Each test replays a step of the penetration test; before the fix
each of them read or changed another province's data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate
from skillreg.certificates.services import certificate_revoke
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError
from skillreg.evaluations.models import EvaluationPlan
from skillreg.evaluations.services import results_accept

from .conftest import good_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def certs(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in (1, 2)]
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    return rows


def _demo_superuser():
    # As ``manage.py demo`` makes it: role admin, is_staff, is_superuser.
    return testing.make_admin("sysadmin_demo", "admin", is_superuser=True)


def _createsuperuser():
    # As ``manage.py createsuperuser`` makes it: the default role (institution) without a unit.
    return testing.make_admin("root", "institution", is_superuser=True, is_staff=True)


ADMINS = {
    "admin": lambda: testing.make_admin("m_admin", "admin"),
    "demo_superuser": _demo_superuser,
    "createsuperuser": _createsuperuser,
    "security_admin": lambda: testing.make_admin("m_sec", "security_admin"),
    "audit_admin": lambda: testing.make_admin("m_aud", "audit_admin"),
}


@pytest.fixture(params=sorted(ADMINS))
def admin_user(request, db):
    return ADMINS[request.param]()


def test_admins_get_404_on_every_certificate_page_and_export(client, certs, batch, cert_filing, admin_user):
    client.force_login(admin_user)
    number = certs[0]["number"]
    urls = [
        reverse("certificates:list"),
        reverse("certificates:list") + f"?filing={cert_filing.code}",
        reverse("certificates:export"),
        reverse("certificates:export") + f"?filing={cert_filing.code}",
        reverse("certificates:detail", args=[number]),
        reverse("certificates:batches"),
        reverse("certificates:batch", args=[batch.pk]),
        reverse("certificates:statistics"),
        reverse("certificates:imports"),
        reverse("documents:receipt", args=[cert_filing.code]),
        reverse("documents:receipt_pdf", args=[cert_filing.code]),
        f"/api/v1/certificates/{number}",
    ]
    got = {url: client.get(url).status_code for url in urls}
    assert got == dict.fromkeys(urls, 404)


def test_admins_cannot_revoke_a_certificate_or_change_a_batch(client, certs, batch, admin_user):
    client.force_login(admin_user)
    number = certs[0]["number"]
    assert client.post(reverse("certificates:revoke", args=[number]), {"reason": "核查"}).status_code == 404
    r = client.post(f"/api/v1/certificates/{number}/revoke", {"reason": "核查"}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(reverse("certificates:batch", args=[batch.pk]), {"applicants": 99, "passes": 1})
    assert r.status_code == 404
    assert Certificate.objects.get(number=number).status == "valid"
    batch.refresh_from_db()
    assert (batch.applicants, batch.passes) == (50, 40)


def test_the_services_refuse_a_superuser_actor(certs, batch):
    root = _demo_superuser()
    certificate = Certificate.objects.get(number=certs[0]["number"])
    with pytest.raises(PermissionDeniedError):
        certificate_revoke(certificate=certificate, actor=root, reason="核查")
    with pytest.raises(PermissionDeniedError):
        results_accept(plan=batch, actor=root)
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
    assert EvaluationPlan.objects.get(pk=batch.pk).passes == 40


def test_a_superuser_with_a_case_role_still_sees_nothing(client, certs, wuxi_officer):
    """is_superuser switches case data off even for a staff account (no exception for anyone)."""
    wuxi_officer.is_superuser = True
    wuxi_officer.save()
    client.force_login(wuxi_officer)
    assert client.get(reverse("certificates:detail", args=[certs[0]["number"]])).status_code == 404
