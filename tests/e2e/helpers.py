"""Helpers for browser tests: sign in (with the second factor where the role needs one) and out.

Staff and administrators must pass a TOTP code after the password (issue 5). ``login`` enrols an
authenticator on the first sign-in, reading the secret off the page as a person would type it into the app,
and enters a fresh code on every later one.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from skillreg.core import testing


def login(page, username: str, password: str = testing.PASSWORD) -> None:
    """Sign in with the password and, for staff, the second factor: enrol an authenticator the first time
    (reading the secret off the page, as a person would type it into the app), then a code each time."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
    if "/accounts/otp/setup/" in page.url:
        expect(page.locator("#otp-qr svg")).to_be_visible()
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        page.fill("#id_token", totp_from_secret(secret))
        page.click("main form button[type=submit]")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        page.click("text=我已保存，继续")
    elif "/accounts/otp/" in page.url:
        # a new time step for each sign-in: the test signs in more often than every 30 seconds, and a code is
        # never accepted twice (django-otp remembers the last step used)
        TOTPDevice.objects.filter(user__username=username).update(last_t=-1)
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_token", testing.totp_code(device))
        page.click("#otp-form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/(otp|login)/"))


def totp_from_secret(secret: str) -> str:
    import base64

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(secret))
    return f"{totp.token():06d}"


def logout(page) -> None:
    page.click("header form button")
