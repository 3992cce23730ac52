"""三员分立 under attack (issue 12, item 1): one system administrator alone must not be able to take over a staff
account. The attack of the penetration test was: create a security administrator in /sysadmin/, log in as it,
reset a staff member's second factor, set their password in /sysadmin/, log in as them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.accounts import services
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

ADD = "/sysadmin/accounts/user/add/"
NEW_PASSWORD = "Taken#Over2026"


def _add(client: Client, username: str, role: str):
    return client.post(
        ADD,
        {
            "username": username,
            "role": role,
            "display_name": username,
            "password1": "First#Pass2026",
            "password2": "First#Pass2026",
            "usable_password": "true",
        },
    )


def _change_data(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": "",
        "role": user.role,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }


def _set_password(client: Client, user, password: str = NEW_PASSWORD):
    return client.post(
        f"/sysadmin/accounts/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )


@pytest.fixture
def root(db):
    """The system administrator as the demo makes it: role admin, superuser (all model permissions)."""
    return testing.make_admin("root_admin", "admin", is_superuser=True)


def _both_hats():
    """An account that reaches both the admin and the security page (superuser holding the security role)."""
    user = testing.make_admin("both_hats", "security_admin", is_superuser=True)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize("role", ["security_admin", "audit_admin"])
def test_the_system_administrator_cannot_create_a_security_or_audit_administrator(client, root, role):
    client.force_login(root)
    response = _add(client, "mole", role)
    assert response.status_code == 200 and response.context["adminform"].form.errors["role"]
    assert not get_user_model().objects.filter(username="mole").exists()
    assert role not in client.get(ADD).content.decode()  # not even offered


@pytest.mark.parametrize("role", ["security_admin", "audit_admin"])
def test_the_system_administrator_cannot_promote_anyone(client, root, sysadmin, wuxi_officer, role):
    client.force_login(root)
    for target in (sysadmin, wuxi_officer):
        data = {**_change_data(target), "role": role}
        if target.authority_id:
            data["authority"] = target.authority_id
        response = client.post(f"/sysadmin/accounts/user/{target.pk}/change/", data)
        assert response.status_code == 200  # the form refuses the choice
        target.refresh_from_db()
        assert target.role not in ("security_admin", "audit_admin")


def test_the_system_administrator_cannot_change_reset_or_delete_a_security_administrator(
    client, root, security_admin, audit_admin
):
    client.force_login(root)
    for target in (security_admin, audit_admin):
        before = get_user_model().objects.get(pk=target.pk).password
        assert _set_password(client, target).status_code == 403
        changed = client.post(f"/sysadmin/accounts/user/{target.pk}/change/", {**_change_data(target), "role": "admin"})
        assert changed.status_code == 403
        assert client.post(f"/sysadmin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
        target.refresh_from_db()
        assert target.password == before and target.role in ("security_admin", "audit_admin")


def test_one_person_cannot_reset_both_the_password_and_the_second_factor(client, wuxi_officer):
    both = _both_hats()
    testing.make_otp_device(wuxi_officer)
    client.force_login(both)
    client.post(reverse("accounts:security_action", args=["otp-reset"]), {"username": "wuxi_officer"})
    assert not TOTPDevice.objects.filter(user=wuxi_officer).exists()
    before = get_user_model().objects.get(pk=wuxi_officer.pk).password
    response = _set_password(client, wuxi_officer)
    assert response.status_code == 302
    assert "另一名管理员" in client.get(response.url).content.decode(), response.url
    assert get_user_model().objects.get(pk=wuxi_officer.pk).password == before
    # and the other order, through the services
    with pytest.raises(PermissionDeniedError) as exc:
        services.password_change(user=wuxi_officer, old_password=None, new_password=NEW_PASSWORD, actor=both)
    assert exc.value.code == "TWO_PERSON_RULE"


def test_a_password_reset_blocks_the_same_person_from_resetting_the_second_factor(wuxi_officer):
    both = _both_hats()
    testing.make_otp_device(wuxi_officer)
    services.password_change(user=wuxi_officer, old_password=None, new_password=NEW_PASSWORD, actor=both)
    with pytest.raises(PermissionDeniedError) as exc:
        services.otp_reset(actor=both, username="wuxi_officer")
    assert exc.value.code == "TWO_PERSON_RULE"
    assert TOTPDevice.objects.filter(user=wuxi_officer).exists()


def test_an_account_with_both_factors_reset_is_flagged_to_the_audit_admin(
    client, root, security_admin, audit_admin, wuxi_officer
):
    testing.make_otp_device(wuxi_officer)
    admin_client = Client()
    admin_client.force_login(root)
    assert _set_password(admin_client, wuxi_officer).status_code == 302
    assert not AuditRecord.objects.filter(action="auth.account_flagged").exists()  # one factor only: no flag
    sec = Client()
    sec.force_login(security_admin)
    sec.post(reverse("accounts:security_action", args=["otp-reset"]), {"username": "wuxi_officer"})
    flag = AuditRecord.objects.get(action="auth.account_flagged", object_id=str(wuxi_officer.pk))
    assert flag.result == "flagged"
    assert flag.after == {"password_reset_by": "root_admin", "otp_reset_by": "sec_admin"}
    client.force_login(audit_admin)
    page = client.get(reverse("audit:search")).content.decode()
    assert "需核实的账户" in page and "wuxi_officer" in page


def test_the_owner_enrolling_and_changing_the_password_clears_the_pending_resets(client, sysadmin, wuxi_officer):
    services.password_change(user=wuxi_officer, old_password=None, new_password=NEW_PASSWORD, actor=sysadmin)
    wuxi_officer.refresh_from_db()
    assert wuxi_officer.password_reset_by_id == sysadmin.pk
    services.password_change(user=wuxi_officer, old_password=NEW_PASSWORD, new_password="Mine#Again2026")
    wuxi_officer.refresh_from_db()
    assert wuxi_officer.password_reset_by_id is None


def test_security_administrators_are_created_on_the_host(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("SKILLREG_NEW_ADMIN_PASSWORD", "Host#Made2026")
    call_command("admin_account", "create", "sec2", "--role", "security_admin")
    user = get_user_model().objects.get(username="sec2")
    assert user.role == "security_admin" and user.password_change_required and not user.is_staff
    assert AuditRecord.objects.filter(action="admin.add", object_id=str(user.pk)).exists()
