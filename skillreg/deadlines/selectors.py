"""Reads of the statutory clock: a case's clocks (timeline) and the staff SLA dashboard, data-scoped."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from skillreg.accounts.models import Authority
from skillreg.applications.models import Application
from skillreg.applications.models import Event as ApplicationEvent
from skillreg.applications.selectors import staff_region_ids, staff_scope
from skillreg.core import clock
from skillreg.institutions.models import Filing
from skillreg.workcalendar.calendar import Due

from . import index
from .clocks import Clock, DueCache, EventRow, application_clocks, classify, filing_clock
from .exits import renewal_due, renewal_outcome, renewals_by_unit, validity_limit
from .limits import LimitResolver
from .models import CaseDeadline, Confirmation, FilingExit
from .scan import local_date, tools


def case_clocks(application: Application, *, today: dt.date | None = None) -> list[Clock]:
    """Every statutory clock of one case — start, restarts, due, outcome, provisional flag — replayed
    from its events, plus its filing's validity, renewal and exit clocks once filed."""
    return clocks_for_cases([application], today=today)[application.pk]


def clocks_for_cases(applications: Sequence[Application], *, today: dt.date | None = None) -> dict[int, list[Clock]]:
    """``case_clocks`` of several cases (a list page's) in a constant number of queries, whatever their number:
    their events, open confirmations, filings, filing exits and renewals are each read once (issue 16).
    The applications must carry ``region`` (the scoped selectors select it)."""
    today = today or clock.today()
    resolver, cache = tools()
    ids = [a.pk for a in applications]
    if not ids:
        return {}
    events: dict[int, list[EventRow]] = defaultdict(list)
    for app_id, action, at, data in (
        ApplicationEvent.objects.filter(application_id__in=ids)
        .order_by("application_id", "at", "id")
        .values_list("application_id", "action", "at", "data")
    ):
        events[app_id].append(EventRow(action, local_date(at), data or {}))
    held: dict[int, set[tuple[str, dt.date]]] = defaultdict(set)
    for app_id, clock_id, started_on in Confirmation.objects.filter(
        application_id__in=ids, status=Confirmation.Status.OPEN
    ).values_list("application_id", "clock", "started_on"):
        held[app_id].add((clock_id, started_on))
    filings = {f.application_id: f for f in Filing.objects.filter(application_id__in=ids).select_related("region")}
    exits: dict[int, dict[str, FilingExit]] = defaultdict(dict)
    renewals: dict[int, list[Any]] = {}
    if filings:
        for e in FilingExit.objects.filter(filing__in=list(filings.values())):  # default order: the last one wins
            exits[e.filing_id][e.kind] = e
        renewals = renewals_by_unit({f.unit_id for f in filings.values()})
    out: dict[int, list[Clock]] = {}
    for application in applications:
        own_held = held.get(application.pk, set())
        clocks = application_clocks(
            events=events.get(application.pk, []),
            region_code=application.region.code,
            resolver=resolver,
            cache=cache,
            today=today,
            held=lambda clock_id, start, own_held=own_held: (clock_id, start) in own_held,  # type: ignore[misc]
        )
        filing = filings.get(application.pk)
        if filing is not None:
            clocks += filing_clocks(
                filing,
                today=today,
                resolver=resolver,
                cache=cache,
                exits=exits.get(filing.pk, {}),
                renewals=renewals.get(filing.unit_id, []),
            )
        out[application.pk] = clocks
    return out


def filing_clocks(
    filing: Filing,
    *,
    today: dt.date,
    resolver: LimitResolver,
    cache: DueCache,
    exits: dict[str, FilingExit] | None = None,
    renewals: list[Any] | None = None,
) -> list[Clock]:
    """The validity, renewal and exit clocks of one filing (``exits`` by kind and the unit's ``renewals``, when
    the caller has read them for several filings at once; otherwise read here)."""
    limits = resolver.limits(filing.region.code, filing.valid_to)
    if exits is None:
        exits = {e.kind: e for e in FilingExit.objects.filter(filing=filing)}
    if renewals is None:
        renewals = renewals_by_unit([filing.unit_id])[filing.unit_id]
    automatic = exits.get(FilingExit.Kind.AUTOMATIC)
    validity = filing_clock(
        validity_limit(limits),
        label="备案有效期",
        start=filing.valid_from,
        due=Due(filing.valid_to, False),
        today=today,
        cache=cache,
        outcome=f"评价资格于 {automatic.terminates_on:%Y-%m-%d} 自动终止" if automatic else "",
    )
    if automatic:
        validity.status = "outcome"
    state, on = renewal_outcome(filing.filed_on, filing.valid_to, renewals)
    limit, due = renewal_due(filing.valid_to, limits, cache)
    renewal = filing_clock(
        limit,
        label="申请延续备案",
        start=None,
        due=due,
        today=today,
        cache=cache,
        done_on=on if state in ("pending", "renewed") else None,
        outcome={"pending": "已提交延续申请", "renewed": "已延续", "failed": "延续申请未获通过"}.get(state, ""),
    )
    renewal.id = "renewal_application"
    out = [validity, renewal]
    if automatic and automatic.wrapup_due_on:
        wrap_limit = resolver.limits(filing.region.code, automatic.terminates_on).get("automatic_exit_wrapup")
        done = automatic.wrapup_completed_at
        out.append(
            filing_clock(
                wrap_limit,
                label="自动终止后完成收尾工作",
                start=automatic.terminates_on,
                due=Due(automatic.wrapup_due_on, automatic.wrapup_provisional),
                today=today,
                cache=cache,
                done_on=local_date(done) if done else None,
                outcome="收尾工作已完成" if done else "",
            )
        )
    voluntary = exits.get(FilingExit.Kind.VOLUNTARY)
    if voluntary:
        c = filing_clock(
            resolver.limits(filing.region.code, voluntary.notice_on or filing.valid_to).get("voluntary_exit_notice"),
            label="自愿终止退出",
            start=voluntary.notice_on,
            due=Due(voluntary.terminates_on, False),
            today=today,
            cache=cache,
            outcome="拟终止评价活动",
        )
        c.id = "voluntary_exit_notice"
        c.label = f"{c.label}（拟于 {voluntary.terminates_on:%Y-%m-%d} 终止）"
        out.append(c)
    return out


