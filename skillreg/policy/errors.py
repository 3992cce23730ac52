"""Typed errors of the policy core. Messages are for people (Simplified Chinese)."""

from __future__ import annotations

from typing import Any


class PolicyError(Exception):
    """Base error: a stable machine code, a Chinese message and the offending field."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None, details: list[Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            out["details"] = self.details
        return out

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ProfileError(PolicyError):
    status = 422


class RegionError(PolicyError):
    pass


class DateError(PolicyError):
    pass


class PackError(PolicyError):
    """A rule pack is invalid. ``details`` holds every problem found as 'location: message'."""

    def __str__(self) -> str:
        return self.message
