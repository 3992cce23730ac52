"""The deadline index (``CaseDeadline``) is what the live clocks say, after every kind of write (issue 16).

The dashboard reads the index; the sweep and the outcome services compute the clocks live. These tests walk
cases through the real services in random order over the turn of 2026/2027 (provisional deadlines, then the
2027 holiday import) and compare the index with the live clocks after every step; then they check that a
change of calendar or packs is noticed and rebuilt, that the sweep repairs an index written past the services,
and what the dashboard shows from it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.cache import cache as shared_cache
from django.test import Client

from skillreg.applications import services as app_services
from skillreg.applications.models import Application, State
from skillreg.audit.models import AuditRecord
from skillreg.deadlines import index, selectors
from skillreg.deadlines.clocks import DueCache
from skillreg.deadlines.limits import LimitResolver
from skillreg.deadlines.models import CaseDeadline, DeadlineIndex
from skillreg.deadlines.scan import running_clocks
from skillreg.workcalendar.selectors import get_calendar

from .conftest import at, complete_supplement_on, import_2027, request_supplement_on, submit_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date
DASHBOARD = "/staff/deadlines/"


def live() -> list[index.Entry]:
    clocks = running_clocks(Application.objects.all(), resolver=LimitResolver(), cache=DueCache(get_calendar()))
    return index.entries(clocks)


def assert_index_is_live() -> None:
    assert index.stored() == live()


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("seed", range(5))
def test_the_index_equals_the_live_clocks_after_every_step_of_a_random_walk(seed, wuxi_institution, wuxi_officer):
    rnd = random.Random(seed)  # noqa: S311 - a reproducible walk, not security
    day = D(2026, 12, 10)
    imported = False
    for _step in range(22):
        day += dt.timedelta(days=rnd.choice([0, 1, 2, 3, 5]))
        cases = list(Application.objects.exclude(state=State.DRAFT).order_by("pk"))
        by_state = {s: [a for a in cases if a.state == s] for s in {a.state for a in cases}}
        waiting = by_state.get(State.SUBMITTED, []) + by_state.get(State.RESUBMITTED, [])
        moves = ["submit", "sweep"]
        moves += ["supplement", "accept", "refuse"] if waiting else []
        moves += ["complete"] if by_state.get(State.SUPPLEMENT_REQUESTED) else []
        moves += ["import"] if not imported and day >= D(2026, 12, 20) else []
        move = rnd.choice(moves)
        if move == "submit" or not cases:
            submit_on(wuxi_institution, day)
        elif move == "sweep":
            sweep_on(day)
        elif move == "import":
            with at(day):
                import_2027()  # moves every deadline that crosses 1–3 January 2027, and makes them final
            imported = True
            assert not index.is_current()  # the index was computed with the old calendar: noticed
            assert index.ensure_current()
        elif move == "complete":
            complete_supplement_on(rnd.choice(by_state[State.SUPPLEMENT_REQUESTED]), wuxi_institution, day)
        else:
            case = rnd.choice(waiting)
            if move == "supplement":
                request_supplement_on(case, wuxi_officer, day)
            elif move == "accept":
                with at(day):
                    app_services.application_accept(application=case, actor=wuxi_officer)
            else:
                with at(day):
                    app_services.application_refuse_acceptance(
                        application=case, actor=wuxi_officer, reasons="材料不符合要求", basis="渝人社发〔2023〕39号"
                    )
        assert_index_is_live()
    assert CaseDeadline.objects.exists()  # the walk had running deadlines to compare
    with at(day):
        assert_case_chart_is_live(wuxi_officer, day)


def assert_case_chart_is_live(officer, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    """The dashboards' case chart (read from the index) counts each case by the worst of its live clocks."""
    from collections import defaultdict

    from skillreg.dashboards import selectors as charts
    from skillreg.deadlines.clocks import classify
    from skillreg.regions.models import Region

    f = charts.Filters(Region.objects.get(code="500238"), D(2026, 1, 1), today)
    cases = charts._cases(officer, f)
    cache = DueCache(get_calendar())
    soon = cache.workdays_ahead(today, charts.DUE_SOON_WORKDAYS)
    order = ["overdue", "due_today", "at_risk", "running"]
    worst: dict[int, tuple[str, str]] = {}
    for rc in running_clocks(cases, resolver=LimitResolver(), cache=cache):
        status = classify(rc.due.date, today, soon)
        if rc.application_id not in worst or order.index(status) < order.index(worst[rc.application_id][1]):
            worst[rc.application_id] = (rc.state, status)
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for key in worst.values():
        expected[key] += 1
    for case in cases.exclude(pk__in=list(worst)):
        expected[(case.state, "none")] += 1
    assert charts._case_counts(officer, f, today) == dict(expected)


