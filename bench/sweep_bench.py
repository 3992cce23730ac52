"""Statutory-clock sweep benchmark (not a pytest test): ``python bench/sweep_bench.py [--cases 100000]``.

For each database (SQLite always; PostgreSQL when DATABASE_URL is set or a local server answers at
postgresql://postgres@localhost) a child process builds a fresh database, generates N open cases of
巫溪县 (500238, CQ-10/CQ-11 clocks) relative to today, and measures:

* baseline: a raw SQL scan of the same cases (the columns the sweep needs, fetched, nothing computed);
* dry run: ``sweep(dry_run=True)`` — scan + deadline computation + planning, no writes;
* first sweep: the real sweep, acting on the due cases (deemed accepted / abandoned, expiries, reminders);
* steady sweep: the same sweep again right after (what the 10-minute huey schedule normally does);
and prints the figures with the ratio to the baseline. Options: --cases N, --only sqlite|postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DUE_ACCEPT, DUE_ABANDON, FILINGS, EXPIRED = 500, 200, 2000, 20


def _child(cases: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    setup_started = time.perf_counter()
    _generate(cases)
    setup = time.perf_counter() - setup_started

    from skillreg.deadlines.scan import RUNNING_STATES
    from skillreg.deadlines.sweep import sweep

    def baseline() -> float:
        marks = ",".join(["%s"] * len(RUNNING_STATES))  # placeholders only; the values are parameters
        scan = (
            "SELECT a.id, a.state, r.code, a.authority_id, a.received_at, a.accepted_at "
            "FROM applications_application a JOIN regions_region r ON r.id = a.region_id "
            "WHERE a.state IN (" + marks + ")"
        )
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(scan, RUNNING_STATES)
            rows = cur.fetchall()
            cur.execute(
                "SELECT s.application_id, MAX(s.requested_at) FROM applications_supplementrequest s "
                "JOIN applications_application a ON a.id = s.application_id "
                "WHERE a.state = 'supplement_requested' AND s.completed_at IS NULL GROUP BY s.application_id"
            )
            rows += cur.fetchall()
        if len(rows) < cases:
            raise RuntimeError(f"baseline saw {len(rows)} rows, expected at least {cases}")
        return time.perf_counter() - started

    base = min(baseline() for _ in range(3))
    dry = sweep(dry_run=True)
    first = sweep()
    steady = sweep()
    steady2 = sweep()
    return {
        "vendor": connection.vendor,
        "server": connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else "",
        "cases": cases,
        "setup_s": round(setup, 1),
        "baseline_s": base,
        "dry_run_s": dry.seconds,
        "first_s": first.seconds,
        "steady_s": min(steady.seconds, steady2.seconds),
        "clocks": steady.clocks,
        "first": {
            "deemed_accepted": len(first.deemed_accepted),
            "deemed_abandoned": len(first.deemed_abandoned),
            "expired": len(first.expired),
            "reminders": first.reminders,
            "errors": len(first.errors),
            "index_repaired": first.index_repaired,
        },
        "steady_index_repaired": steady.index_repaired,
        "steady_actions": len(steady.deemed_accepted) + len(steady.deemed_abandoned) + len(steady.expired),
        "steady_reminders": steady.reminders,
        "today": dt.date.today().isoformat(),
    }


def _generate(cases: int) -> None:
    """Bulk-insert N open Wuxi cases and 2,000 filings (ORM bulk_create: test data, not production writes)."""
    import datetime as dt

    from skillreg.accounts.models import Authority
    from skillreg.applications.models import Application, State, SupplementRequest
    from skillreg.core import clock, testing
    from skillreg.deadlines.scan import tz
    from skillreg.institutions.models import ApplicantUnit, Filing
    from skillreg.regions.models import Region

    rnd = random.Random(2026)  # noqa: S311 - reproducible benchmark data
    region = Region.objects.get(code="500238")
    authority = Authority.objects.get(code="hrss-500238")
    unit = ApplicantUnit.objects.create(
        name="基准测试单位",
        uscc=testing.make_uscc("500238", seed=1),
        region=region,
        address="测试路1号",
        contact_name="张联系",
        contact_phone="138****0000",
        created_at=clock.now(),
    )
    user = testing.make_institution_user("bench_org", region_code="500238", seed=2)
    staff = [testing.make_staff(f"bench_staff{i}", "hrss-500238") for i in range(2)]
    today = clock.today()
    zone = tz()

    def at(days_ago: int) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(rnd.randint(8, 17), rnd.randint(0, 59)), tzinfo=zone)

    plan: list[tuple[str, int, int]] = []  # state, days ago, kind
    for i in range(cases):
        if i < DUE_ACCEPT:
            plan.append((State.SUBMITTED, 12, 0))
        elif i < DUE_ACCEPT + DUE_ABANDON:
            plan.append((State.SUPPLEMENT_REQUESTED, 45, 0))
        else:
            r = rnd.random()
            if r < 0.4:
                plan.append((rnd.choice([State.SUBMITTED, State.RESUBMITTED]), rnd.randint(0, 4), 0))
            elif r < 0.6:
                plan.append((State.SUPPLEMENT_REQUESTED, rnd.randint(0, 27), 0))
            else:
                plan.append((rnd.choice([State.ACCEPTED, State.UNDER_EVALUATION]), rnd.randint(0, 89), 0))
    common = dict(
        unit=unit,
        created_by=user,
        region=region,
        authority=authority,
        institution_kind="social_org",
        evaluation_types=["skill_level"],
        applicant_name="基准测试单位",
        applicant_address="测试路1号",
        institution_name="基准测试评价中心",
        institution_address="测试路1号",
        legal_rep_name="王法人",
        head_name="李负责",
    )
    batch = 5000
    for start in range(0, len(plan), batch):
        rows = []
        for j, (state, ago, _kind) in enumerate(plan[start : start + batch]):
            when = at(ago)
            received = (
                when if state in (State.SUBMITTED, State.RESUBMITTED, State.SUPPLEMENT_REQUESTED) else at(ago + 10)
            )
            rows.append(
                Application(
                    number=f"BA50B{start + j:09d}",
                    state=state,
                    created_at=when,
                    submitted_at=received,
                    received_at=received,
                    accepted_at=when if state in (State.ACCEPTED, State.UNDER_EVALUATION) else None,
                    **common,
                )
            )
        Application.objects.bulk_create(rows)
    sup = Application.objects.filter(state=State.SUPPLEMENT_REQUESTED).values_list("pk", "received_at")
    SupplementRequest.objects.bulk_create(
        [
            SupplementRequest(application_id=pk, items=["补正"], requested_by=staff[0], requested_at=at_ or clock.now())
            for pk, at_ in sup
        ],
        batch_size=batch,
    )
    filed = [
        Application(number=f"BA50F{i:09d}", state=State.FILED, created_at=clock.now(), **common) for i in range(FILINGS)
    ]
    Application.objects.bulk_create(filed, batch_size=batch)
    filings = []
    for i, app in enumerate(Application.objects.filter(state=State.FILED).order_by("pk")):
        valid_to = (
            today - dt.timedelta(days=1 + i % 5) if i < EXPIRED else today + dt.timedelta(days=rnd.randint(1, 1000))
        )
        filings.append(
            Filing(
                unit=unit,
                application=app,
                code=f"S023850{i:06d}",
                name=f"基准机构{i}",
                kind="social_org",
                address="测试路1号",
                region=region,
                authority=authority,
                filed_on=valid_to - dt.timedelta(days=1095),
                valid_from=valid_to - dt.timedelta(days=1095),
                valid_to=valid_to,
            )
        )
    Filing.objects.bulk_create(filings, batch_size=batch)
    index_cases()


def index_cases() -> None:
    """The cases above were bulk-inserted past the services, so the deadline index (which the transitions keep)
    is rebuilt from them, as after a deploy that changed the packs (``deadlines.index``)."""
    from skillreg.deadlines import index

    started = time.perf_counter()
    state = index.rebuild(reason="基准测试数据")
    print(f"deadline index: {state.rows:,} rows in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@localhost/postgres", connect_timeout=3):
            return "postgresql://postgres@localhost/postgres"
    except Exception:
        return None


def _run_child(env: dict[str, str], cases: int) -> dict[str, Any]:
    proc = subprocess.run(  # noqa: S603 - this script re-run with fixed arguments
        [sys.executable, __file__, "--child", "--cases", str(cases)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _with_pg_database(url: str, cases: int) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    base, _, _ = url.rpartition("/")
    name = f"skillreg_sweep_bench_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        return _run_child({**os.environ, "DATABASE_URL": f"{base}/{name}"}, cases)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _print(result: dict[str, Any]) -> None:
    base, dry, first, steady = (float(result[k]) for k in ("baseline_s", "dry_run_s", "first_s", "steady_s"))
    print(f"\n== {result['vendor']} {result['server']} — {result['cases']:,} open cases, {result['clocks']:,} clocks")
    print(f"  data setup (bulk insert)       {result['setup_s']:>8} s")
    print(f"  baseline raw SQL scan          {base:>8.3f} s")
    print(f"  dry run (scan + compute)       {dry:>8.3f} s   {dry / base:5.1f}x baseline")
    print(f"  first sweep (acting)           {first:>8.3f} s   {result['first']}")
    print(f"  steady sweep (nothing new)     {steady:>8.3f} s   {steady / base:5.1f}x baseline")
    print(f"  steady sweep acted again: {result['steady_actions']} outcomes, {result['steady_reminders']} reminders")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.cases)))
        return
    print(f"sweep benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    results = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(SKILLREG_SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"), SKILLREG_VAR_DIR=tmp)
            results.append(_run_child(env, args.cases))
            _print(results[-1])
    if args.only in (None, "postgres"):
        url = _postgres_url()
        if url is None:
            print("\n== postgresql: skipped (no DATABASE_URL and no local server at postgresql://postgres@localhost)")
        else:
            results.append(_with_pg_database(url, args.cases))
            _print(results[-1])


if __name__ == "__main__":
    main()
