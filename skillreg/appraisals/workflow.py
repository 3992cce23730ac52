"""The periodic evaluation's states (pure table): a draft is scored, then confirmed once; a confirmed result is
final (a correction is a new reading recorded in the audit trail, not an edit)."""

from __future__ import annotations

DRAFT = "draft"
CONFIRMED = "confirmed"
TRANSITIONS: dict[str, set[str]] = {DRAFT: {CONFIRMED}, CONFIRMED: set()}


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())
