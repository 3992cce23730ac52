"""Dashboards at provincial scale (issue 15 item 5). Not a test; PostgreSQL on loopback, bounded in time.

    python bench/dashboard_bench.py [--institutions 10000] [--certificates 2000000] [--repeat 5]

Builds a fresh PostgreSQL database ``skillreg_dashbench``: two filings through the real services, cloned in bulk to
N institutions spread over Anhui's regions (each with a status history — some rectified, some terminated — and a
version), and M certificates inserted by one ``INSERT … SELECT generate_series`` over those institutions, levels,
two occupations and 700 issue days. Then, in-process through the full middleware stack (Django's test client,
signed in as the Anhui provincial officer), it times ``/healthz`` (a trivial view), the dashboard with its default
12 months, with 36 months, and two exports — all with the month-end cache off — then the 12 months again with the
cache on, and prints the median of each, its ratio to the trivial view, and the number of SQL queries.
"""

# ruff: noqa: S108, S311, S603, S608, T201 - benchmark only: fixed /tmp paths, our own SQL and commands, prints

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CERTBENCH_PG_DB", "skillreg_dashbench")
import cert_common  # noqa: E402

ANHUI_COUNTIES = ["340102", "340402", "340403", "340404", "340405", "340406", "340421", "340422", "340400"]


def clone_filings(n: int) -> list[int]:
    from django.db import transaction
    from django.utils import timezone

    from skillreg.applications.models import Application
    from skillreg.institutions.models import ApplicantUnit, Filing, FilingStatusChange, FilingVersion
    from skillreg.regions.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__in=ANHUI_COUNTIES)}
    template = Filing.objects.select_related("unit", "application").order_by("pk").first()
    version = FilingVersion.objects.filter(filing=template).first()
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, n, 1000):
            idx = range(start, min(n, start + 1000))
            units, apps = [], []
            for i in idx:
                u = ApplicantUnit(**{f.attname: getattr(template.unit, f.attname) for f in ApplicantUnit._meta.fields})
                u.pk, u.uscc, u.region = None, f"B{i:017d}", regions[ANHUI_COUNTIES[i % len(ANHUI_COUNTIES)]]
                units.append(u)
            ApplicantUnit.objects.bulk_create(units)
            for u in units:
                a = Application(
                    **{f.attname: getattr(template.application, f.attname) for f in Application._meta.fields}
                )
                a.pk, a.public_id, a.number, a.unit, a.region = None, uuid.uuid4(), None, u, u.region
                apps.append(a)
            Application.objects.bulk_create(apps)
            filings = []
            for i, u, a in zip(idx, units, apps, strict=True):
                f = Filing(**{x.attname: getattr(template, x.attname) for x in Filing._meta.fields})
                f.pk, f.code, f.unit, f.application, f.region = None, f"B{i:012d}", u, a, u.region
                f.filed_on = dt.date(2023, 1, 1) + dt.timedelta(days=i % 1000)
                filings.append(f)
            Filing.objects.bulk_create(filings)
            changes, versions = [], []
            for i, f in zip(idx, filings, strict=True):
                changes.append(
                    FilingStatusChange(filing=f, action="file", to_status="active", effective_on=f.filed_on, at=now)
                )
                if i % 7 == 0:
                    changes.append(
                        FilingStatusChange(
                            filing=f,
                            action="rectify",
                            from_status="active",
                            to_status="rectifying",
                            effective_on=f.filed_on + dt.timedelta(days=200),
                            at=now,
                        )
                    )
                if i % 11 == 0:
                    changes.append(
                        FilingStatusChange(
                            filing=f,
                            action="terminate",
                            from_status="active",
                            to_status="terminated",
                            effective_on=f.filed_on + dt.timedelta(days=400),
                            at=now,
                        )
                    )
                v = FilingVersion(**{x.attname: getattr(version, x.attname) for x in FilingVersion._meta.fields})
                v.pk, v.filing, v.effective_from, v.effective_to = None, f, f.filed_on, None
                v.kind = ["social_org", "employer", "school"][i % 3]
                versions.append(v)
            FilingStatusChange.objects.bulk_create(changes)
            FilingVersion.objects.bulk_create(versions)
    return list(Filing.objects.values_list("pk", flat=True))


