"""Run on a cluster node (scripts/cluster's environment) by tests/cluster: ``seed.py filing`` files one institution
with its evaluation batches through the real services and prints its filing code; ``seed.py import N CODE``
uploads an N-row certificate report for it (stored encrypted in the bucket) and queues its import on the shared
queue, printing the job id."""

# ruff: noqa: S108 - the report is written to this node's own temp dir

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import cert_common  # noqa: E402


def filing() -> None:
    made = cert_common.make_filings([("500238", "hrss-500238")])[0]
    cert_common.make_batches(made, made.bench_user, passes=1_000_000)
    print(json.dumps({"code": made.code, "user": made.bench_user.username}))


def queue_import(rows: int, code: str) -> None:
    from skillreg.certificates.imports import import_job_create
    from skillreg.certificates.tasks import import_job_task
    from skillreg.institutions.models import Filing

    target = Filing.objects.get(code=code)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.csv"
        cert_common.write_csv(path, rows, code)
        with open(path, "rb") as fh, cert_common.at(cert_common.dt.date(2026, 6, 1)):
            job = import_job_create(
                filing=target, actor="cluster-test", fileobj=fh, name="证书.csv", mode="all_or_nothing"
            )
    import_job_task(job.pk)
    print(json.dumps({"job": job.pk, "storage_name": job.storage_name}))


if __name__ == "__main__":
    if sys.argv[1] == "filing":
        filing()
    else:
        queue_import(int(sys.argv[2]), sys.argv[3])
