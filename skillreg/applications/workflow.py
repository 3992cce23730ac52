"""The review state machine: which action moves an application from which states to which.

Pure data. ``services`` is the only code that changes ``Application.state``, and only through
``check_transition``. Actors: applicant (institution user of the unit), staff (of the authority
currently handling the case), system (statutory clock, see the statutory-clock issue).
"""

from __future__ import annotations

from dataclasses import dataclass

from skillreg.core.errors import TransitionNotAllowed

from .models import State


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the service decides (e.g. forward keeps the state)
    actor: str  # applicant | staff | system
    label: str
    rule: str = ""


def _t(action: str, sources: set[State], target: State | None, actor: str, label: str, rule: str = "") -> Transition:
    return Transition(action, frozenset(s.value for s in sources), target.value if target else None, actor, label, rule)


S = State
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {S.DRAFT}, S.SUBMITTED, "applicant", "提交申请", "CQ-9"),
        _t(
            "request_supplement",
            {S.SUBMITTED, S.RESUBMITTED},
            S.SUPPLEMENT_REQUESTED,
            "staff",
            "一次性告知补正",
            "CQ-10",
        ),
        _t("resubmit", {S.SUPPLEMENT_REQUESTED}, S.RESUBMITTED, "applicant", "提交补正材料", "CQ-10"),
        _t("accept", {S.SUBMITTED, S.RESUBMITTED}, S.ACCEPTED, "staff", "受理", "CQ-10"),
        _t("refuse_acceptance", {S.SUBMITTED, S.RESUBMITTED}, S.NOT_ACCEPTED, "staff", "不予受理", "CQ-10"),
        _t("assign_assessment", {S.ACCEPTED, S.UNDER_EVALUATION}, S.UNDER_EVALUATION, "staff", "安排技术评估", "CQ-11"),
        _t("forward", {S.ACCEPTED, S.UNDER_EVALUATION}, S.UNDER_EVALUATION, "staff", "审核通过，报送上级", "HN-1"),
        _t("start_publicity", {S.UNDER_EVALUATION}, S.PUBLICITY, "staff", "择优遴选并公示", "CQ-11"),
        _t("close_publicity", {S.PUBLICITY}, S.UNDER_EVALUATION, "staff", "公示期满", "CQ-11"),
        _t("file", {S.UNDER_EVALUATION}, S.FILED, "staff", "予以备案", "CQ-11"),
        _t("refuse", {S.UNDER_EVALUATION, S.PUBLICITY}, S.REFUSED, "staff", "不予备案", "CQ-11"),
        _t(
            "withdraw",
            {S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED, S.ACCEPTED, S.UNDER_EVALUATION, S.PUBLICITY},
            S.WITHDRAWN,
            "applicant",
            "撤回申请",
        ),
        _t(
            "deem_accepted",
            {S.SUBMITTED, S.RESUBMITTED},
            S.ACCEPTED,
            "system",
            "逾期未作出不予受理决定，视为受理",
            "CQ-10",
        ),
        _t("deem_abandoned", {S.SUPPLEMENT_REQUESTED}, S.ABANDONED, "system", "逾期未补正，视为放弃申请", "CQ-10"),
    ]
}


def check_transition(action: str, current: str) -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionNotAllowed(f"未知的操作：{action}", code="UNKNOWN_ACTION")
    if current not in t.sources:
        raise TransitionNotAllowed(
            f"当前状态为“{State(current).label}”，不能执行“{t.label}”",
            details_from=current,
        )
    return t


def allowed_actions(current: str, actor: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if current in t.sources and t.actor == actor]
