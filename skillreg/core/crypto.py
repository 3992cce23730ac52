"""Personal-data protection: SM4-GCM encryption, HMAC-SM3 blind indexes and audit MACs, masking.

Every cryptographic operation goes through a ``KeyProvider`` (``settings.SKILLREG_KEY_PROVIDER``), so that a
certified crypto device (密码机, GM/T 0018 SDF interface) can replace the software keys without touching
callers: its adapter implements the four operations below inside the device and never exports a key.

Ciphertext layout (text, portable across SQLite/PostgreSQL):
``sm4gcm:<version>:<key_id>:<base64(nonce 12 | ciphertext | tag 16)>``. The version says what the associated
data binds: ``v1`` the column ("app.model.field"), ``v2`` the column and the row ("app.model.field#<row uuid>",
``skillreg.core.fields``). Both stay readable; ``manage.py pii rekey`` rewrites everything as v2 under the
current key.
"""

from __future__ import annotations

import base64
import os
import re
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

PREFIX = "sm4gcm"
VERSIONS = ("v1", "v2")
CURRENT_VERSION = "v2"


class DecryptionError(Exception):
    pass


class KeyProvider(Protocol):
    """What skillreg needs from a key store. Key ids are short names ("k1") kept in each ciphertext."""

    def current_key_id(self) -> str: ...
    def sm4_gcm_encrypt(self, key_id: str, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes: ...
    def sm4_gcm_decrypt(self, key_id: str, nonce: bytes, ciphertext_and_tag: bytes, aad: bytes) -> bytes: ...
    def hmac_sm3(self, key_name: str, data: bytes) -> str:
        """``key_name`` is "index" (blind indexes) or "audit" (the audit chain); returns hex."""
        ...


def _hex_key(value: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be hex") from exc
    if len(key) != 16:
        raise ValueError(f"{name} must be 16 bytes (32 hex digits) for SM4")
    return key


def hmac_sm3_raw(key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


class SoftwareKeyProvider:
    """SM4-GCM and HMAC-SM3 in software (``cryptography``) over keys this process holds."""

    def data_keys(self) -> dict[str, bytes]:
        raise NotImplementedError

    def mac_key(self, key_name: str) -> bytes:
        raise NotImplementedError

    def current_key_id(self) -> str:
        raise NotImplementedError

    def _data_key(self, key_id: str) -> bytes:
        try:
            return self.data_keys()[key_id]
        except KeyError:
            raise DecryptionError(f"未知的密钥编号 {key_id}") from None

    def sm4_gcm_encrypt(self, key_id: str, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        enc = Cipher(algorithms.SM4(self._data_key(key_id)), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(plaintext) + enc.finalize() + enc.tag

    def sm4_gcm_decrypt(self, key_id: str, nonce: bytes, ciphertext_and_tag: bytes, aad: bytes) -> bytes:
        body, tag = ciphertext_and_tag[:-16], ciphertext_and_tag[-16:]
        dec = Cipher(algorithms.SM4(self._data_key(key_id)), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(aad)
        try:
            return dec.update(body) + dec.finalize()
        except InvalidTag as exc:
            raise DecryptionError("密文校验失败（可能被篡改或绑定位置不符）") from exc

    def hmac_sm3(self, key_name: str, data: bytes) -> str:
        return hmac_sm3_raw(self.mac_key(key_name), data)


class SettingsKeyProvider(SoftwareKeyProvider):
    """Software keys from settings/environment (hex).

    ``SKILLREG_DATA_KEY`` is the current data key, named ``SKILLREG_DATA_KEY_ID`` (default "k1");
    ``SKILLREG_OLD_DATA_KEYS`` ("k0:hex,…") keeps retired keys readable until ``pii rekey`` has run.
    """

    def current_key_id(self) -> str:
        return settings.SKILLREG_DATA_KEY_ID

    def data_keys(self) -> dict[str, bytes]:
        keys = {}
        for item in (settings.SKILLREG_OLD_DATA_KEYS or "").split(","):
            if item.strip():
                key_id, _, value = item.strip().partition(":")
                keys[key_id] = _hex_key(value, f"SKILLREG_OLD_DATA_KEYS[{key_id}]")
        keys[self.current_key_id()] = _hex_key(settings.SKILLREG_DATA_KEY, "SKILLREG_DATA_KEY")
        return keys

    def mac_key(self, key_name: str) -> bytes:
        name = {"index": "SKILLREG_INDEX_KEY", "audit": "SKILLREG_AUDIT_KEY"}[key_name]
        return _hex_key(getattr(settings, name), name)


@lru_cache(maxsize=1)
def provider() -> KeyProvider:
    return import_string(settings.SKILLREG_KEY_PROVIDER)()


def _reset_provider(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("SKILLREG_") and "KEY" in setting:
        provider.cache_clear()


setting_changed.connect(_reset_provider)


def encrypt(plaintext: str, *, aad: str, version: str = "v1") -> str:
    p = provider()
    key_id = p.current_key_id()
    nonce = os.urandom(12)
    body = p.sm4_gcm_encrypt(key_id, nonce, plaintext.encode(), aad.encode())
    return f"{PREFIX}:{version}:{key_id}:" + base64.b64encode(nonce + body).decode()


def parse(token: str) -> tuple[str, str, bytes]:
    """(version, key_id, raw) of a ciphertext, or DecryptionError."""
    try:
        prefix, version, key_id, b64 = token.split(":", 3)
        raw = base64.b64decode(b64, validate=True)
    except ValueError as exc:
        raise DecryptionError("密文格式错误") from exc
    if prefix != PREFIX or version not in VERSIONS or len(raw) < 12 + 16:
        raise DecryptionError("密文格式错误")
    return version, key_id, raw


def token_version(token: str) -> str:
    return parse(token)[0]


def token_key_id(token: str) -> str:
    return parse(token)[1]


def decrypt(token: str, *, aad: str) -> str:
    _version, key_id, raw = parse(token)
    return provider().sm4_gcm_decrypt(key_id, raw[:12], raw[12:], aad.encode()).decode()


def hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC-SM3 with an explicit key (kept for callers that hold their own key)."""
    return hmac_sm3_raw(key, data)


def audit_mac(data: bytes) -> str:
    return provider().hmac_sm3("audit", data)


def normalise(value: str, *, purpose: str) -> str:
    value = re.sub(r"[\s-]+", "", value or "")
    return value.upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Deterministic keyed index for exact search on an encrypted column. ``purpose`` ("id_number", "phone")
    is part of the input, so equal values of different kinds never share an index."""
    return provider().hmac_sm3("index", f"{purpose}:{normalise(value, purpose=purpose)}".encode())


def mask_id_number(value: str) -> str:
    """110101********1234 — first 6 and last 4 kept."""
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str) -> str:
    """138****8000 for mobiles; landlines keep the area code and the last 4 digits."""
    v = re.sub(r"\s+", "", value)
    if len(v) == 11 and v.isdigit():
        return v[:3] + "****" + v[-4:]
    if len(v) > 4:
        return v[:-4][: max(len(v) - 8, 0)] + "*" * min(4, len(v) - 4) + v[-4:]
    return "*" * len(v)
