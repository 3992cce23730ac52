"""``manage.py demo_security``: runs in the local demo with DEBUG off (scripts/run, issue 11 item 7), refused
elsewhere; its writes are in ``accounts.demo`` (commands reach the ORM only through services)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.core import testing

pytestmark = pytest.mark.django_db


def test_refused_outside_a_demo(settings):
    settings.DEBUG = False
    settings.SKILLREG_LOCAL_DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_security")


def test_the_local_demo_with_debug_off_gets_its_admins_and_second_factors(settings):
    settings.DEBUG = False
    settings.SKILLREG_LOCAL_DEMO = True
    staff = testing.make_staff("demo_staff", "hrss-500238")
    out = io.StringIO()
    call_command("demo_security", stdout=out)
    text = out.getvalue()
    assert "secadmin" in text and "auditadmin" in text and "demo_staff" in text
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    call_command("demo_security", stdout=io.StringIO())  # idempotent
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
