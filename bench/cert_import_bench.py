"""Certificate import benchmark (not a pytest test).

    python bench/cert_import_bench.py --db sqlite --rows 100000
    python bench/cert_import_bench.py --db postgres --rows 1000000

Builds a fresh database with one filed institution (2 occupations, 5 levels) and its batches, writes N
generated valid rows to a CSV (and optionally an xlsx), then measures, each in its own child process
(so that peak memory is per measurement) and against an emptied certificate table:

1. ``raw``        baseline (1): the raw bulk insert of the final rows (COPY on PostgreSQL, executemany on
                  SQLite), rows prepared in memory beforehand, 2,000 per statement, one transaction;
2. ``necessary``  baseline (2): read the CSV, the same row checks (``rows.check_row``) and the same encryption,
                  blind index and masking (``pipeline.protect``) called in a plain loop, plus the raw insert;
3. ``pipeline``   the real import (``import_job_create`` + ``import_job_run``): job, duplicate checks against
                  the database, error workbook, progress, audit — checks here, writes in a second process;
4. ``pipeline-1`` the same in one process (``parallel=False``), to show what the second core buys;
5. ``pipeline-xlsx`` (with --xlsx) the real import from an xlsx file (openpyxl read-only).

Prints one JSON line per measurement and a table: seconds, rows/s, ratio to baseline (2), peak RSS.
"""

# ruff: noqa: S108, S311, S603 - benchmark only: fixed /tmp paths, reproducible data, our own commands

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402

CHUNK = 2000


def _setup(db: str, rows: int, xlsx: bool) -> dict[str, Any]:
    cert_common.configure(db)
    cert_common.fresh_database(db)
    import django

    django.setup()
    filing = cert_common.make_filings([("500238", "hrss-500238")])[0]
    cert_common.make_batches(filing, filing.bench_user, passes=rows)
    csv_path = Path(f"/tmp/certbench-{rows}-{filing.code}.csv")
    if not csv_path.exists():
        cert_common.write_csv(csv_path, rows, filing.code)
    out = {"filing": filing.code, "csv": str(csv_path), "user": filing.bench_user.username}
    if xlsx:
        xlsx_path = Path(f"/tmp/certbench-{rows}-{filing.code}.xlsx")
        if not xlsx_path.exists():
            cert_common.write_xlsx(xlsx_path, rows, filing.code)
        out["xlsx"] = str(xlsx_path)
    return out


def _empty() -> None:
    from django.db import connection

    from skillreg.certificates.models import Certificate, ImportJob

    ImportJob.objects.filter(status="running").update(status="failed", message="benchmark reset")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE certificates_certificate")
            cur.execute("VACUUM ANALYZE certificates_certificate")
        else:
            Certificate.objects.all().delete()
            cur.execute("VACUUM")


def _records(csv_path: str):  # type: ignore[no-untyped-def]
    from skillreg.certificates.readers import open_source

    return open_source(Path(csv_path)).records


def _plain_rows(facts: Any, csv_path: str, job_id: int | None):  # type: ignore[no-untyped-def]
    """Baseline (2)'s loop: read, check, protect, build the final row; yields final rows."""
    from django.utils import timezone

    from skillreg.certificates.pipeline import protect
    from skillreg.certificates.rows import check_row

    now = timezone.now()
    for n, cells, _errors in _records(csv_path):
        r = check_row(n, cells, facts)
        if isinstance(r, list):
            raise SystemExit(f"generated row {n} is invalid: {r}")
        p = protect(r)
        yield [
            r.number, facts.filing_id, r.batch_id, r.holder_name, r.id_type, p.holder_id, p.holder_id_index,
            p.holder_id_masked, r.occupation_id, r.occupation_name, r.work_type, r.level, r.issue_date, "valid",
            None, "", None, job_id, n, now,
        ]  # fmt: skip


def _insert_all(rows_iter: Any) -> int:
    from django.db import connection, transaction

    from skillreg.certificates.writer import bulk_tuned, insert_rows

    total = 0
    with bulk_tuned(), transaction.atomic():  # the same SQLite page cache as the pipeline
        buf: list[list[Any]] = []
        for row in rows_iter:
            buf.append(row)
            if len(buf) == CHUNK:
                insert_rows(connection.vendor, buf)
                total += len(buf)
                buf = []
        if buf:
            insert_rows(connection.vendor, buf)
            total += len(buf)
    return total


