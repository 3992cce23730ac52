"""TOTP secrets sealed with the data key (issue 12, item 17).

django-otp keeps a device's secret as hex in ``otp_totp_totpdevice.key``: anyone reading the database (or a
dump) could compute every staff member's codes. skillreg stores ``s1:<key id>:<base64(nonce · SM4-GCM
ciphertext · tag)>`` instead, bound to the user (associated data ``otp_totp.totpdevice.key#<user id>``), and
teaches ``TOTPDevice.bin_key`` to open it; a ``pre_save`` hook seals a plain key whoever saves the device (both
installed in ``AccountsConfig.ready``). Plain hex keys still open; migration ``accounts.0006`` seals existing ones.
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


def _seal_before_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Storage encoding of the key column, like an encrypted field's: whoever creates a device (enrolment, the
    demo, test builders), its secret is never written in clear."""
    if instance.key and not is_sealed(instance.key) and instance.user_id:
        instance.key = seal(instance.key, instance.user_id)


def install() -> None:
    from django.db.models.signals import pre_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def bin_key(self: Any) -> bytes:
        return unseal(self.key, self.user_id)

    TOTPDevice.bin_key = property(bin_key)  # type: ignore[method-assign,assignment]
    pre_save.connect(_seal_before_save, sender=TOTPDevice, dispatch_uid="skillreg.accounts.otp_keys.seal")
