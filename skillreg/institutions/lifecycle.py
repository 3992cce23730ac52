"""The lifecycle of a filed institution: which action moves a filing from which statuses to which.

Pure data, shaped like ``applications.workflow``. ``institutions.status.filing_transition`` is the only
code that changes ``Filing.status``, and only through ``check_transition``. Actors: staff (of the filing
authority or above it), applicant (the institution, through its change / renewal / exit application),
system (the statutory-clock sweep).

States (docs/decisions.md, "Lifecycle (issue 10)"):
  active           filed and valid
  expiring         valid, the renewal window is open (CQ-14: apply at least 30 days before expiry)
  renewal_pending  a renewal application is being handled (CQ-14, GZ-8..12)
  rectifying       ordered to rectify; no evaluation activity (CQ-30)
  wrap_up          evaluation qualification ended (voluntary GZ-13, automatic GZ-14, ordered GZ-15); the
                   institution finishes certificate-data reporting and archiving
  terminated       wrap-up done; out of the catalogue (GZ-16)
  cancelled        filing cancelled after a failed rectification or a serious violation (CQ-30)
"""

from __future__ import annotations

from dataclasses import dataclass

from skillreg.core.errors import TransitionNotAllowed

from .models import FilingStatus

S = FilingStatus

# A filing in one of these may evaluate and certify (subject to its scope and rectification periods).
LIVE = frozenset({S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING, S.RECTIFYING})
# Valid and not under rectification.
IN_GOOD_STANDING = frozenset({S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING})
ENDED = frozenset({S.WRAP_UP, S.TERMINATED, S.CANCELLED})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: frozenset[str]  # one target, or several where the service decides (e.g. back from rectifying)
    actor: str  # staff | applicant | system
    label: str
    rule: str = ""

    @property
    def target(self) -> str | None:
        return next(iter(self.targets)) if len(self.targets) == 1 else None


def _t(action: str, sources: set[S], targets: set[S], actor: str, label: str, rule: str = "") -> Transition:
    return Transition(
        action, frozenset(s.value for s in sources), frozenset(t.value for t in targets), actor, label, rule
    )


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("open_renewal_window", {S.ACTIVE}, {S.EXPIRING}, "system", "进入延续申请期", "CQ-14"),
        _t(
            "apply_renewal",
            {S.ACTIVE, S.EXPIRING},
            {S.RENEWAL_PENDING},
            "applicant",
            "提交延续申请",
            "CQ-14",
        ),
        _t("renew", {S.RENEWAL_PENDING}, {S.ACTIVE}, "staff", "准予延续", "CQ-14"),
        # A renewal that did not succeed while the old validity still runs: back to the window.
        _t("renewal_ended", {S.RENEWAL_PENDING}, {S.ACTIVE, S.EXPIRING}, "system", "延续申请办结未获延续", "CQ-14"),
        _t(
            "order_rectification",
            {S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING},
            {S.RECTIFYING},
            "staff",
            "责令整改",
            "CQ-30",
        ),
        _t(
            "close_rectification",
            {S.RECTIFYING},
            {S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING},
            "staff",
            "整改结束",
            "CQ-30",
        ),
        _t(
            "expire",
            {S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING, S.RECTIFYING},
            {S.WRAP_UP},
            "system",
            "有效期满未延续，评价资格自动终止",
            "GZ-14",
        ),
        _t(
            "exit_voluntary",
            {S.ACTIVE, S.EXPIRING, S.RECTIFYING},
            {S.WRAP_UP},
            "system",
            "自愿终止评价活动",
            "GZ-13",
        ),
        _t(
            "order_exit",
            {S.ACTIVE, S.EXPIRING, S.RENEWAL_PENDING, S.RECTIFYING},
            {S.WRAP_UP},
            "staff",
            "责令终止评价活动",
            "GZ-15",
        ),
        _t("complete_wrap_up", {S.WRAP_UP}, {S.TERMINATED}, "staff", "收尾工作完成，终止备案", "GZ-16"),
        _t("cancel", {S.RECTIFYING}, {S.CANCELLED}, "staff", "注销备案", "CQ-30"),
    ]
}


def check_transition(action: str, current: str, target: str | None = None) -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionNotAllowed(f"未知的操作：{action}", code="UNKNOWN_ACTION")
    if current not in t.sources:
        raise TransitionNotAllowed(
            f"机构当前状态为“{FilingStatus(current).label}”，不能执行“{t.label}”",
            code="FILING_TRANSITION_NOT_ALLOWED",
            details_from=current,
        )
    chosen = target or t.target
    if chosen is None or chosen not in t.targets:
        raise TransitionNotAllowed(f"“{t.label}”的目标状态不正确", code="FILING_TARGET_INVALID")
    return t


def allowed_actions(current: str, actor: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if current in t.sources and t.actor == actor]
