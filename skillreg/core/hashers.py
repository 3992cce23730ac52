"""Password hashing with PBKDF2 over HMAC-SM3 (GB/T 32905-2016, GM/T 0091 style PBKDF).

``cryptography`` carries its own OpenSSL with SM3, so this works whether or not the system's ``hashlib`` has
"sm3". Encoded as ``pbkdf2_sm3$<iterations>$<salt>$<base64 hash>``; Django's ``PBKDF2PasswordHasher`` does the
rest (constant-time verify, ``must_update`` when the iteration count changes, ``harden_runtime``).
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.encoding import force_bytes


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"
    digest = None  # type: ignore[assignment]  # the derivation below does not use hashlib

    @property
    def iterations(self) -> int:  # type: ignore[override]
        return int(settings.SKILLREG_PASSWORD_ITERATIONS)

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)  # type: ignore[attr-defined]
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(algorithm=hashes.SM3(), length=32, salt=force_bytes(salt), iterations=iterations)
        derived = base64.b64encode(kdf.derive(force_bytes(password))).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${derived}"
