"""Set-based reads for the statutory clock: every running clock of many cases in two queries.

The sweep, the dashboard and the outcome services all derive a case's running clock the same way:
its state says which start event's clocks run (``clocks.RUNS_IN``); the start date comes from the
field the workflow services set when that event happened (``received_at`` — also set when a
supplement is complete, CQ-10 —, the open ``SupplementRequest.requested_at``, ``accepted_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, QuerySet

from skillreg.applications.models import Application, SupplementRequest
from skillreg.workcalendar.calendar import Due
from skillreg.workcalendar.selectors import get_calendar

from .clocks import RUNS_IN, DueCache
from .limits import LimitResolver, TimeLimit

STATE_START_EVENT = {state: event for event, states in RUNS_IN.items() for state in states}
RUNNING_STATES = sorted(STATE_START_EVENT)


def tools(resolver: LimitResolver | None = None, cache: DueCache | None = None) -> tuple[LimitResolver, DueCache]:
    """The packs' limits and the calendar in force, memoised for one sweep, page or service call (the ones given are
    kept: a sweep passes its own to every case it acts on)."""
    return resolver or LimitResolver(), cache or DueCache(get_calendar())


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(tz()).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of ``day`` in Asia/Shanghai, stored as 23:59:59 (the last day ends at 24:00, 第二百零三条)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz())


@dataclass(frozen=True)
class RunningClock:
    application_id: int
    state: str
    region_code: str
    authority_id: int | None
    start_event: str
    start: dt.date
    limit: TimeLimit
    due: Due
    region_id: int | None = None


def _start_datetime(
    state: str, received_at: dt.datetime | None, accepted_at: dt.datetime | None, requested_at: dt.datetime | None
) -> tuple[str, dt.datetime | None]:
    event = STATE_START_EVENT[state]
    value = {"application_received": received_at, "accepted": accepted_at, "supplement_notice_sent": requested_at}
    return event, value[event]


def running_clocks(
    applications: QuerySet[Application], *, resolver: LimitResolver, cache: DueCache, stream: bool = True
) -> Iterator[RunningClock]:
    """The running clock(s) of every case in ``applications`` (any state; only running ones yield). ``stream``
    reads the cases in chunks (a server-side cursor on PostgreSQL); ``False`` reads them at once, for a few cases
    (one round trip instead of three)."""
    qs = applications.filter(state__in=RUNNING_STATES).order_by()
    requested = dict(
        SupplementRequest.objects.filter(
            application__in=qs.filter(state="supplement_requested").values("pk"), completed_at__isnull=True
        )
        .order_by()
        .values("application_id")
        .annotate(at=Max("requested_at"))
        .values_list("application_id", "at")
    )
    rows = qs.values_list("pk", "state", "region__code", "authority_id", "received_at", "accepted_at", "region_id")
    zone = tz()
    for pk, state, region_code, authority_id, received_at, accepted_at, region_id in (
        rows.iterator(chunk_size=5000) if stream else rows
    ):
        event, start_at = _start_datetime(state, received_at, accepted_at, requested.get(pk))
        if start_at is None:
            continue
        start = start_at.astimezone(zone).date()
        for limit in resolver.starting_with(region_code, start, event):
            due = cache.for_limit(limit, start)
            yield RunningClock(pk, state, region_code, authority_id, event, start, limit, due, region_id)


def running_clock(
    application: Application, clock_id: str, *, resolver: LimitResolver, cache: DueCache
) -> RunningClock | None:
    """The running instance of clock ``clock_id`` of one (freshly read, locked) application."""
    if application.state not in STATE_START_EVENT:
        return None
    requested = None
    if application.state == "supplement_requested":
        requested = (
            application.supplement_requests.filter(completed_at__isnull=True)
            .order_by("-requested_at")
            .values_list("requested_at", flat=True)
            .first()
        )
    event, start_at = _start_datetime(application.state, application.received_at, application.accepted_at, requested)
    if start_at is None:
        return None
    start = local_date(start_at)
    region_code = application.region.code
    for limit in resolver.starting_with(region_code, start, event):
        if limit.id == clock_id:
            return RunningClock(
                application.pk,
                application.state,
                region_code,
                application.authority_id,
                event,
                start,
                limit,
                cache.for_limit(limit, start),
                application.region_id,
            )
    return None
