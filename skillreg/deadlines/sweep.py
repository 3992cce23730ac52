"""The statutory-clock sweep: ``sweep()`` — run by ``manage.py sweep`` and every 10 minutes by huey.

Set-based: every running clock of every open case is derived in two queries (``scan.running_clocks``)
and computed in Python with a per-sweep calendar cache; only the cases whose outcome is due are then
touched, each in its own transaction through a service that re-checks everything under a row lock.
Deadlines derive from case events, so a sweep that runs late catches up and one that runs twice (or
two at once) changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from skillreg.applications.models import Application
from skillreg.applications.workflow import TRANSITIONS
from skillreg.core import clock
from skillreg.institutions.exits import (
    LIVE_STATUSES,
    filing_exit_take_effect,
    filing_expire,
    filing_renewal_settle,
)
from skillreg.institutions.models import Filing
from skillreg.institutions.renewals import filing_open_renewal_window, renewal_window_due
from skillreg.notifications.services import notify
from skillreg.workcalendar.selectors import get_calendar

from . import index
from .clocks import OUTCOME_ACTIONS, DueCache
from .limits import LimitResolver
from .models import Confirmation, FilingExit
from .reminders import case_reminders, renewal_reminders, report_window_reminders
from .scan import RunningClock, running_clock, running_clocks
from .services import application_clock_outcome, confirmation_hold, confirmation_supersede, stale_reason

logger = logging.getLogger("skillreg.deadlines")


@dataclass
class SweepReport:
    today: dt.date
    dry_run: bool
    cases: int = 0
    clocks: int = 0
    deemed_accepted: list[int] = field(default_factory=list)
    deemed_abandoned: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    exits: list[int] = field(default_factory=list)
    windows: list[int] = field(default_factory=list)
    reminders: int = 0
    index_rebuilt: bool = False
    index_repaired: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data

    def lines(self) -> list[str]:
        verb = "将" if self.dry_run else "已"
        return [
            f"扫描日期：{self.today:%Y-%m-%d}{'（演练，不作任何更改）' if self.dry_run else ''}",
            f"在办案件 {self.cases} 件，运行中的期限 {self.clocks} 个",
            f"{verb}视为受理（CQ-10）：{len(self.deemed_accepted)} 件",
            f"{verb}视为放弃申请（CQ-10）：{len(self.deemed_abandoned)} 件",
            f"期限暂定、{verb}转人工确认：{len(self.held)} 件",
            f"{verb}失效的待确认事项：{len(self.superseded)} 件",
            f"有效期届满{verb}自动终止：{len(self.expired)} 家",
            f"自愿退出{verb}生效：{len(self.exits)} 家",
            f"{verb}进入延续申请期：{len(self.windows)} 家",
            f"{'待发' if self.dry_run else '新发'}提醒：{self.reminders} 条",
            "期限索引：已全部重新计算"
            if self.index_rebuilt
            else f"期限索引与办理记录不一致、{verb}更正：{self.index_repaired} 件",
            f"错误：{len(self.errors)} 个；用时 {self.seconds:.2f} 秒",
        ]


def _guard(report: SweepReport, what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One case's failure is logged and reported; it never stops the sweep for the others."""
    try:
        return fn(**kwargs)
    except Exception as exc:
        logger.exception("sweep: %s failed", what)
        report.errors.append(f"{what}: {exc}")
        return None


def _outcomes(clocks: list[RunningClock], report: SweepReport, ctx: dict[str, Any]) -> set[tuple[int, str, dt.date]]:
    held: set[tuple[int, str, dt.date]] = set()
    today = report.today
    for rc in clocks:
        action = OUTCOME_ACTIONS.get(rc.limit.on_expiry or "")
        if action is None or rc.state not in TRANSITIONS[action].sources or not today > rc.due.date:
            continue
        if rc.due.provisional:  # never automatic: a human confirms
            held.add((rc.application_id, rc.limit.id, rc.start))
            queued = report.dry_run or _guard(
                report, f"hold {rc.application_id}", confirmation_hold, rc=rc, action=action
            )
            if queued:
                report.held.append(rc.application_id)
            continue
        done = (
            action
            if report.dry_run
            else _guard(
                report,
                f"{action} {rc.application_id}",
                application_clock_outcome,
                application_id=rc.application_id,
                clock_id=rc.limit.id,
                **ctx,
            )
        )
        if done == "deem_accepted":
            report.deemed_accepted.append(rc.application_id)
        elif done == "deem_abandoned":
            report.deemed_abandoned.append(rc.application_id)
    return held


