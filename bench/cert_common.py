"""Shared set-up of the certificate benchmarks (bench/cert_*.py). Not a test; run the bench scripts.

* ``configure(db)`` points Django at a benchmark database (SQLite file under /tmp, or the local PostgreSQL
  database ``skillreg_certbench``), with bench-only keys and media root; call before ``django.setup()``.
* ``fresh_database(db)`` drops and re-creates it and migrates.
* ``make_filings(specs)`` files institutions through the real services (clock moved to the filing day),
  ``make_batches`` registers one batch per occupation, level and year with ``passes`` large enough.
* ``row_for(i, filing)`` is the i-th generated row of the report template (deterministic, valid).
"""

# ruff: noqa: S108, S311, S603 - benchmark only: fixed /tmp paths, reproducible data, our own commands

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("CERTBENCH_PG_DB", "skillreg_certbench")
SQLITE_PATH = Path(os.environ.get("CERTBENCH_SQLITE", "/tmp/skillreg-certbench.sqlite3"))
SCOPE = [("6-31-01-03", [5, 4, 3]), ("4-10-01-05", [5, 4])]
OCC_NAMES = {"6-31-01-03": "电工", "4-10-01-05": "养老护理员"}
FILED_ON = dt.date(2024, 1, 8)  # valid 2024-01-08 … 2027-01-07
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊"


def configure(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("SKILLREG_PASSWORD_ITERATIONS", "1000")
    os.environ["SKILLREG_MEDIA_ROOT"] = f"/tmp/skillreg-certbench-media-{db}"
    # Bench-only keys (not the development defaults, so that the server can run with SKILLREG_DEBUG=0).
    os.environ.setdefault("SKILLREG_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("SKILLREG_DATA_KEY", "a1b2c3d4e5f60718293a4b5c6d7e8f90")
    os.environ.setdefault("SKILLREG_INDEX_KEY", "0918273645546372819aabbccddeeff0")
    os.environ.setdefault("SKILLREG_AUDIT_KEY", "5566778899aabbccddeeff0011223344")
    if db == "postgres":
        host = os.environ.get("CERTBENCH_PG_HOST", "127.0.0.1:5432")  # or %2Fvar%2Frun%2Fpostgresql (Unix socket)
        os.environ["DATABASE_URL"] = f"postgres://postgres@{host}/{PG_NAME}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SKILLREG_SQLITE_PATH"] = str(SQLITE_PATH)


def fresh_database(db: str) -> None:
    """Drop and re-create the benchmark database, then migrate (run before django.setup())."""
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=os.environ.copy())


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )


def at(day: dt.date) -> Any:
    from zoneinfo import ZoneInfo

    import time_machine

    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)


def make_filings(specs: list[tuple[str, str]]) -> list[Any]:
    """One filing per (region code, filing authority code), through the real services, filed on FILED_ON."""
    from django.db import transaction

    from skillreg.accounts.models import Authority
    from skillreg.core import testing
    from skillreg.institutions.services import filing_create

    out = []
    officers: dict[str, Any] = {}
    for i, (region, authority) in enumerate(specs):
        if authority not in officers:
            officers[authority] = testing.make_staff(f"bench_{authority}", authority)
        user = testing.make_institution_user(f"bench_org_{i}", region_code=region, seed=1000 + i)
        with at(FILED_ON):
            application = testing.make_complete_draft(user, occupations=SCOPE, region_code=region)
            with transaction.atomic():
                out.append(
                    filing_create(
                        application=application,
                        authority=Authority.objects.get(code=authority),
                        actor=officers[authority],
                        copy_to_province=False,
                    )
                )
        out[-1].bench_user = user
    return out


def batch_number(occ: str, level: int, year: int) -> str:
    return f"B{year}-{occ}-{level}"


def make_batches(filing: Any, user: Any, passes: int, years: tuple[int, ...] = (2024, 2025)) -> None:
    from skillreg.evaluations.tests.builders import plan_results_in

    with at(dt.date(2026, 6, 1)):
        for year in years:
            for occ, levels in SCOPE:
                for level in levels:
                    plan_results_in(
                        filing=filing,
                        actor=user,
                        number=batch_number(occ, level, year),
                        occupation_code=occ,
                        level=level,
                        starts_on=dt.date(year, 2, 1),
                        ends_on=dt.date(year, 2, 3),
                        applicants=passes,
                        passes=passes,
                    )


LINES = [(occ, lv) for occ, levels in SCOPE for lv in levels]  # 5 (occupation, level) lines


def id_for(i: int) -> str:
    """A distinct valid 居民身份证号 for every i < 2.9 million (birth 1998-01-01 + i // 1000 days)."""
    from stdnum.cn import ric

    birth = dt.date(1998, 1, 1) + dt.timedelta(days=i // 1000)
    body = f"500238{birth:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def name_for(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 700) % len(GIVEN)]


def row_for(i: int, filing_code: str) -> list[Any]:
    """Row i (0-based) in template column order; years 2024/2025, serial unique per prefix."""
    occ, level = LINES[i % 5]
    year = 2024 + (i // 5) % 2
    serial = (i // 10) * 2 + (i % 5 >= 3) + 1  # the two lines sharing a level alternate serials
    issue = dt.date(year, 3, 1) + dt.timedelta(days=(i * 7) % 280)
    number = f"{filing_code}{year % 100:02d}{level}{serial:06d}"
    return [
        number,
        name_for(i),
        "居民身份证",
        id_for(i),
        occ,
        OCC_NAMES[occ],
        "",
        level,
        issue.isoformat(),
        batch_number(occ, level, year),
    ]


def write_csv(path: Path, rows: int, filing_code: str) -> None:
    import csv

    from skillreg.certificates.rows import COLUMNS

    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow([c.label for c in COLUMNS])
        for i in range(rows):
            w.writerow(row_for(i, filing_code))


def write_xlsx(path: Path, rows: int, filing_code: str) -> None:
    from openpyxl import Workbook

    from skillreg.certificates.rows import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("证书数据")
    ws.append([c.label for c in COLUMNS])
    for i in range(rows):
        ws.append(row_for(i, filing_code))
    wb.save(path)
