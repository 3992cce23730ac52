"""Two sweeps at once on PostgreSQL: every outcome, hold, expiry and reminder happens exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from skillreg.applications.models import Event
from skillreg.audit.models import AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.deadlines.models import Confirmation, FilingExit
from skillreg.deadlines.sweep import SweepReport, sweep
from skillreg.notifications.models import Message

from .conftest import at, file_on, submit_on

D = dt.date


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_do_everything_once(wuxi_institution, wuxi_officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://…)")
    due = [submit_on(wuxi_institution, D(2026, 12, 21)) for _ in range(4)]  # limit ends 28 Dec
    provisional = submit_on(wuxi_institution, D(2026, 12, 28))  # limit ends 4 Jan 2027, provisional
    filing = file_on(wuxi_institution, wuxi_officer, D(2023, 12, 1))  # valid to 30 Nov 2026

    barrier = threading.Barrier(2)
    reports: list[SweepReport] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            reports.append(sweep())
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    with at(D(2027, 1, 5)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not failures, failures
    assert all(not r.errors for r in reports), [r.errors for r in reports]
    accepted = [pk for r in reports for pk in r.deemed_accepted]
    assert sorted(accepted) == sorted(a.pk for a in due)
    assert sum(len(r.held) for r in reports) == 1
    assert sum(len(r.expired) for r in reports) == 1
    for app in due:
        assert Event.objects.filter(application=app, action="deem_accepted").count() == 1
    assert AuditRecord.objects.filter(action="application.deem_accepted").count() == len(due)
    assert Confirmation.objects.filter(application=provisional).count() == 1
    assert FilingExit.objects.filter(filing=filing).count() == 1
    assert AuditRecord.objects.filter(action="filing.expire").count() == 1
    keys = list(Message.objects.values_list("recipient_id", "dedupe_key"))
    assert len(keys) == len(set(keys))
    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_beside_a_transition_writes_the_case_as_the_transition_left_it(wuxi_institution, wuxi_officer):
    """The rebuild rewrites each case under its row lock: it waits for the supplement request being written and
    then computes the supplement period, instead of putting back the acceptance deadline it would have read."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://…)")
    from django.db import transaction

    from skillreg.applications import services as app_services
    from skillreg.deadlines import index

    case = submit_on(wuxi_institution, D(2026, 10, 12))
    index.ensure_current()
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def request() -> None:
        try:
            with at(D(2026, 10, 13)), transaction.atomic():
                app_services.supplement_request(application=case, actor=wuxi_officer, items=["租赁合同"], note="")
                written.set()
                release.wait(timeout=30)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    def rebuild() -> None:
        try:
            index.rebuild(reason="test")
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=request)
    writer.start()
    assert written.wait(timeout=30)
    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    rebuilder.join(timeout=1.0)
    assert rebuilder.is_alive()  # waiting for the case's row lock
    release.set()
    writer.join(timeout=30)
    rebuilder.join(timeout=60)
    assert not failures, failures
    ((due_on, clocks),) = index.CaseDeadline.objects.filter(application=case).values_list("due_on", "clocks")
    assert due_on == D(2026, 11, 12) and "supplement" in clocks  # 30 days from the request (CQ-10)
