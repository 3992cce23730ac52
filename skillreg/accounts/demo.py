"""Demo only: the security and audit administrators (三员分立) and second factors for every demo login that
needs one, returned so that ``manage.py demo_security`` can print them (no phone to enrol in the demo)."""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import otp_required
from .models import Role
from .services import _new_recovery_codes

ADMINS = [
    ("secadmin", Role.SECURITY_ADMIN, "安全管理员（演示）"),
    ("auditadmin", Role.AUDIT_ADMIN, "审计管理员（演示）"),
]


def demo_security_load(*, password: str) -> list[tuple[str, str, list[str]]]:
    """Create the demo administrators (once) and a confirmed TOTP device for every login that needs one.
    Returns (username, base32 secret, recovery codes) per such login."""
    User = get_user_model()
    for username, role, name in ADMINS:
        if not User.objects.filter(username=username).exists():
            user = User(username=username, role=role, display_name=name)
            user.set_password(password)
            user.save()
    out = []
    for user in User.objects.order_by("role", "username"):
        if not otp_required(user):
            continue
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="演示", confirmed=True)
        codes = _new_recovery_codes(user)  # stored as digests: new codes each run
        out.append((user.username, b32encode(device.bin_key).decode(), codes))
    return out
