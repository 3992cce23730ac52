"""Model fields that keep personal data encrypted at rest (SM4-GCM), bound to their column *and row*.

``EncryptedTextField`` stores ``crypto.encrypt(value, aad="<app>.<model>.<field>#<row uuid>", version="v2")``.
The row is the model's ``public_id`` (a UUID assigned when the object is created, before the insert), so a
ciphertext copied into another column, table *or row* fails authentication instead of decrypting. Older ``v1``
values (bound to the column only) stay readable; ``manage.py pii rekey`` rewrites them as ``v2``. A model
without ``public_id`` still works, bound to the column only (``v1``), with a system-check warning.

How it works: the database value (ciphertext) is kept on the instance as a ``_Sealed`` cell and decrypted on
first read through the field's descriptor, which knows the instance and therefore the row. A new plain value
is encrypted in ``pre_save``. Reading through ``.values()`` gives the ciphertext, never the plain text.
Querying by value (``filter(phone=…)``) or ``QuerySet.update()`` cannot work on randomised ciphertext and is
refused: search with the ``BlindIndexField`` next to the column.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from skillreg.core import crypto


class _Sealed:
    """A stored ciphertext and, once read, its plain text."""

    __slots__ = ("plain", "token")

    def __init__(self, token: str, plain: str | None = None):
        self.token = token
        self.plain = plain


class PlainText(str):
    """The plain value handed out by the descriptor; remembers the ciphertext (and row) it came from, so that
    saving an unchanged value writes the same ciphertext back instead of re-encrypting it."""

    token: str = ""
    row: str = ""


class EncryptedAttribute(DeferredAttribute):
    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if not isinstance(value, _Sealed):
            return value
        row = self.field.row_id(instance)
        if value.plain is None:
            value.plain = self.field.decrypt(value.token, row)
        text = PlainText(value.plain)
        text.token, text.row = value.token, row
        return text

    def __set__(self, instance: Any, value: Any) -> None:
        attname = self.field.attname
        if isinstance(value, PlainText) and value.token and value.row == self.field.row_id(instance):
            value = _Sealed(value.token, str(value))  # unchanged (e.g. refresh_from_db)
        elif isinstance(value, str) and not isinstance(value, PlainText) and value.startswith(crypto.PREFIX + ":"):
            value = _Sealed(value)  # a ciphertext from the database or a serialized dump
        elif isinstance(value, PlainText):
            value = str(value)  # copied from another row: encrypt afresh for this one
        instance.__dict__[attname] = value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, bind_to: str = "public_id", **kwargs: Any):
        self.bind_to = bind_to
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.bind_to != "public_id":
            kwargs["bind_to"] = self.bind_to
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not self.row_bound():
            errors.append(
                checks.Warning(
                    f"{self.column_label()} is bound to its column only: {self.model.__name__} has no "
                    f"'{self.bind_to}' UUID field, so new values are written as v1",
                    hint="Add public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False).",
                    obj=self,
                    id="skillreg.W001",
                )
            )
        return errors

    # --- binding ------------------------------------------------------------------------------
    def column_label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def row_bound(self) -> bool:
        bound = self.__dict__.get("_row_bound")
        if bound is None:
            bound = self.__dict__["_row_bound"] = any(f.name == self.bind_to for f in self.model._meta.get_fields())
        return bound

    def write_version(self) -> str:
        return crypto.CURRENT_VERSION if self.row_bound() else "v1"

    def row_id(self, instance: Any) -> str:
        return str(getattr(instance, self.bind_to, "") or "") if self.row_bound() else ""

    def aad(self, version: str, row: str) -> str:
        if version == "v1":
            return self.column_label()
        if not row:
            raise crypto.DecryptionError(f"{self.column_label()}：行标识为空，无法绑定密文")
        return f"{self.column_label()}#{row}"

    def encrypt(self, plain: str, row: str) -> str:
        version = self.write_version()
        return crypto.encrypt(plain, aad=self.aad(version, row), version=version)

    def decrypt(self, token: str, row: str) -> str:
        return crypto.decrypt(token, aad=self.aad(crypto.token_version(token), row))

    # --- Django hooks ---------------------------------------------------------------------------
    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, _Sealed):
            return value.token
        if value is None or value == "":
            return value
        plain = str(value)
        token = self.encrypt(plain, self.row_id(model_instance))
        model_instance.__dict__[self.attname] = _Sealed(token, plain)
        return token

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, _Sealed):
            return value.token
        if isinstance(value, PlainText) and value.token:
            return value.token  # raw saves (deserialization) hand the descriptor's value back
        value = super().get_prep_value(value)
        if value is None or value == "" or (isinstance(value, str) and value.startswith(crypto.PREFIX + ":")):
            return value
        raise TypeError(
            f"{self.column_label()} is encrypted with a random nonce: it cannot be compared or bulk-updated by "
            "value; assign it on an instance and save(), and search with its blind index"
        )

    def value_to_string(self, obj: Any) -> str:
        """Serialized dumps (dumpdata, backups) keep the ciphertext, never the plain text."""
        return self.pre_save(obj, add=False) or ""


class BlindIndexField(models.CharField):
    """HMAC-SM3 of the normalised plain value of ``source`` (an ``EncryptedTextField`` of the same model), for
    exact search: ``Model.objects.filter(head_id_number_bidx=blind_index(value, purpose="id_number"))``.
    Kept up to date on every save; ``manage.py pii rekey --reindex`` recomputes it after an index-key change."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any):
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        plain = getattr(model_instance, self.source)
        value = crypto.blind_index(plain, purpose=self.purpose) if plain else ""
        setattr(model_instance, self.attname, value)
        return value
