"""The two small state machines of quality supervision (pure tables; the services are their only writers).

* A supervisor on the register: 在聘 ⇄ 暂停选派, either → 已解聘 (final). Only an active supervisor is drawn.
* An assignment: 已选派 → 已提交督导报告 (the report), or 已选派 → 已回避 (a conflict found after the draw)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: str


SUPERVISOR_TRANSITIONS = {
    "suspend": Transition(("appointed",), "suspended", "暂停选派"),
    "reinstate": Transition(("suspended",), "appointed", "恢复选派"),
    "dismiss": Transition(("appointed", "suspended"), "dismissed", "解聘"),
}

ASSIGNMENT_TRANSITIONS = {
    "report": Transition(("assigned",), "report_filed", "提交督导报告"),
    "recuse": Transition(("assigned",), "recused", "回避"),
}
