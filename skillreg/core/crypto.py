"""Personal-data protection: SM4-GCM encryption, HMAC-SM3 blind indexes, masking.

Keys come from a KeyProvider so that a certified crypto device (密码机) can replace the software
key without touching callers. Ciphertext layout (text, for portability across SQLite/PostgreSQL):
``sm4gcm:v1:<key_id>:<base64(nonce 12 | ciphertext | tag 16)>``.
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

PREFIX = "sm4gcm"


class KeyProvider(Protocol):
    def current_key_id(self) -> str: ...
    def data_key(self, key_id: str) -> bytes: ...
    def index_key(self) -> bytes: ...
    def audit_key(self) -> bytes: ...


class SettingsKeyProvider:
    """Software keys from settings/environment (hex). Key id "k1" is the configured data key."""

    def current_key_id(self) -> str:
        return "k1"

    def data_key(self, key_id: str) -> bytes:
        if key_id != "k1":
            raise DecryptionError(f"未知的密钥编号 {key_id}")
        return _hex_key(settings.SKILLREG_DATA_KEY, "SKILLREG_DATA_KEY")

    def index_key(self) -> bytes:
        return _hex_key(settings.SKILLREG_INDEX_KEY, "SKILLREG_INDEX_KEY")

    def audit_key(self) -> bytes:
        return _hex_key(settings.SKILLREG_AUDIT_KEY, "SKILLREG_AUDIT_KEY")


class DecryptionError(Exception):
    pass


def _hex_key(value: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be hex") from exc
    if len(key) != 16:
        raise ValueError(f"{name} must be 16 bytes (32 hex digits) for SM4")
    return key


@lru_cache(maxsize=1)
def provider() -> KeyProvider:
    return SettingsKeyProvider()


def encrypt(plaintext: str, *, aad: str) -> str:
    p = provider()
    key_id = p.current_key_id()
    nonce = os.urandom(12)
    enc = Cipher(algorithms.SM4(p.data_key(key_id)), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad.encode())
    body = enc.update(plaintext.encode()) + enc.finalize()
    return f"{PREFIX}:v1:{key_id}:" + base64.b64encode(nonce + body + enc.tag).decode()


def decrypt(token: str, *, aad: str) -> str:
    try:
        prefix, version, key_id, b64 = token.split(":", 3)
    except ValueError as exc:
        raise DecryptionError("密文格式错误") from exc
    if prefix != PREFIX or version != "v1":
        raise DecryptionError("密文格式错误")
    raw = base64.b64decode(b64)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(provider().data_key(key_id)), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad.encode())
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("密文校验失败（可能被篡改或绑定位置不符）") from exc


def hmac_sm3(key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def blind_index(value: str, *, purpose: str) -> str:
    """Deterministic keyed index for exact search on an encrypted column."""
    normalised = value.strip().upper()
    return hmac_sm3(provider().index_key(), f"{purpose}:{normalised}".encode())


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
