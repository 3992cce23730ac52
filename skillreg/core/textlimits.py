"""Length limits of what people type: refused with a clear message, never cut.

Every service that stores a person's text checks it here *before* writing anything: a text longer than its limit
is a ``ValidationFailed`` with the stable code ``TEXT_TOO_LONG``, the field, and a Chinese message that says the
limit and the length typed ("退回意见不能超过 2000 字（现为 2013 字）"). Nothing is stored shortened: slicing a
person's text with ``[:N]`` is refused by ``tests/test_architecture.py::test_no_silent_truncation``.

A limit of a ``CharField`` is its column's ``max_length`` (``column_limit(Model, "field")``), so the check and the
database agree; a ``TextField`` has no column limit and its service names one (a constant next to the service).
Templates put the same number in the input's ``maxlength`` (a hint to the browser, never the only check).

Length is counted in characters (``len``), as PostgreSQL counts ``varchar(n)``: a Chinese character is one.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationFailed

TEXT_TOO_LONG = "TEXT_TOO_LONG"


def too_long_message(label: str, limit: int, length: int) -> str:
    return f"{label}不能超过 {limit} 字（现为 {length} 字）"


def keep_length(errors: list[dict[str, Any]], typed: list[Any]) -> None:
    """In schema validation errors (pydantic's, which the API answers), record ``len`` of each over-long text in
    its error's ``ctx`` — the API drops what was typed (it may be personal data) but says its length, as
    ``check_length`` does. ``errors`` and ``typed`` (each error's input) align."""
    for error, value in zip(errors, typed, strict=False):
        if error.get("type") == "string_too_long" and isinstance(value, str):
            error.setdefault("ctx", {})["length"] = len(value)


def length_error(value: str | None, *, limit: int, field: str, label: str) -> dict[str, Any] | None:
    """The error entry (``{field, message, code, limit, length}``) for a text over ``limit``, else ``None``.

    For services that collect every error of a form before raising once."""
    length = len(value or "")
    if length <= limit:
        return None
    return {
        "field": field,
        "message": too_long_message(label, limit, length),
        "code": TEXT_TOO_LONG,
        "limit": limit,
        "length": length,
    }


def check_length(value: str | None, *, limit: int, field: str, label: str) -> str:
    """``value`` (``""`` for ``None``) unchanged when it fits, else ``ValidationFailed(TEXT_TOO_LONG)``."""
    error = length_error(value, limit=limit, field=field, label=label)
    if error is not None:
        raise ValidationFailed(error["message"], code=TEXT_TOO_LONG, field=field, limit=limit, length=error["length"])
    return value or ""


def raise_length_errors(errors: list[dict[str, Any]], message: str = "有内容超过长度上限，请按提示修改") -> None:
    """Raise one ``ValidationFailed(TEXT_TOO_LONG)`` carrying every entry of ``errors`` (none: nothing)."""
    if not errors:
        return
    first = errors[0]
    raise ValidationFailed(
        first["message"] if len(errors) == 1 else message, code=TEXT_TOO_LONG, field=first["field"], errors=errors
    )


def column_limit(model: Any, field_name: str) -> int:
    """The ``max_length`` of ``model.field_name`` (a ``CharField``): the limit its service checks."""
    limit = model._meta.get_field(field_name).max_length
    if not limit:
        raise LookupError(f"{model.__name__}.{field_name} has no max_length")
    return int(limit)
