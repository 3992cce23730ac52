"""The data-scope module (issue 11): role predicates and the region predicate in one place."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from skillreg.accounts import scope
from skillreg.accounts.models import Authority
from skillreg.applications.models import Application
from skillreg.core import testing
from skillreg.regions.models import Region

pytestmark = pytest.mark.django_db


def test_predicates_never_raise_for_anonymous_or_none():
    for nobody in (None, AnonymousUser()):
        assert scope.role_of(nobody) == ""
        assert not scope.is_institution(nobody)
        assert not scope.is_staff_member(nobody)
        assert not scope.is_expert(nobody)
        assert not scope.is_system_admin(nobody)
        assert not scope.has_case_data(nobody)
        assert scope.case_scope_q(nobody) is None


def test_roles(wuxi_institution, wuxi_officer, expert, sysadmin, security_admin, audit_admin, inspector):
    assert scope.is_institution(wuxi_institution) and not scope.is_staff_member(wuxi_institution)
    assert scope.is_staff_member(wuxi_officer) and not scope.is_institution(wuxi_officer)
    assert scope.is_expert(expert)
    assert scope.is_system_admin(sysadmin) and not scope.has_case_data(sysadmin)
    assert scope.is_security_admin(security_admin) and not scope.has_case_data(security_admin)
    assert scope.is_audit_admin(audit_admin) and not scope.has_case_data(audit_admin)
    assert scope.has_case_data(inspector)


def test_a_superuser_is_a_system_admin_without_case_data(wuxi_officer):
    wuxi_officer.is_superuser = True
    assert scope.is_system_admin(wuxi_officer)
    assert not scope.is_staff_member(wuxi_officer)
    assert scope.case_scope_q(wuxi_officer) is None


def test_region_q_is_the_region_and_below_with_a_path_boundary():
    cq = Region.objects.get(code="500000")
    wuxi = Region.objects.get(code="500238")
    under_cq = set(Region.objects.filter(scope.region_q(cq, "")).values_list("code", flat=True))
    assert {"500000", "500238", "500101"} <= under_cq and "520000" not in under_cq
    assert set(Region.objects.filter(scope.region_q(wuxi, "")).values_list("code", flat=True)) == {"500238"}
    # the same test in Python, and through an authority
    assert scope.region_contains(cq, wuxi) and not scope.region_contains(wuxi, cq)
    assert scope.region_contains(Authority.objects.get(code="hrss-500000"), wuxi)
    # "34" must not contain "340000"-like siblings by string prefix alone
    fake = Region(code="5000001", path="500000/5002381", level="county")
    assert not scope.region_contains(wuxi, fake)


def test_supervises_and_ensure_supervises(wuxi_institution, wuxi_officer, guizhou_officer):
    application = testing.make_complete_draft(wuxi_institution)
    assert scope.supervises(wuxi_officer, application)
    assert not scope.supervises(guizhou_officer, application)
    assert not scope.supervises(wuxi_institution, application)
    scope.ensure_supervises(wuxi_officer, application)
    with pytest.raises(Http404):
        scope.ensure_supervises(guizhou_officer, application)


def test_case_scope_q(wuxi_institution, wuxi_officer, guizhou_officer):
    application = testing.make_complete_draft(wuxi_institution)
    qs = Application.objects.filter(pk=application.pk)
    assert qs.filter(scope.case_scope_q(wuxi_institution)).exists()
    assert qs.filter(scope.case_scope_q(wuxi_officer)).exists()
    assert not qs.filter(scope.case_scope_q(guizhou_officer)).exists()


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("wuxi_institution", "我的申请", "待办工作"),
        ("wuxi_officer", "待办工作", "我的申请"),
        ("expert", "评估任务", "待办工作"),
        ("sysadmin", "系统管理", "证书管理"),
        ("audit_admin", "审计记录", "系统管理"),
        ("security_admin", "安全管理", "审计记录"),
    ],
)
def test_the_navigation_follows_the_role_flags(client, request, who, shown, hidden):
    client.force_login(request.getfixturevalue(who))
    html = client.get("/directory/").content.decode()
    nav = html[html.index('class="main-nav"') : html.index("</nav>")]
    assert shown in nav and hidden not in nav
