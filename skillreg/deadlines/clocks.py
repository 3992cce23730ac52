"""Deadline arithmetic shared by the sweep, the dashboard and the case timeline. No Django imports.

A *clock* is a time limit of a rule pack applied to one case: it starts on an event's date (the
start day is not counted, 民法典 第二百零一条), is restarted by a later event of the same kind
(CQ-10: the day a supplement is complete counts as the day of receipt), and is ended by a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from skillreg.workcalendar.calendar import Due, WorkCalendar
from skillreg.workcalendar.units import Unit

from .limits import LimitResolver, TimeLimit

# Which application states each start event's clocks run in, and the events that start/end them.
RUNS_IN: dict[str, frozenset[str]] = {
    "application_received": frozenset({"submitted", "resubmitted"}),
    "supplement_notice_sent": frozenset({"supplement_requested"}),
    "accepted": frozenset({"accepted", "under_evaluation", "publicity"}),
}
STARTED_BY: dict[str, frozenset[str]] = {
    "application_received": frozenset({"submit", "resubmit"}),
    "supplement_notice_sent": frozenset({"request_supplement"}),
    "accepted": frozenset({"accept", "deem_accepted"}),
}
ENDED_BY: dict[str, dict[str, str]] = {
    "application_received": {
        "accept": "已受理",
        "refuse_acceptance": "不予受理",
        "request_supplement": "已一次性告知补正（补正完毕之日重新起算）",
        "deem_accepted": "视为受理",
        "withdraw": "申请人撤回",
    },
    "supplement_notice_sent": {"resubmit": "补正完毕", "deem_abandoned": "视为放弃申请", "withdraw": "申请人撤回"},
    "accepted": {"file": "予以备案", "refuse": "不予备案", "withdraw": "申请人撤回"},
}
# A pack's on_expiry → the workflow action the sweep takes when the clock runs out.
OUTCOME_ACTIONS = {"deemed_accepted": "deem_accepted", "deemed_abandoned": "deem_abandoned"}
OUTCOME_LABELS = {"deem_accepted": "视为受理", "deem_abandoned": "视为放弃申请", "expire": "有效期届满，自动终止"}

STATUS_LABELS = {
    "running": "进行中",
    "at_risk": "即将届满",
    "due_today": "今日届满",
    "overdue": "已逾期",
    "held": "待人工确认",
    "met": "按期办结",
    "late": "逾期办结",
    "outcome": "已自动处理",
    "ended": "已结束",
}


class DueCache:
    """``WorkCalendar`` results memoised per (start, n, unit) for one sweep or one page."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._after: dict[tuple[dt.date, int, str], Due] = {}
        self._before: dict[tuple[dt.date, int], Due] = {}
        self._prev: dict[dt.date, dt.date] = {}
        self._ahead: dict[tuple[dt.date, int], dt.date] = {}

    def after(self, start: dt.date, n: int, unit: str) -> Due:
        key = (start, n, unit)
        due = self._after.get(key)
        if due is None:
            due = self._after[key] = self.calendar.add(start, n, Unit.parse(unit))
        return due

    def before(self, anchor: dt.date, n: int) -> Due:
        """The last day to act under "at least ``n`` days before ``anchor``" (CQ-14, GZ-13).

        Always the nominal day ``anchor - n``, rest day or not: the period is counted backwards from
        ``anchor`` and is the authority's minimum time; 第二百零三条 moves the end of a period, and rolling
        the day to act forward would shorten the ``n`` days the article guarantees. The application is
        made online, so a rest day can be used (docs/decisions.md, "Lifecycle follow-up").
        """
        key = (anchor, n)
        due = self._before.get(key)
        if due is None:
            day = anchor - dt.timedelta(days=n)
            years = self.calendar.provisional_years(day, day)
            due = self._before[key] = Due(day, bool(years), years, None)
        return due

    def for_limit(self, limit: TimeLimit, start: dt.date) -> Due:
        if limit.direction == "before":
            return self.before(start, limit.length)
        return self.after(start, limit.length, limit.unit)

    def previous_workday(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        found = self._prev.get(day)
        if found is None:
            found = day - dt.timedelta(days=1)
            while self.calendar.is_rest_day(found):
                found -= dt.timedelta(days=1)
            self._prev[day] = found
        return found

    def workdays_ahead(self, today: dt.date, n: int) -> dt.date:
        key = (today, n)
        found = self._ahead.get(key)
        if found is None:
            found = self._ahead[key] = self.calendar.add_working_days(today, n).date
        return found


def classify(due: dt.date, today: dt.date, at_risk_until: dt.date) -> str:
    if due < today:
        return "overdue"
    if due == today:
        return "due_today"
    if due <= at_risk_until:
        return "at_risk"
    return "running"


@dataclass
class Clock:
    """One time limit of one case, for the timeline and the dashboard."""

    id: str
    label: str
    requirement: str
    citation: str
    length_label: str
    start: dt.date | None = None
    restarts: list[dt.date] = field(default_factory=list)
    due: dt.date | None = None
    provisional: bool = False
    provisional_years: tuple[int, ...] = ()
    rolled_from: dt.date | None = None
    status: str = "running"
    outcome: str = ""
    outcome_on: dt.date | None = None
    on_expiry: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in {"running", "at_risk", "due_today", "overdue", "held"}


@dataclass(frozen=True)
class EventRow:
    action: str
    on: dt.date
    data: dict[str, Any]


def event_start_date(event: EventRow) -> dt.date:
    """The legal start date of an event: deemed acceptance takes effect on its recorded day."""
    text = event.data.get("effective_on") if event.data else None
    return dt.date.fromisoformat(text) if isinstance(text, str) else event.on


def application_clocks(
    *,
    events: Iterable[EventRow],
    region_code: str,
    resolver: LimitResolver,
    cache: DueCache,
    today: dt.date,
    held: Callable[[str, dt.date], bool] = lambda clock, start: False,
) -> list[Clock]:
    """Replay a case's events into its clocks (each with start, restarts, due and outcome)."""
    clocks: dict[str, Clock] = {}
    running: dict[str, tuple[list[TimeLimit], dt.date]] = {}  # start_event → (limits, start)
    at_risk_until = cache.workdays_ahead(today, 2)
    for event in events:
        for start_event, enders in ENDED_BY.items():
            if start_event in running and event.action in enders:
                limits, start = running.pop(start_event)
                for limit in limits:
                    clock = clocks[limit.id]
                    clock.outcome = enders[event.action]
                    clock.outcome_on = event.on
                    if OUTCOME_ACTIONS.get(limit.on_expiry or "") == event.action:
                        clock.status = "outcome"
                    elif event.action in OUTCOME_LABELS:
                        clock.status = "ended"  # lapsed with another clock's automatic outcome
                    elif clock.due is not None and event.on > clock.due:
                        clock.status = "late"
                    else:
                        clock.status = "met"
        for start_event, starters in STARTED_BY.items():
            if event.action not in starters:
                continue
            start = event_start_date(event)
            limits = resolver.starting_with(region_code, start, start_event)
            running[start_event] = (limits, start)
            for limit in limits:
                due = cache.for_limit(limit, start)
                if limit.id in clocks:
                    clock = clocks[limit.id]
                    clock.restarts.append(start)
                else:
                    clock = clocks[limit.id] = _new_clock(limit)
                    clock.start = start
                clock.due, clock.provisional = due.date, due.provisional
                clock.provisional_years, clock.rolled_from = due.provisional_years, due.rolled_from
                clock.outcome, clock.outcome_on = "", None
                clock.status = classify(due.date, today, at_risk_until)
                if clock.status == "overdue" and limit.on_expiry and held(limit.id, start):
                    clock.status = "held"
    return list(clocks.values())


def _new_clock(limit: TimeLimit) -> Clock:
    return Clock(
        id=limit.id,
        label=limit.label,
        requirement=limit.requirement,
        citation=limit.citation,
        length_label=limit.length_label,
        on_expiry=limit.on_expiry,
    )


def filing_clock(
    limit: TimeLimit | None,
    *,
    label: str,
    start: dt.date | None,
    due: Due,
    today: dt.date,
    cache: DueCache,
    requirement: str = "",
    done_on: dt.date | None = None,
    outcome: str = "",
) -> Clock:
    """A filing's clock (validity, renewal deadline, wrap-up)."""
    clock = Clock(
        id=limit.id if limit else "filing_validity",
        label=limit.label if limit else label,
        requirement=limit.requirement if limit else requirement,
        citation=limit.citation if limit else "",
        length_label=limit.length_label if limit else "",
        start=start,
        due=due.date,
        provisional=due.provisional,
        provisional_years=due.provisional_years,
        rolled_from=due.rolled_from,
        on_expiry=limit.on_expiry if limit else None,
    )
    if done_on is not None:
        clock.status, clock.outcome, clock.outcome_on = ("met" if done_on <= due.date else "late"), outcome, done_on
    else:
        clock.status = classify(due.date, today, cache.workdays_ahead(today, 2))
        clock.outcome = outcome
    return clock
