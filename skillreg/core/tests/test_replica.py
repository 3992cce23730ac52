"""Read replica routing on two real PostgreSQL servers (issue 16): a primary and its streaming replica, started by
``scripts/pg-replica`` (scripts/test's "replica" step starts them, runs this file and stops them).

Proves: the public read paths read from the standby and everything else from the primary; nothing inside a
transaction goes to the standby; whoever just wrote reads from the primary; a standby lagging beyond the limit
(replay paused) and a stopped standby both send reads back to the primary, a standby failing in the middle of a
request re-runs that view on the primary, and reads return to the standby once it is back.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from skillreg.core import dbrouter
from skillreg.regions.models import Region

REPLICA_DIR = os.environ.get("SKILLREG_TEST_REPLICA_DIR", "")
ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.skipif(
        not REPLICA_DIR or not os.environ.get("DATABASE_REPLICA_URL"),
        reason="needs a primary and a streaming replica (scripts/pg-replica; the replica step of scripts/test)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def _fast_checks(settings):
    settings.SKILLREG_REPLICA_CHECK_SECONDS = 0
    settings.SKILLREG_REPLICA_MAX_LAG = 1
    dbrouter._health.checked_at = -1e9
    yield
    _sql("replica", "SELECT pg_wal_replay_resume()")


def _sql(alias: str, sql: str) -> object:
    with connections[alias].cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
    return row[0] if row else None


def _pg(cmd: str) -> None:
    subprocess.run([str(ROOT / "scripts/pg-replica"), cmd, REPLICA_DIR], check=True, timeout=90)  # noqa: S603


def _replica_queries(fn) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connections["replica"]) as captured:
        fn()
    return len([q for q in captured.captured_queries if "pg_is_in_recovery" not in q["sql"]])


def _wait_caught_up() -> None:
    for _ in range(100):
        if dbrouter.replica_status(force=True)["lag"] == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"replica did not catch up: {dbrouter.replica_status(force=True)}")


def test_the_replica_is_a_streaming_standby_of_the_primary():
    assert _sql("replica", "SELECT pg_is_in_recovery()") is True
    assert _sql("default", "SELECT pg_is_in_recovery()") is False
    assert _sql("replica", "SELECT current_database()") == _sql("default", "SELECT current_database()")


def test_public_directory_and_verification_read_from_the_replica(client):
    _wait_caught_up()
    assert _replica_queries(lambda: client.get("/directory/")) > 0
    assert (
        _replica_queries(
            lambda: client.post(
                "/api/v1/certificates/verify",
                {"number": "S000000000000000000000", "name": "张三"},
                content_type="application/json",
            )
        )
        > 0
    )


def test_other_pages_and_reads_in_a_transaction_use_the_primary(client):
    _wait_caught_up()
    assert _replica_queries(lambda: client.get("/accounts/login/")) == 0
    assert _replica_queries(lambda: client.get("/")) == 0

    def in_transaction() -> None:
        with transaction.atomic(), dbrouter.replica_reads():
            Region.objects.count()

    assert _replica_queries(in_transaction) == 0

    def outside() -> None:
        with dbrouter.replica_reads():
            Region.objects.count()

    assert _replica_queries(outside) == 1


def test_who_just_wrote_reads_from_the_primary(client):
    _wait_caught_up()

    def writes(request):  # type: ignore[no-untyped-def]
        Region.objects.filter(code="000000").update(name="不存在")
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().post("/directory/")
    response = dbrouter.ReplicaRoutingMiddleware(writes)(request)
    assert response.cookies[dbrouter.PIN_COOKIE]["max-age"] == 30
    client.cookies[dbrouter.PIN_COOKIE] = "1"
    assert _replica_queries(lambda: client.get("/directory/")) == 0


def test_a_lagging_replica_sends_reads_to_the_primary_until_it_catches_up(client):
    _wait_caught_up()
    _sql("replica", "SELECT pg_wal_replay_pause()")
    region = Region.objects.create(code="990000", name="测试省", level="province", path="990000")
    time.sleep(1.6)
    status = dbrouter.replica_status(force=True)
    assert not status["ok"] and status["lag"] > 1, status
    assert _sql("replica", "SELECT count(*) FROM regions_region WHERE code = '990000'") == 0  # not replayed
    assert _replica_queries(lambda: client.get("/directory/")) == 0
    with dbrouter.replica_reads():
        assert Region.objects.get(pk=region.pk).name == "测试省"  # from the primary: the replica has no such row yet
    _sql("replica", "SELECT pg_wal_replay_resume()")
    _wait_caught_up()
    assert _replica_queries(lambda: client.get("/directory/")) > 0
    with dbrouter.replica_reads():
        assert Region.objects.filter(pk=region.pk).exists()  # replayed now
    assert _sql("replica", "SELECT count(*) FROM regions_region WHERE code = '990000'") == 1


def test_a_stopped_replica_fails_back_to_the_primary_and_is_used_again_when_back(client, settings):
    _wait_caught_up()
    assert _replica_queries(lambda: client.get("/directory/")) > 0
    # The replica dies between the health check and the queries of a request: the view runs again on the primary.
    settings.SKILLREG_REPLICA_CHECK_SECONDS = 3600
    dbrouter.replica_status(force=True)
    _pg("stop-replica")
    try:
        response = client.get("/directory/")
        assert response.status_code == 200
        assert dbrouter.replica_status()["ok"] is False
        # Known down: every public read goes to the primary straight away, and readiness still says ready.
        settings.SKILLREG_REPLICA_CHECK_SECONDS = 0
        t0 = time.monotonic()
        assert client.get("/directory/").status_code == 200
        assert time.monotonic() - t0 < 10
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["replica"]["ok"] is False
    finally:
        _pg("start-replica")
    for _ in range(100):
        if dbrouter.replica_status(force=True)["ok"]:
            break
        time.sleep(0.2)
    assert _replica_queries(lambda: client.get("/directory/")) > 0
