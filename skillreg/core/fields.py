"""Model field that keeps personal data encrypted at rest (SM4-GCM), bound to its column."""

from __future__ import annotations

from typing import Any

from django.db import models

from skillreg.core import crypto


class EncryptedTextField(models.TextField):
    """Stores ``crypto.encrypt(value, aad="<app_label>.<model>.<field>")``; Python side sees plain text.

    The associated data binds a ciphertext to its column: a value copied into another column or
    table fails authentication instead of decrypting.
    """

    def _aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, aad=self._aad())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
            return value
        return crypto.encrypt(str(value), aad=self._aad())
