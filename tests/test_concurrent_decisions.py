"""Two officers decide the same case at the same moment: exactly one decision is made (issue 5, item 7).

PostgreSQL only (real concurrent transactions, one connection per thread); the optimistic lock in
``applications.services._common.transition`` is a conditional UPDATE, so the second writer waits for the
first, re-reads the row, matches nothing and gets ``ConcurrentChange`` with nothing of its own written.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from skillreg.applications import services
from skillreg.applications.models import Application, Decision, Event
from skillreg.audit.models import AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.core import testing
from skillreg.core.errors import ConcurrentChange

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(application: Application, deciders: list) -> list[object]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(deciders))
    results: list[object] = [None] * len(deciders)

    def run(i: int) -> None:
        try:
            mine = Application.objects.get(pk=application.pk)  # each officer's own page load
            barrier.wait(timeout=10)
            deciders[i](mine)
            results[i] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(deciders))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_officers_deciding_at_once_exactly_one_succeeds(wuxi_institution, round_):
    officer_a = testing.make_staff(f"race_a{round_}", "hrss-500238")
    officer_b = testing.make_staff(f"race_b{round_}", "hrss-500238")
    application = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=application, actor=wuxi_institution)
    version = Application.objects.get(pk=application.pk).version

    results = _race(
        application,
        [
            lambda app: services.application_accept(application=app, actor=officer_a, version=version),
            lambda app: services.application_refuse_acceptance(
                application=app, actor=officer_b, reasons="材料不符合要求", basis="CQ-10", version=version
            ),
        ],
    )
    assert sorted(type(r).__name__ for r in results) == ["ConcurrentChange", "str"], results
    assert all(r == "ok" or isinstance(r, ConcurrentChange) for r in results)
    application.refresh_from_db()
    winner = "accepted" if results[0] == "ok" else "not_accepted"
    assert application.state == winner and application.version == version + 1
    decisions = Event.objects.filter(application=application, action__in=["accept", "refuse_acceptance"])
    assert decisions.count() == 1
    assert Decision.objects.filter(application=application).count() == (0 if winner == "accepted" else 1)
    assert (
        AuditRecord.objects.filter(
            object_id=str(application.pk), action__in=["application.accept", "application.refuse_acceptance"]
        ).count()
        == 1
    )
    assert verify_chain().ok
