"""Typed domain errors: a stable machine code for the API and a Chinese message for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user can cause. Nothing is written when one is raised in a service."""

    code = "DOMAIN_ERROR"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **details: Any):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details

    def __str__(self) -> str:
        items = [
            i.get("message", "") if isinstance(i, dict) else str(i)
            for key in ("errors", "missing", "items")
            for i in (self.details.get(key) or [])
        ]
        return self.message + (("：" + "；".join(items)) if items else "")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.details:
            data["details"] = self.details
        return data


class ValidationFailed(DomainError):
    code = "VALIDATION_FAILED"
    status = 422


class TransitionNotAllowed(DomainError):
    code = "TRANSITION_NOT_ALLOWED"
    status = 409


class ConcurrentChange(DomainError):
    """Someone else changed the object first (e.g. two staff deciding one case)."""

    code = "CONCURRENT_CHANGE"
    status = 409


class PermissionDeniedError(DomainError):
    code = "PERMISSION_DENIED"
    status = 403


class NotFound(DomainError):
    code = "NOT_FOUND"
    status = 404
