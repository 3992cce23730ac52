"""The annual report's state machine as a pure table: which action moves which status where, and who may do it."""

from __future__ import annotations

# action → (from statuses, to status, who: "institution" | "staff")
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted", "institution"),
    "return": (frozenset({"submitted"}), "returned", "staff"),
    "accept": (frozenset({"submitted"}), "accepted", "staff"),
}

ACTION_LABELS = {"create": "起草", "submit": "报送", "return": "退回修改", "accept": "接收"}

EDITABLE = frozenset({"draft", "returned"})


def allowed(action: str, status: str) -> bool:
    spec = TRANSITIONS.get(action)
    return spec is not None and status in spec[0]