def insert_certificates(m: int, filing_ids: list[int]) -> None:
    from django.db import connection

    from skillreg.certificates.models import Certificate
    from skillreg.occupations.models import Occupation

    template = Certificate.objects.order_by("pk").first()
    occ = list(Occupation.objects.filter(code__in=["6-31-01-03", "4-10-01-05"]).values_list("pk", flat=True))
    cols = [f.column for f in Certificate._meta.fields if f.column != "id"]
    vary = {
        "number": "'D' || lpad(g::text, 12, '0')",
        "filing_id": f"(ARRAY[{','.join(map(str, filing_ids))}])[1 + g %% {len(filing_ids)}]",
        "holder_id_index": "md5(g::text)",
        "occupation_id": f"(ARRAY[{','.join(map(str, occ))}])[1 + g %% {len(occ)}]",
        "level": "5 - g %% 3",
        "issue_date": "DATE '2024-06-01' + (g %% 700)",
        "status": "CASE WHEN g %% 50 = 0 THEN 'revoked' ELSE 'valid' END",
    }
    select = ", ".join(vary.get(c, f't."{c}"') for c in cols)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Certificate._meta.db_table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in cols)}) "
            f"SELECT {select} FROM generate_series(1, %s) AS g, {Certificate._meta.db_table} t WHERE t.id = %s",
            [m, template.pk],
        )
        cur.execute(f"ANALYZE {Certificate._meta.db_table}")
        cur.execute("ANALYZE")


def timed(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {body[:300]!r}")
        queries = len(ctx.captured_queries)
    return statistics.median(times) * 1000, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=10_000)
    parser.add_argument("--certificates", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time the database of an earlier run (no rebuild)")
    args = parser.parse_args()

    cert_common.configure("postgres")
    os.environ["SKILLREG_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    print(f"machine: {cert_common.machine()}")
    t0 = time.perf_counter()
    if not args.reuse:
        cert_common.fresh_database("postgres")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from skillreg.certificates.models import Certificate
    from skillreg.core import testing
    from skillreg.dashboards.tests import builders
    from skillreg.institutions.models import Filing

    if not args.reuse:
        filings = cert_common.make_filings([("340403", "hrss-340403"), ("340402", "hrss-340402")])
        batch = builders.batch(filings[0], "6-31-01-03", 4, ends_on=dt.date(2025, 3, 1), applicants=100, passes=80)
        builders.certificates(batch, 1, issued=dt.date(2025, 3, 10))
        ids = clone_filings(args.institutions - len(filings))
        insert_certificates(args.certificates, ids)
    print(
        f"data: {Filing.objects.count()} institutions, {Certificate.objects.count()} certificates "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    officer = get_user_model().objects.filter(username="bench_province").first() or testing.make_staff(
        "bench_province", "hrss-340000"
    )
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = testing.make_otp_device(officer).persistent_id
    session.save()

    today = dt.date.today()
    paths = [
        ("trivial view /healthz", "/healthz"),
        ("dashboard, 12 months", "/staff/dashboards/"),
        ("dashboard, 36 months", f"/staff/dashboards/?start={today.replace(year=today.year - 3, day=1)}"),
        ("certificate chart XLSX", "/staff/dashboards/export/certificates-occupation.xlsx"),
        ("institutions chart CSV", "/staff/dashboards/export/institutions-status.csv"),
    ]
    from django.test.utils import override_settings

    base = None
    print(f"{'':34}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    with override_settings(SKILLREG_DASHBOARD_CACHE_SECONDS=0):  # every request counts again (cold figures)
        for name, url in paths:
            timed(client, url, 1)  # warm the process (rule packs, calendar, templates)
            ms, queries = timed(client, url, args.repeat)
            base = base or ms
            print(f"{name:34}{ms:12.1f}{ms / base:12.1f}{queries:10d}")
    timed(client, paths[1][1], 1)  # month ends kept for SKILLREG_DASHBOARD_CACHE_SECONDS
    ms, queries = timed(client, paths[1][1], args.repeat)
    print(f"{'dashboard, 12 months, cached':34}{ms:12.1f}{ms / (base or ms):12.1f}{queries:10d}")


if __name__ == "__main__":
    main()