def test_a_case_that_stops_running_leaves_the_index(wuxi_institution, wuxi_officer):
    case = submit_on(wuxi_institution, D(2026, 10, 12))
    assert [(e.application_id, e.due_on) for e in index.stored()] == [(case.pk, D(2026, 10, 19))]
    with at(D(2026, 10, 13)):
        app_services.application_refuse_acceptance(
            application=case, actor=wuxi_officer, reasons="材料不符合要求", basis="渝人社发〔2023〕39号"
        )
    assert index.stored() == []


def test_an_imported_holiday_year_makes_the_index_stale_and_the_dashboard_recomputes_it(wuxi_institution, wuxi_officer):
    case = submit_on(wuxi_institution, D(2026, 12, 28))  # 5 working days: 4 Jan 2027 while 2027 is a guess
    assert index.ensure_current()
    (row,) = CaseDeadline.objects.filter(application=case)
    assert (row.due_on, row.provisional) == (D(2027, 1, 4), True)
    import_2027()  # 1–3 January off: the limit ends Tue 5 Jan, final
    assert not index.is_current()
    with at(D(2026, 12, 30)):
        board = _client(wuxi_officer).get(DASHBOARD).context["board"]
    assert board.current
    (row,) = CaseDeadline.objects.filter(application=case)
    assert (row.due_on, row.provisional) == (D(2027, 1, 5), False)
    assert board.totals["provisional"] == 0 and board.provisional == []
    rebuilt = AuditRecord.objects.filter(action="deadlines.index_rebuilt").latest("id")
    assert rebuilt.after["rows"] == 1 and DeadlineIndex.objects.get().fingerprint == index.fingerprint()


def test_a_change_of_packs_or_format_is_noticed(monkeypatch, wuxi_institution):
    submit_on(wuxi_institution, D(2026, 10, 12))
    assert index.ensure_current() and index.is_current()
    monkeypatch.setattr(index, "INDEX_FORMAT", index.INDEX_FORMAT + "-next")
    assert not index.is_current()


def test_while_another_process_rebuilds_the_dashboard_says_its_deadlines_are_being_recomputed(
    monkeypatch, wuxi_institution, wuxi_officer
):
    submit_on(wuxi_institution, D(2026, 10, 12))
    index.ensure_current()
    monkeypatch.setattr(index, "INDEX_FORMAT", index.INDEX_FORMAT + "-next")
    assert shared_cache.add(index.REBUILD_LOCK, 1, 60)  # another node holds the rebuild
    try:
        with at(D(2026, 10, 16)):  # due 19 Oct: within two working days
            response = _client(wuxi_officer).get(DASHBOARD)
    finally:
        shared_cache.delete(index.REBUILD_LOCK)
    assert response.status_code == 200 and not response.context["board"].current
    assert "各案件的期限正在重新计算" in response.content.decode()
    assert response.context["board"].totals["at_risk"] == 1  # the rows as they were, not an empty page


def test_the_sweep_repairs_an_index_written_past_the_services(wuxi_institution, wuxi_officer):
    a = submit_on(wuxi_institution, D(2026, 10, 12))
    b = submit_on(wuxi_institution, D(2026, 10, 12))
    c = submit_on(wuxi_institution, D(2026, 10, 12))
    with at(D(2026, 10, 13)):
        app_services.application_refuse_acceptance(
            application=c, actor=wuxi_officer, reasons="材料不符合要求", basis="渝人社发〔2023〕39号"
        )
    index.ensure_current()
    CaseDeadline.objects.filter(application=a).update(due_on=D(2026, 12, 31))  # wrong day
    CaseDeadline.objects.filter(application=b).delete()  # missing
    CaseDeadline.objects.create(  # a case that no longer runs
        application=c, region_id=c.region_id, due_on=D(2026, 10, 19), started_on=D(2026, 10, 12), clocks="x"
    )
    dry = sweep_on(D(2026, 10, 14), dry_run=True)
    assert dry.index_repaired == 3 and index.stored() != live()  # a dry run only counts
    report = sweep_on(D(2026, 10, 14))
    assert report.index_repaired == 3 and not report.errors
    assert_index_is_live()
    record = AuditRecord.objects.get(action="deadlines.index_repaired")
    assert record.after["applications"] == sorted([a.pk, b.pk, c.pk])
    assert sweep_on(D(2026, 10, 14), hour=11).index_repaired == 0  # nothing left to repair


