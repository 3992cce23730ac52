"""An all-or-nothing certificate import while other users sign in and load pages (issue 12, item 3).

Usage: import_contention.py ROWS — against the SQLite file (or PostgreSQL) of the environment. Files an
institution, uploads a valid CSV of ROWS certificates, runs the import in a thread (as the huey worker would),
and meanwhile signs another user in and loads a page over and over, timing each request. Prints one JSON line:
the import's status and duration, the number of requests, the slowest one and every failure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from skillreg.accounts.models import Authority  # noqa: E402
from skillreg.certificates.imports import import_job_create, import_job_run  # noqa: E402
from skillreg.certificates.models import Certificate, ImportJob  # noqa: E402
from skillreg.core import testing  # noqa: E402
from skillreg.evaluations.tests.builders import plan_results_in  # noqa: E402
from skillreg.institutions.services import filing_create  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")


def setup(rows: int) -> ImportJob:
    from skillreg.certificates.tests.conftest import good_row, to_csv

    user = testing.make_institution_user("busy_org", region_code="500238", seed=1)
    officer = testing.make_staff("busy_officer", "hrss-500238")
    testing.make_institution_user("other_user", region_code="500101", seed=2)
    with time_machine.travel(dt.datetime(2025, 1, 6, 10, tzinfo=SHANGHAI), tick=True):
        application = testing.make_complete_draft(user, occupations=[("6-31-01-03", [5, 4, 3])])
        with transaction.atomic():
            filing = filing_create(
                application=application,
                authority=Authority.objects.get(code="hrss-500238"),
                actor=officer,
                copy_to_province=False,
            )
    plan_results_in(
        filing=filing,
        actor=user,
        number="PJ-2026-001",
        occupation_code="6-31-01-03",
        level=4,
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
        applicants=rows,
        passes=rows,
    )
    data = []
    for n in range(1, rows + 1):
        birth = (dt.date(1998, 1, 1) + dt.timedelta(days=n // 900)).strftime("%Y%m%d")
        data.append(good_row(filing, n, id_number=testing.make_id_number("500238", birth, n % 900 + 1)))
    upload = testing.upload(to_csv(data), "证书.csv")
    return import_job_create(filing=filing, actor=user, fileobj=upload, name="证书.csv", mode="all_or_nothing")


def _round(client: Client, timings: list[float], failures: list[str]) -> None:
    """Sign in (session, last login and audit record are written), load a page, sign out."""
    for method, path, data in (
        ("post", "/accounts/login/", {"username": "other_user", "password": testing.PASSWORD}),
        ("get", "/apply/", None),
        ("post", "/accounts/logout/", {}),
    ):
        t0 = time.monotonic()
        try:
            response = getattr(client, method)(path, data) if data is not None else client.get(path)
            if response.status_code >= 400:
                failures.append(f"{method} {path}: {response.status_code}")
        except Exception as exc:  # noqa: BLE001 - "database is locked" and friends
            failures.append(f"{method} {path}: {type(exc).__name__}: {exc}")
        timings.append(time.monotonic() - t0)


def main(rows: int) -> None:
    job = setup(rows)
    outcome: dict[str, object] = {}

    def run_import() -> None:
        started = time.monotonic()
        try:
            done = import_job_run(ImportJob.objects.select_related("filing").get(pk=job.pk), parallel=False)
            outcome["status"] = done.status
            if done.first_errors:
                outcome["errors"] = done.first_errors[:3]
        except Exception as exc:  # noqa: BLE001 - reported in the JSON
            outcome["status"] = f"error: {exc}"
        finally:
            outcome["import_seconds"] = round(time.monotonic() - started, 2)
            connection.close()

    _round(Client(HTTP_HOST="localhost"), [], [])  # warm up: templates, URL resolvers, hashers

    worker = threading.Thread(target=run_import)
    worker.start()
    time.sleep(0.3)  # the import is under way
    timings: list[float] = []
    failures: list[str] = []
    while worker.is_alive():
        _round(Client(HTTP_HOST="localhost"), timings, failures)
    worker.join()
    print(
        json.dumps(
            {
                **outcome,
                "requests": len(timings),
                "slowest": round(max(timings, default=0.0), 3),
                "failures": failures[:20],
                "certificates": Certificate.objects.filter(status="valid").count(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
