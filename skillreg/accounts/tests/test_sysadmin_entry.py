"""Issue 11 item 8: /sysadmin/ for a signed-in user who is not the system administrator looped between the
admin's login and ours (ERR_TOO_MANY_REDIRECTS). Now: a Chinese 403, no loop; anonymous still goes to login."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["audit_admin", "security_admin", "wuxi_officer", "wuxi_institution", "expert"])
def test_signed_in_non_admin_gets_a_403_page_not_a_redirect_loop(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/sysadmin/", follow=True)  # RedirectCycleError before the fix
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
    assert "无权访问" in response.content.decode()


def test_admin_without_is_staff_does_not_loop_either(client, sysadmin):
    sysadmin.is_staff = False
    sysadmin.save()
    client.force_login(sysadmin)
    assert client.get("/sysadmin/", follow=True).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/sysadmin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_the_system_administrator_gets_in(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get("/sysadmin/").status_code == 200


def test_the_django_admin_holds_no_case_or_certificate_data():
    """Issue 12 item 2: /sysadmin/ manages users and authorities only; case and certificate data are written by
    the lifecycle and registry services with an authority, never through the admin (superuser included)."""
    from django.contrib import admin

    registered = {m._meta.label for m in admin.site._registry}
    assert registered <= {"accounts.User", "accounts.Authority", "auth.Group"}, registered