# --------------------------------------------------------------------------- dashboard


@dataclass
class DueRow:
    application: dict[str, Any]
    labels: list[str]
    requirements: list[str]
    start: dt.date
    due: dt.date
    provisional: bool
    status: str
    outcome_pending: bool = False
    bases: list[str] = field(default_factory=list)  # document and article, what pages show (issue 11)


DASHBOARD_ROWS = 100  # rows shown per list; the heading gives the total (a province has tens of thousands)


@dataclass
class Dashboard:
    today: dt.date
    at_risk_until: dt.date
    due_today: list[DueRow] = field(default_factory=list)
    overdue: list[DueRow] = field(default_factory=list)
    at_risk: list[DueRow] = field(default_factory=list)
    provisional: list[DueRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # per list: how many deadlines it has in all
    by_authority: list[dict[str, Any]] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)
    current: bool = True  # False while the deadlines are being recomputed for a new calendar or pack


def dashboard(user: Any, *, today: dt.date | None = None) -> Dashboard:
    """The SLA dashboard of a staff member's data scope (their region and the regions below it), read from the
    deadline index (``deadlines.index``): each list's earliest ``DASHBOARD_ROWS`` rows, and counts."""
    today = today or clock.today()
    resolver, cache = tools()
    board = Dashboard(today=today, at_risk_until=cache.workdays_ahead(today, 2))
    board.current = index.ensure_current(reason="期限看板")
    scope = CaseDeadline.objects.filter(region_id__in=staff_region_ids(user))
    lists = {
        "due_today": Q(due_on=today),
        "overdue": Q(due_on__lt=today),
        "at_risk": Q(due_on__gt=today, due_on__lte=board.at_risk_until),
        "provisional": Q(provisional=True),
    }
    counts = {name: Count("pk", filter=cond) for name, cond in lists.items()}
    tallies = list(scope.order_by().values("authority_id").annotate(deadlines=Count("pk"), **counts))
    names = dict(Authority.objects.filter(pk__in={t["authority_id"] for t in tallies}).values_list("pk", "name"))
    by_name: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in tallies:
        tally = by_name[names.get(t["authority_id"]) or "—"]
        for key in ("deadlines", *lists):
            tally[key] += t[key]
        for key in lists:
            board.totals[key] = board.totals.get(key, 0) + t[key]
    board.by_authority = [
        {"authority": name, **{k: t[k] for k in ("deadlines", "due_today", "overdue", "at_risk")}}
        for name, t in sorted(by_name.items())
    ]
    for name, cond in lists.items():
        if not board.totals.get(name):
            continue
        # The earliest keys first, from the index alone, then those rows with their cases: joined before the
        # limit, PostgreSQL fetched the case of every one of 17,000 rows due within two days to sort them.
        order = ("due_on", "application_id")
        keys = list(scope.filter(cond).order_by(*order).values_list("pk", flat=True)[:DASHBOARD_ROWS])
        rows = CaseDeadline.objects.filter(pk__in=keys).values(*ROW_FIELDS)
        ordered = sorted(rows, key=lambda r: (r["due_on"], r["application_id"]))
        setattr(board, name, [_due_row(r, resolver, today, board.at_risk_until) for r in ordered])
    board.confirmations = list(confirmations_for(user))
    return board


ROW_FIELDS = (
    "application_id",
    "application__public_id",
    "application__number",
    "application__institution_name",
    "application__state",
    "application__authority__name",
    "region__code",
    "due_on",
    "started_on",
    "clocks",
    "provisional",
    "outcome_pending",
)


def _due_row(row: dict[str, Any], resolver: LimitResolver, today: dt.date, at_risk_until: dt.date) -> DueRow:
    limits = resolver.limits(row["region__code"], row["started_on"])
    found = [limits[c] for c in row["clocks"].split(",") if c in limits]
    return DueRow(
        application={
            "pk": row["application_id"],
            "public_id": row["application__public_id"],
            "number": row["application__number"],
            "institution_name": row["application__institution_name"],
            "state": row["application__state"],
            "authority__name": row["application__authority__name"],
        },
        labels=sorted({lim.label for lim in found}),
        requirements=sorted({lim.requirement for lim in found}),
        start=row["started_on"],
        due=row["due_on"],
        provisional=row["provisional"],
        status=classify(row["due_on"], today, at_risk_until),
        outcome_pending=row["outcome_pending"],
        bases=sorted({lim.basis for lim in found}),
    )


def confirmations_for(user: Any) -> QuerySet[Confirmation]:
    return (
        Confirmation.objects.filter(status=Confirmation.Status.OPEN, application__in=staff_scope(user).values("pk"))
        .select_related("application", "application__authority")
        .order_by("due_on", "id")
    )


def confirmation_for_staff(user: Any, pk: Any) -> Confirmation:
    try:
        return Confirmation.objects.select_related("application", "application__region").get(
            pk=int(pk), application__in=staff_scope(user).values("pk")
        )
    except (Confirmation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该事项") from exc
