"""Staff pages at provincial scale (issue 16, item 5): 100,000 cases and (up to) 10,000,000 certificates.

    python bench/staff_bench.py [--rows 10000000] [--cases 100000] [--reuse] [--requests 40]

PostgreSQL only (database ``skillreg_staffbench``; ``--reuse`` keeps it). Not a test; loopback only, bounded.

Data: ``cert_verify_bench.build`` (200 institutions filed through the real services, 3,000 batches, N certificates
by set-based SQL with ``generate_series``, indexes rebuilt after, 20,000 rows with real protected IDs), then
``sweep_bench._generate`` (100,000 open 巫溪县 cases by bulk insert, supplement requests, 2,000 filings), ``ANALYZE``.

Measure: the real application in-process (Django's test client through the full middleware stack, one request at
a time, SKILLREG_DEBUG=0, the staff user signed in with a second factor), each page ``--requests`` times after two
warm-up requests, interleaved with ``/bench/ping`` (a trivial view on the same stack); figures are p50/p95 in ms and
the ratio of each page's p50 to ping's p50. Pages: the work list (first and deep pages, a keyword), a case, the
certificate list (first page, search by number, by holder name), the statistics page (district officer, and the
province officer for all of Chongqing), and every other staff page whose work grows with the data (``_other_pages``:
filings, evaluation plans and their anomalies, batches, imports, annual reports, supervision, quality, appraisals,
the deadline and statistics dashboards, the inbox, the audit trail), as the district and the province officer.
``--extra`` (with ``--reuse``: once per database) first adds bounded, realistic inspections, rectifications,
complaints, quality reports, annual reports, appraisals and inbox messages (``extra_rows.generate``), so that the
pages listing them are measured on real volumes; ``--backlog N`` adds N more open complaints in Chongqing.
``STAFFBENCH_PAGES=a,b`` measures only pages whose name contains one of them, ``STAFFBENCH_SKIP=a,b`` leaves those
out; a page that does not answer 200 is reported with its status, not measured.
"""

# ruff: noqa: S101, S311, S603, E501 - benchmark only

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("CERTBENCH_PG_DB", "skillreg_staffbench")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402


