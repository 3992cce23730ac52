"""TOTP secrets sealed with the data key (issue 12, item 17).

django-otp keeps a device's secret as hex in ``otp_totp_totpdevice.key``: anyone reading the database (or a
dump) could compute every staff member's codes. skillreg stores ``s1:<key id>:<base64(nonce · SM4-GCM
ciphertext · tag)>`` instead, bound to the user (associated data ``otp_totp.totpdevice.key#<user id>``), and
teaches ``TOTPDevice.bin_key`` to open it (installed in ``AccountsConfig.ready``). Plain hex keys (devices made
before, and by the test builders) still work; migration ``accounts.0006`` seals the existing ones.
"""

from __future__ import annotations

import base64
import os
from binascii import unhexlify
from typing import Any

from skillreg.core import crypto

PREFIX = "s1:"


def _aad(user_id: Any) -> bytes:
    return f"otp_totp.totpdevice.key#{user_id}".encode()


def is_sealed(value: str) -> bool:
    return (value or "").startswith(PREFIX)


def seal(hex_key: str, user_id: Any) -> str:
    """The stored form of a hex key (already sealed: unchanged)."""
    if is_sealed(hex_key):
        return hex_key
    provider = crypto.provider()
    key_id = provider.current_key_id()
    nonce = os.urandom(12)
    body = provider.sm4_gcm_encrypt(key_id, nonce, unhexlify(hex_key.encode()), _aad(user_id))
    return f"{PREFIX}{key_id}:" + base64.b64encode(nonce + body).decode()


def unseal(value: str, user_id: Any) -> bytes:
    if not is_sealed(value):
        return unhexlify(value.encode())
    key_id, _, b64 = value[len(PREFIX) :].partition(":")
    raw = base64.b64decode(b64)
    return crypto.provider().sm4_gcm_decrypt(key_id, raw[:12], raw[12:], _aad(user_id))


def install() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def bin_key(self: Any) -> bytes:
        return unseal(self.key, self.user_id)

    TOTPDevice.bin_key = property(bin_key)  # type: ignore[method-assign,assignment]
