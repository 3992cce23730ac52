"""The public directory at provincial scale (issue 16, item 6). Not a test; loopback only, bounded in time.

    python bench/directory_bench.py [--institutions 10000] [--seconds 10] [--only gunicorn-2x4] [--profile]

Builds a fresh PostgreSQL database ``skillreg_dirbench`` with N public filings: one filed through the real
services, the rest cloned from it in bulk (unit, application, filing, scope, version and version scope rows,
each with its own code, USCC and name; regions spread over the seeded districts), so that 10,000 take seconds.
Then it serves the real application with gunicorn (deploy/gunicorn.conf.py, as deployed; Redis db 9) and reports
requests/s of /bench/ping (a trivial view on the same stack), the first directory page, a later page and a
filtered page, with each one's ratio to ping in the same run. ``--profile`` instead runs the directory view
in-process under cProfile and prints the top functions.
"""

# ruff: noqa: S108, S603, S607, E501 - benchmark only (E501: the clone script is a string): fixed /tmp paths, our own commands

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402
import serve_bench  # noqa: E402

serve_bench.DB = "skillreg_dirbench"
serve_bench.PORT = 18790
serve_bench.NGINX_PORT = 18791
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")  # a Redis database of its own
_base_env = serve_bench.env
PATHS: list[tuple[str, str, str | None]] = [
    ("ping", "/bench/ping", None),
    ("directory", "/directory/", None),
    ("directory p.200", "/directory/?page=200", None),
    ("directory q=", "/directory/?q=%E6%9C%BA%E6%9E%84&kind=", None),
]

CLONE = r"""
import datetime as dt, uuid
from django.db import transaction
from django.utils import timezone
from skillreg.institutions.models import ApplicantUnit, Filing, FilingScope, FilingVersion, FilingVersionScope
from skillreg.applications.models import Application
from skillreg.regions.models import Region

n = %d
tpl = Filing.objects.select_related("unit", "application").get()
scope = list(FilingScope.objects.filter(filing=tpl))
ver = FilingVersion.objects.get(filing=tpl)
vscope = list(FilingVersionScope.objects.filter(version=ver))
regions = list(Region.objects.filter(code__startswith=tpl.region.code[:2]).exclude(code__endswith="00"))
regions = regions or [tpl.region]
STEP = 1000
with transaction.atomic():
    for start in range(1, n, STEP):
        idx = range(start, min(start + STEP, n))
        units, apps, filings = [], [], []
        for i in idx:
            u = ApplicantUnit(**{f.attname: getattr(tpl.unit, f.attname) for f in ApplicantUnit._meta.concrete_fields})
            u.pk = None
            u.uscc = "91%%016d" %% i
            u.name = f"{tpl.unit.name}{i}"
            units.append(u)
        ApplicantUnit.objects.bulk_create(units)
        for i, u in zip(idx, units):
            a = Application(**{f.attname: getattr(tpl.application, f.attname) for f in Application._meta.concrete_fields})
            a.pk, a.public_id, a.number, a.unit_id = None, uuid.uuid4(), None, u.pk
            apps.append(a)
        Application.objects.bulk_create(apps)
        for i, u, a in zip(idx, units, apps):
            f = Filing(**{f.attname: getattr(tpl, f.attname) for f in Filing._meta.concrete_fields})
            f.pk, f.unit_id, f.application_id = None, u.pk, a.pk
            f.code = "B%%012d" %% i
            f.name = f"第{i}职业技能评价机构"
            f.region_id = regions[i %% len(regions)].pk
            f.filed_on = tpl.filed_on - dt.timedelta(days=i %% 700)
            filings.append(f)
        Filing.objects.bulk_create(filings)
        FilingScope.objects.bulk_create(
            [FilingScope(filing_id=f.pk, occupation_id=s.occupation_id, levels=s.levels) for f in filings for s in scope]
        )
        versions = []
        for f in filings:
            v = FilingVersion(**{x.attname: getattr(ver, x.attname) for x in FilingVersion._meta.concrete_fields})
            v.pk, v.filing_id, v.name, v.application_id = None, f.pk, f.name, None
            versions.append(v)
        FilingVersion.objects.bulk_create(versions)
        FilingVersionScope.objects.bulk_create(
            [FilingVersionScope(version_id=v.pk, occupation_id=s.occupation_id, levels=s.levels)
             for v in versions for s in vscope]
        )
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # planner statistics after the bulk load, as autovacuum would have them
print("filings:", Filing.objects.count())
"""


def env() -> dict[str, str]:
    return {**_base_env(), "REDIS_URL": REDIS}


def build(institutions: int) -> None:
    serve_bench.env = env  # type: ignore[assignment]
    serve_bench.build(1)
    code = CLONE % institutions
    subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{code}"], check=True, env=env())


PROFILE = r"""
import cProfile, pstats, time
from django.test import Client
c = Client(HTTP_HOST="127.0.0.1")
for p in ("/directory/", "/directory/?page=200"):
    c.get(p)
    t = time.perf_counter()
    for _ in range(20):
        assert c.get(p).status_code == 200
    print(p, "ms/request in-process:", round((time.perf_counter() - t) / 20 * 1000, 1))
pr = cProfile.Profile()
pr.enable()
for _ in range(20):
    c.get("/directory/")
pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(60)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--institutions", type=int, default=10_000)
    parser.add_argument("--only", default="gunicorn-2x4")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    serve_bench.env = env  # type: ignore[assignment]
    serve_bench.PATHS = PATHS
    if not args.no_build:
        build(args.institutions)
    if args.profile:
        e = {**env(), "DJANGO_ALLOWED_HOSTS": "*"}
        subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{PROFILE}"], check=True, env=e, cwd=ROOT)
        return
    print(cert_common.machine(), f"load {os.getloadavg()[0]:.1f}", f"institutions {args.institutions}")
    for kind in args.only.split(","):
        results = serve_bench.measure(kind, args.seconds)
        print(f"\n{kind}")
        for name, r in results.items():
            print(
                f"  {name:16} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
                f"ratio {r['ratio']:.2f}  errors {r['errors']}"
            )
    print(f"load {os.getloadavg()[0]:.1f}")


ROOT = cert_common.ROOT

if __name__ == "__main__":
    main()