def _stale_confirmations(held: set[tuple[int, str, dt.date]], report: SweepReport, ctx: dict[str, Any]) -> None:
    items = Confirmation.objects.filter(status=Confirmation.Status.OPEN).select_related("application__region")
    for item in items:
        if (item.application_id, item.clock, item.started_on) in held:
            continue
        rc = running_clock(item.application, item.clock, resolver=ctx["resolver"], cache=ctx["cache"])
        note = stale_reason(item, rc, report.today)
        if not note:
            continue
        if report.dry_run or _guard(report, f"supersede {item.pk}", confirmation_supersede, item=item, note=note):
            report.superseded.append(item.pk)


def _expiries(report: SweepReport, ctx: dict[str, Any]) -> None:
    due = Filing.objects.filter(status__in=LIVE_STATUSES, valid_to__lt=report.today).values_list("pk", flat=True)
    for pk in due:
        if report.dry_run:
            report.expired.append(pk)  # an upper bound: renewals are checked when acting
        elif _guard(report, f"expire filing {pk}", filing_expire, filing_id=pk, **ctx):
            report.expired.append(pk)


def _voluntary_exits(report: SweepReport) -> None:
    due = FilingExit.objects.filter(
        kind=FilingExit.Kind.VOLUNTARY, terminates_on__lt=report.today, filing__status__in=LIVE_STATUSES
    ).values_list("pk", "filing_id")
    for pk, filing_id in due:
        if report.dry_run:
            report.exits.append(filing_id)
        elif _guard(report, f"exit {pk}", filing_exit_take_effect, exit_id=pk, today=report.today):
            report.exits.append(filing_id)


def _renewals_settled(report: SweepReport) -> None:
    pending = Filing.objects.filter(status="renewal_pending", valid_to__gte=report.today).values_list("pk", flat=True)
    for pk in pending:
        if not report.dry_run:
            _guard(report, f"renewal {pk}", filing_renewal_settle, filing_id=pk, today=report.today)


def _renewal_windows(report: SweepReport) -> None:
    for pk in renewal_window_due(report.today):
        if report.dry_run:
            report.windows.append(pk)
        elif _guard(report, f"window {pk}", filing_open_renewal_window, filing_id=pk, today=report.today):
            report.windows.append(pk)


def _keep_index(clocks: list[RunningClock], report: SweepReport, ctx: dict[str, Any]) -> None:
    """The dashboard's deadline index: rebuilt if the packs or the calendar changed, otherwise compared with the
    live clocks just computed, and any case that differs rewritten (``deadlines.index``)."""
    if report.dry_run:
        report.index_repaired = len(index.reconcile(clocks, resolver=ctx["resolver"], cache=ctx["cache"], repair=False))
        return
    if not index.is_current():
        report.index_rebuilt = bool(_guard(report, "deadline index", index.ensure_current, reason="定时扫描"))
        return
    repaired = _guard(
        report, "deadline index", index.reconcile, clocks=clocks, resolver=ctx["resolver"], cache=ctx["cache"]
    )
    report.index_repaired = len(repaired or [])


def sweep(*, today: dt.date | None = None, dry_run: bool = False) -> SweepReport:
    """Apply every automatic outcome that is due, queue provisional ones, and send due reminders."""
    started = time.perf_counter()
    report = SweepReport(today=today or clock.today(), dry_run=dry_run)
    cache, resolver = DueCache(get_calendar()), LimitResolver()
    ctx = {"today": report.today, "resolver": resolver, "cache": cache}
    clocks = list(running_clocks(Application.objects.all(), resolver=resolver, cache=cache))
    report.clocks = len(clocks)
    report.cases = len({rc.application_id for rc in clocks})
    _keep_index(clocks, report, ctx)
    held = _outcomes(clocks, report, ctx)
    _stale_confirmations(held, report, ctx)
    _voluntary_exits(report)
    _expiries(report, ctx)
    _renewals_settled(report)
    _renewal_windows(report)
    acted = set(report.deemed_accepted) | set(report.deemed_abandoned)
    notices = [
        *case_reminders([rc for rc in clocks if rc.application_id not in acted], today=report.today, cache=cache),
        *renewal_reminders(today=report.today, resolver=resolver, cache=cache),
        *report_window_reminders(today=report.today),
    ]
    report.reminders = len(notices) if dry_run else _guard(report, "reminders", notify, notices=notices) or 0
    report.seconds = time.perf_counter() - started
    return report
