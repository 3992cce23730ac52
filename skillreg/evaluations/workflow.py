"""The evaluation plan's state machine: the pure table of allowed transitions and ``plan_transition``, the one
writer of ``EvaluationPlan.status`` (registered in tests/test_architecture.py::STATUS_WRITERS).

draft → reported (the institution reports it) → acknowledged (staff) or returned (staff, with reasons) →
reported again …; acknowledged → results_filed (the institution files results and roster) → results_accepted
or results_returned (staff) → results_filed again …; results_accepted → closed. A plan not yet held can be
withdrawn by the institution.
"""

from __future__ import annotations

from typing import Any

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import TransitionNotAllowed

from .models import EvaluationPlan, PlanStatus, PlanStatusChange

S = PlanStatus
TRANSITIONS: dict[str, dict[str, str]] = {
    "report": {S.DRAFT: S.REPORTED, S.RETURNED: S.REPORTED},
    "acknowledge": {S.REPORTED: S.ACKNOWLEDGED},
    "return": {S.REPORTED: S.RETURNED},
    "withdraw": {S.DRAFT: S.WITHDRAWN, S.REPORTED: S.WITHDRAWN, S.RETURNED: S.WITHDRAWN, S.ACKNOWLEDGED: S.WITHDRAWN},
    "file_results": {S.ACKNOWLEDGED: S.RESULTS_FILED, S.RESULTS_RETURNED: S.RESULTS_FILED},
    "accept_results": {S.RESULTS_FILED: S.RESULTS_ACCEPTED},
    "return_results": {S.RESULTS_FILED: S.RESULTS_RETURNED},
    "close": {S.RESULTS_ACCEPTED: S.CLOSED},
}
ACTION_LABELS = {
    "report": "报备评价计划",
    "acknowledge": "确认评价计划",
    "return": "退回评价计划",
    "withdraw": "撤回评价计划",
    "file_results": "报备评价结果",
    "accept_results": "确认评价结果",
    "return_results": "退回评价结果",
    "close": "评价计划结束",
}
REFUSALS = {
    "file_results": "该评价计划的结果已报备（或计划尚未确认），不能重复报备",
    "report": "该评价计划已报备，不能重复报备",
}


def next_status(status: str, action: str) -> str | None:
    return TRANSITIONS.get(action, {}).get(status)


def allowed_actions(status: str) -> list[str]:
    return [a for a, table in TRANSITIONS.items() if status in table]


def plan_transition(
    *,
    plan: EvaluationPlan,
    action: str,
    actor: Any,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    audit_after: dict[str, Any] | None = None,
    rule: str = "",
) -> EvaluationPlan:
    """Move a plan (already locked by the caller, inside its transaction) by ``action``; write its other
    ``fields`` too, one history row and one audit record."""
    target = next_status(plan.status, action)
    if target is None:
        raise TransitionNotAllowed(
            REFUSALS.get(action, f"评价计划当前状态为“{plan.get_status_display()}”，不能{ACTION_LABELS[action]}"),
            code="PLAN_TRANSITION_NOT_ALLOWED",
        )
    before = plan.status
    plan.status = target
    update = ["status"]
    for name, value in (fields or {}).items():
        setattr(plan, name, value)
        update.append(name)
    plan.save(update_fields=update)
    PlanStatusChange.objects.create(
        plan=plan,
        action=action,
        from_status=before,
        to_status=target,
        reason=reason,
        at=clock.now(),
        actor=None if isinstance(actor, str) else actor,
    )
    audit_record(
        actor=actor,
        action=f"evaluation.plan.{action}",
        obj=plan,
        summary=f"{ACTION_LABELS[action]} {plan.number}" + (f"：{reason}" if reason else ""),
        before={"status": before},
        after={"status": target, **({"reason": reason} if reason else {}), **(audit_after or {})},
        rule=rule,
    )
    return plan