def test_the_sweep_rebuilds_a_stale_index(monkeypatch, wuxi_institution):
    submit_on(wuxi_institution, D(2026, 10, 12))
    CaseDeadline.objects.all().delete()  # an index that never was built (a database migrated with open cases)
    DeadlineIndex.objects.all().delete()
    report = sweep_on(D(2026, 10, 13))
    assert report.index_rebuilt and not report.errors
    assert_index_is_live() and index.is_current()


def test_the_dashboard_lists_the_earliest_rows_and_gives_each_list_its_total(
    monkeypatch, wuxi_institution, wuxi_officer, django_assert_max_num_queries
):
    monkeypatch.setattr(selectors, "DASHBOARD_ROWS", 2)
    cases = [submit_on(wuxi_institution, day) for day in (D(2026, 10, 9), D(2026, 10, 8), D(2026, 10, 12))]
    with at(D(2026, 10, 16)):  # 8 Oct → due 14 Oct, 9 Oct → 15 Oct (overdue); 12 Oct → 19 Oct (at risk)
        board = selectors.dashboard(wuxi_officer)
        assert board.totals == {"due_today": 0, "overdue": 2, "at_risk": 1, "provisional": 0}
        assert [r.application["pk"] for r in board.overdue] == [cases[1].pk, cases[0].pk]  # earliest first
        assert board.overdue[0].labels and board.overdue[0].bases  # the limit and its article, from the packs
        assert "第" in board.overdue[0].bases[0] and "CQ-" not in " ".join(board.overdue[0].bases)
        for day in (D(2026, 10, 9), D(2026, 10, 8), D(2026, 10, 8)):
            cases.append(submit_on(wuxi_institution, day))
        with django_assert_max_num_queries(12):
            board = selectors.dashboard(wuxi_officer)
        assert board.totals["overdue"] == 5 and len(board.overdue) == 2
        html = _client(wuxi_officer).get(DASHBOARD).content.decode()
    assert "已逾期（5）" in html and "仅显示最早届满的 2 件（共 5 件）" in html


def test_a_case_with_clocks_ending_on_different_days_has_a_row_for_each_and_one_earliest():
    """Chongqing's clocks of one state end the same day; a pack may give a state two (the rows must not merge)."""
    from types import SimpleNamespace

    from skillreg.deadlines.scan import RunningClock
    from skillreg.workcalendar.calendar import Due

    def rc(app: int, clock: str, due: dt.date, provisional: bool = False) -> RunningClock:
        limit: Any = SimpleNamespace(id=clock, on_expiry="deemed_accepted" if clock == "a" else None)
        return RunningClock(
            app, "submitted", "500238", 7, "application_received", D(2026, 10, 8), limit, Due(due, provisional), 3
        )

    rows = index.entries([rc(1, "b", D(2026, 11, 30)), rc(1, "a", D(2026, 10, 15)), rc(1, "c", D(2026, 10, 15), True)])
    assert [(e.due_on, e.clocks, e.provisional, e.outcome_pending, e.earliest) for e in rows] == [
        (D(2026, 10, 15), "a,c", True, True, True),
        (D(2026, 11, 30), "b", False, False, False),
    ]


def test_the_case_chart_counts_a_case_once_by_its_earliest_deadline(wuxi_institution, wuxi_officer):
    from skillreg.dashboards import selectors as charts
    from skillreg.regions.models import Region

    case = submit_on(wuxi_institution, D(2026, 10, 12))  # due 19 Oct
    index.ensure_current()  # (else the chart's own check would rebuild the index over the row made below)
    (row,) = CaseDeadline.objects.filter(application=case)
    CaseDeadline.objects.create(  # a second, later deadline of the same case (as a pack with two clocks gives)
        application=case,
        region_id=row.region_id,
        authority_id=row.authority_id,
        due_on=D(2026, 11, 30),
        started_on=row.started_on,
        clocks="x",
        earliest=False,
    )
    f = charts.Filters(Region.objects.get(code="500238"), D(2026, 1, 1), D(2026, 10, 16))
    assert charts._case_counts(wuxi_officer, f, D(2026, 10, 16)) == {("submitted", "at_risk"): 1}