class _Sampler:
    """Where a PostgreSQL import's time goes (issue 16: the two-process import measured 0.80-1.00x): every 100 ms,
    the wait events of this database's active backends (pg_stat_activity), each backend's CPU time (/proc, the
    server runs on this machine) and the whole machine's busy CPU (/proc/stat); WAL written (LSN difference)."""

    def __init__(self) -> None:
        import threading

        import psycopg

        self.conn = psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"), autocommit=True)
        self.me = self.conn.info.backend_pid
        self.waits: dict[str, int] = {}
        self.samples = 0
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()
        self.wal0 = self.conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        self.stat0 = self._machine()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _machine() -> tuple[float, float]:
        fields = [float(x) for x in open("/proc/stat").readline().split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    @staticmethod
    def _proc_cpu(pid: int) -> float | None:
        try:
            parts = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (float(parts[11]) + float(parts[12])) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            rows = self.conn.execute(
                "SELECT pid, state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '') FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> %s",
                [self.me],
            ).fetchall()
            self.samples += 1
            for pid, state, wtype, wevent in rows:
                cpu = self._proc_cpu(pid)
                if cpu is not None:
                    self.cpu[pid] = max(cpu, self.cpu.get(pid, 0.0))
                if state == "active":
                    key = f"{wtype}:{wevent}" if wevent else wtype
                    self.waits[key] = self.waits.get(key, 0) + 1

    def result(self, seconds: float) -> dict[str, Any]:
        self.stop.set()
        self.thread.join()
        wal = self.conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [self.wal0]).fetchone()[0]
        busy0, total0 = self.stat0
        busy1, total1 = self._machine()
        self.conn.close()
        return {
            "pg_backend_cpu_s": round(sum(self.cpu.values()), 2),
            "pg_active_waits": {
                k: round(v / self.samples, 2) for k, v in sorted(self.waits.items(), key=lambda kv: -kv[1])
            },
            "wal_mb": round(float(wal) / 2**20, 1),
            "machine_busy": round((busy1 - busy0) / (total1 - total0), 2),  # share of all cores, everyone's work
        }


def _child(db: str, what: str, info: dict[str, Any]) -> dict[str, Any]:
    cert_common.configure(db)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from skillreg.certificates.context import load_facts
    from skillreg.certificates.imports import import_job_create, import_job_run
    from skillreg.certificates.models import Certificate
    from skillreg.institutions.models import Filing

    filing = Filing.objects.get(code=info["filing"])
    _empty()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sampler = _Sampler() if db == "postgres" and os.environ.get("CERTBENCH_ANALYSE") else None
    load0 = os.getloadavg()[0]
    if what == "raw":
        facts = load_facts(filing)
        prepared = list(_plain_rows(facts, info["csv"], None))  # not timed: the final rows
        started = time.perf_counter()
        created = _insert_all(iter(prepared))
        seconds = time.perf_counter() - started
    elif what == "necessary":
        started = time.perf_counter()
        facts = load_facts(filing)
        created = _insert_all(_plain_rows(facts, info["csv"], None))
        seconds = time.perf_counter() - started
    else:
        user = get_user_model().objects.get(username=info["user"])
        path = info["xlsx"] if what == "pipeline-xlsx" else info["csv"]
        started = time.perf_counter()
        with open(path, "rb") as fh:
            job = import_job_create(filing=filing, actor=user, fileobj=fh, name=Path(path).name, mode="all_or_nothing")
        job = import_job_run(job, parallel=what != "pipeline-1")
        seconds = time.perf_counter() - started
        if job.status != "done":
            raise SystemExit(f"import ended {job.status}: {job.message} {job.first_errors[:3]}")
        created = job.rows_created
    analysis: dict[str, Any] = {}
    if sampler:
        self_use, child_use = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        analysis = sampler.result(seconds) | {
            "reader_cpu_s": round(self_use.ru_utime + self_use.ru_stime, 2),  # this process (incl. setup)
            "writer_cpu_s": round(child_use.ru_utime + child_use.ru_stime, 2),  # the writer process, if any
            "load": [load0, round(os.getloadavg()[0], 1)],
        }
    assert Certificate.objects.count() == created  # noqa: S101 - benchmark self-check
    return analysis | {
        "db": db,
        "what": what,
        "rows": created,
        "seconds": round(seconds, 2),
        "rows_per_s": round(created / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # the writer process of a parallel import (its own interpreter)
        "peak_rss_writer_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "rss_before_mb": round(rss_before / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--only", default="raw,necessary,pipeline,pipeline-1")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", default="")
    parser.add_argument("--info", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.db, args.child, json.loads(args.info))))
        return
    print("machine:", cert_common.machine(), file=sys.stderr)
    started = time.perf_counter()
    info = _setup(args.db, args.rows, args.xlsx)
    print(f"setup {time.perf_counter() - started:.0f}s: {info}", file=sys.stderr)
    whats = args.only.split(",") + (["pipeline-xlsx"] if args.xlsx else [])
    runs: dict[str, list[dict[str, Any]]] = {w: [] for w in whats}
    for _ in range(args.repeat):  # interleaved, so that a burst of load elsewhere hits every measure alike
        for what in whats:
            cmd = [sys.executable, __file__, "--db", args.db, "--rows", str(args.rows), "--child", what]
            out = subprocess.run([*cmd, "--info", json.dumps(info)], check=True, capture_output=True, text=True)
            runs[what].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[what][-1]), flush=True)
    results = {
        w: min(r, key=lambda x: x["seconds"]) | {"median_s": statistics.median(x["seconds"] for x in r)}
        for w, r in runs.items()
    }
    base = results.get("necessary")
    print(
        f"\n{args.db}, {args.rows:,} rows, best and median of {args.repeat}; load average now {os.getloadavg()[0]:.1f}"
    )
    print(f"{'measure':<14}{'best s':>8}{'median s':>10}{'rows/s':>10}{'vs (2)':>8}{'peak RSS':>10}")
    for what, r in results.items():
        ratio = f"{base['seconds'] / r['seconds']:.2f}x" if base else ""
        print(
            f"{what:<14}{r['seconds']:>8.1f}{r['median_s']:>10.1f}{r['rows_per_s']:>10,}{ratio:>8}"
            f"{r['peak_rss_mb']:>8} MB"
        )


if __name__ == "__main__":
    main()