def log(*args: Any) -> None:
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def build(rows: int, cases: int, filings: int) -> None:
    import cert_verify_bench
    import sweep_bench

    started = time.perf_counter()
    cert_verify_bench.build(rows, filings)  # configure + fresh database + django.setup()
    log(f"certificates ready in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    from django.db import IntegrityError

    try:
        sweep_bench._generate(cases)
    except IntegrityError as exc:
        # The cases and supplement requests are in; the sweep bench's 2,000 extra filings take codes that the
        # filed institutions above already hold. The staff pages need only the cases.
        log(f"sweep bench's extra filings not made ({exc.__class__.__name__}); the {cases:,} cases are in")
        sweep_bench.index_cases()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        log(f"{cases:,} cases in {time.perf_counter() - started:.0f}s; database {cur.fetchone()[0]}")


def _timed(client: Any, path: str, cpu: list[float] | None = None) -> float:
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def _other_pages(d: Any, p: Any, a: Any, case: Any, cert: Any) -> list[tuple[str, Any, str]]:
    """Every other staff page whose work grows with the data (issue 16, item 5): lists and details of filings,
    evaluation plans, annual reports, supervision, quality, appraisals, dashboards, deadlines, imports, the inbox
    and the audit trail; district officer (d), province officer (p), audit administrator (a)."""
    from skillreg.core import clock
    from skillreg.evaluations.models import EvaluationPlan
    from skillreg.institutions.models import Filing

    filing = Filing.objects.filter(region__code="500238").order_by("pk").first()
    assert filing is not None
    plan = EvaluationPlan.objects.filter(filing=filing).order_by("pk").first()
    assert plan is not None
    year = clock.today().year
    district = [
        ("filings, list", "/filings/"),
        ("filings, detail", f"/filings/{filing.code}/"),
        ("evaluation plans", "/evaluations/"),
        ("evaluation plans, page 5", "/evaluations/?page=5"),
        ("evaluation plan", f"/evaluations/{plan.pk}/"),
        ("plan calendar", "/evaluations/calendar/"),
        ("plan review queue", "/evaluations/queue/"),
        ("plan anomalies", "/evaluations/anomalies/"),
        ("certificate detail", f"/certificates/c/{cert.number}/"),
        ("batches", "/certificates/batches/"),
        ("batch detail", f"/certificates/batches/{plan.pk}/"),
        ("certificate imports", "/certificates/imports/"),
        ("annual reports", "/annual-reports/"),
        ("supervision home", "/supervision/"),
        ("ratings", "/supervision/ratings/"),
        ("quality home", "/quality/"),
        ("appraisals", "/appraisals/"),
        ("appraisal page", f"/appraisals/{filing.code}/{year}/"),
        ("deadlines dashboard", "/staff/deadlines/"),
        ("case timeline", f"/staff/deadlines/cases/{case.public_id}/"),
        ("dashboards", "/staff/dashboards/"),
        ("complaints, open", "/supervision/complaints/"),
        ("complaints, all, page 20", "/supervision/complaints/?show=all&page=20"),
        ("rectifications, open", "/supervision/rectifications/"),
        ("complaint statistics", "/supervision/complaints/statistics/"),
        ("inbox", "/inbox/"),
        ("inbox, unread", "/inbox/?unread=1"),
        ("inbox, page 1000", "/inbox/?page=1000"),
    ]
    district += _extra_detail_pages(filing)
    out: list[tuple[str, Any, str]] = [(name, d, path) for name, path in district]
    province = [
        "/staff/?mine=0",
        "/staff/?mine=0&page=2000",
        "/filings/",
        "/evaluations/",
        "/evaluations/calendar/",
        "/evaluations/queue/",
        "/evaluations/anomalies/",
        "/certificates/batches/",
        "/certificates/imports/",
        "/annual-reports/",
        "/supervision/",
        "/supervision/complaints/",
        "/supervision/complaints/statistics/",
        "/supervision/ratings/",
        "/quality/",
        "/appraisals/",
        "/staff/deadlines/",
        "/staff/dashboards/",
    ]
    names = {path: name for name, path in district}
    names.update({"/staff/?mine=0": "work list", "/staff/?mine=0&page=2000": "work list, page 2000"})
    out += [(f"{names[path]} (Chongqing)", p, path) for path in province]
    out += [("audit trail", a, "/audit/"), ("audit trail, page 200", a, "/audit/?page=200")]
    return out


def _extra_detail_pages(filing: Any) -> list[tuple[str, str]]:
    """A complaint, an inspection, a rectification, a quality report and an annual report of the district, when
    the database has them (``--extra``)."""
    from skillreg.annualreports.models import AnnualReport
    from skillreg.quality.models import QualityReport
    from skillreg.supervision.models import Complaint, Inspection, Rectification

    out = []
    district = {"filing__region__code": "500238"}
    for name, model, url in (
        ("complaint detail", Complaint, "/supervision/complaints/{}/"),
        ("inspection detail", Inspection, "/supervision/inspections/{}/"),
        ("rectification detail", Rectification, "/supervision/rectifications/{}/"),
        ("annual report detail", AnnualReport, "/annual-reports/{}/"),
    ):
        row = model.objects.filter(**district).exclude(**({"status": "draft"} if model is AnnualReport else {}))
        first = row.order_by("pk").first()
        if first is not None:
            out.append((name, url.format(first.pk)))
    report = QualityReport.objects.filter(assignment__plan__filing__region__code="500238").order_by("pk").first()
    if report is not None:
        out.append(("quality report detail", f"/quality/reports/{report.pk}/"))
    return out


def measure(requests: int, bound: int = 120) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    from skillreg.accounts.models import User
    from skillreg.applications.models import Application
    from skillreg.certificates.models import Certificate
    from skillreg.core import testing

    settings.ROOT_URLCONF = "cert_urls"
    settings.ALLOWED_HOSTS = ["*"]
    if os.environ.get("STAFFBENCH_BEFORE"):  # the certificate list as it was: an exact COUNT on every page
        from django.core.paginator import Paginator

        from skillreg.certificates import views

        views.CappedPaginator = Paginator  # type: ignore[misc,assignment]

    def signed_in(user: Any) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = testing.make_otp_device(user).persistent_id
        session.save()
        return client

    district = User.objects.get(username="bench_hrss-500238")
    cases = Application.objects.filter(number__startswith="BA50B")
    case = cases.order_by("pk")[cases.count() // 2]
    cert = Certificate.objects.filter(filing__region__code="500238").order_by("pk").last()
    assert cert is not None
    d = signed_in(district)
    province = User.objects.filter(username="bench_province").first()
    if province is None:
        province = testing.make_staff("bench_province", "hrss-500000")
    p = signed_in(province)
    auditor = User.objects.filter(username="bench_auditor").first()
    if auditor is None:
        auditor = testing.make_admin("bench_auditor", "audit_admin")
    a = signed_in(auditor)
    pages: list[tuple[str, Client, str]] = [
        ("work list", d, "/staff/?mine=0"),
        ("work list, page 2000", d, "/staff/?mine=0&page=2000"),
        ("work list, page 250", d, "/staff/?mine=0&page=250"),
        ("work list, keyword", d, "/staff/?mine=0&q=BA50B000012"),
        ("case page", d, f"/staff/cases/{case.public_id}/"),
        ("certificates, first page", d, "/certificates/"),
        ("certificates, by number", d, f"/certificates/?q={cert.number}"),
        ("certificates, by name", d, f"/certificates/?q={cert.holder_name}"),
        ("statistics (district)", d, "/certificates/statistics/"),
    ]
    pages += _other_pages(d, p, a, case, cert)
    pages.append(("statistics (Chongqing)", p, "/certificates/statistics/"))
    pages.append(("certificates (Chongqing)", p, "/certificates/"))
    out: dict[str, Any] = {}
    wanted = [w for w in os.environ.get("STAFFBENCH_PAGES", "").split(",") if w]
    skipped = [w for w in os.environ.get("STAFFBENCH_SKIP", "").split(",") if w]
    for name, client, path in pages:
        if wanted and not any(w in name for w in wanted):
            continue
        if any(w in name for w in skipped):
            continue
        status = client.get(path).status_code
        if status != 200:
            log(f"{name:28} {path}: HTTP {status}, not measured")
            out[name] = {"path": path, "status": status}
            continue
        for _ in range(2):
            _timed(client, path)
            _timed(client, "/bench/ping")
        own, ping, cpu, db, nq = [], [], [], [], []
        deadline = time.perf_counter() + bound  # bounded: at most this long a page
        for _ in range(requests):
            with CaptureQueriesContext(connection) as queries:
                own.append(_timed(client, path, cpu))
            db.append(sum(float(q["time"]) for q in queries.captured_queries))
            nq.append(len(queries.captured_queries))  # here: the next request empties the connection's log
            ping.append(_timed(client, "/bench/ping"))
            if time.perf_counter() > deadline:
                break
        own.sort()
        ping.sort()
        p50, p95 = statistics.median(own), own[max(0, int(len(own) * 0.95 + 0.5) - 1)]
        out[name] = {
            "path": path,
            "n": len(own),
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "ping_p50_ms": round(statistics.median(ping) * 1000, 2),
            # this process's CPU per request and the time spent in database queries (the server's work and the
            # round trips): on a loaded machine, the wall-clock figures above also count waiting for a core
            "cpu_p50_ms": round(statistics.median(cpu) * 1000, 1),
            "db_p50_ms": round(statistics.median(db) * 1000, 1),
            "queries": max(nq),
            "ratio": round(statistics.median(ping) / p50, 3),
        }
        log(
            f"{name:28} cpu {out[name]['cpu_p50_ms']:6.1f} ms db {out[name]['db_p50_ms']:7.1f} ms ({out[name]['queries']} q)  p50 {out[name]['p50_ms']:7.1f} ms  p95 {out[name]['p95_ms']:7.1f} ms  "
            f"ping p50 {out[name]['ping_p50_ms']} ms  ratio {out[name]['ratio']}  (load {os.getloadavg()[0]:.1f})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seconds-per-page", type=int, default=120)
    parser.add_argument(
        "--extra",
        action="store_true",
        help="first add bounded, realistic inspections, rectifications, complaints, quality and annual reports, "
        "appraisals and inbox messages (bench/extra_rows.py; once per database)",
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=0,
        help="first add N more open complaints in Chongqing (extra_rows.backlog): the home's work must not grow",
    )
    args = parser.parse_args()
    log("machine:", cert_common.machine())
    os.environ["SKILLREG_DEBUG"] = "0"
    os.environ["SKILLREG_SSL_REDIRECT"] = "0"
    os.environ.setdefault("SKILLREG_LOG_LEVEL", "ERROR")
    if args.reuse:
        cert_common.configure("postgres")
        import django

        django.setup()
    else:
        build(args.rows, args.cases, args.filings)
    if args.extra:
        import extra_rows

        started = time.perf_counter()
        extra_rows.generate()
        log(f"extra rows in {time.perf_counter() - started:.0f}s")
    if args.backlog:
        import extra_rows

        log(f"backlog: {extra_rows.backlog(args.backlog):,} more open complaints")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM certificates_certificate")
        certs = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM applications_application")
        apps = cur.fetchone()[0]
    log(f"data: {certs:,} certificates, {apps:,} applications")
    print(
        json.dumps(
            {"certificates": certs, "applications": apps, "pages": measure(args.requests, args.seconds_per_page)},
            indent=1,
        )
    )
    log(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
