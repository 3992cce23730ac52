"""The provincial installation on loopback (issue 16), run by ``scripts/cluster test`` (a step of scripts/test):
nginx in front of two application nodes (gunicorn + huey), a PostgreSQL primary and streaming replica, Redis and
S3 object storage (moto server). Everything is reached as production reaches it — HTTP through nginx, SQL to the
servers, commands on a node — and the failure drills stop the replica and kill a node in the middle of an import.
"""

# ruff: noqa: S310 - urllib on the loopback cluster only

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

URL = os.environ.get("SKILLREG_CLUSTER_URL", "")
DIR = Path(os.environ.get("SKILLREG_CLUSTER_DIR", "/nonexistent"))
ROOT = Path(__file__).resolve().parents[2]
NODE1 = "http://127.0.0.1:58001"  # scripts/cluster's node 1, behind nginx

pytestmark = pytest.mark.skipif(not URL, reason="needs the loopback cluster (scripts/cluster test)")


def cluster_env() -> dict[str, str]:
    lines = (DIR / "cluster.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def get(path: str, headers: dict[str, str] | None = None, *, base: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request((base or URL) + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def sql(which: str, query: str) -> Any:
    key = "DATABASE_URL" if which == "primary" else "DATABASE_REPLICA_URL"
    with psycopg.connect(cluster_env()[key], autocommit=True, connect_timeout=5) as conn:
        row = conn.execute(query).fetchone()
    return row[0] if row else None


def on_node(n: int, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **cluster_env(),
        "SKILLREG_NODE_NAME": f"node{n}",
        "SKILLREG_VAR_DIR": str(DIR / f"node{n}/var"),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=check
    )


def cluster(*args: str) -> None:
    subprocess.run([str(ROOT / "scripts/cluster"), *args, str(DIR)], check=True, timeout=180)  # noqa: S603


def pg_replica(cmd: str) -> None:
    subprocess.run([str(ROOT / "scripts/pg-replica"), cmd, str(DIR / "pg")], check=True, timeout=90)  # noqa: S603


def ready_nodes(tries: int = 12) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(tries):
        status, _, body = get("/readyz")
        assert status == 200, body
        data = json.loads(body)
        seen[data["node"]] = data
    return seen


def wait_for(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_both_nodes_serve_behind_nginx_and_every_dependency_is_ready():
    nodes = ready_nodes()
    assert set(nodes) == {"node1", "node2"}
    for data in nodes.values():
        assert {c: v["status"][:2] for c, v in data["checks"].items() if c != "replica"} == {
            "database": "ok",
            "cache": "ok",
            "storage": "ok",
            "queue": "ok",
        }
        assert data["checks"]["storage"]["status"] == "ok"  # the bucket, not local files
        assert data["checks"]["replica"]["ok"] is True


def test_static_files_have_hashed_names_a_year_of_cache_and_gzip():
    status, _, body = get("/")
    assert status == 200
    css = re.search(rb'href="(/static/css/skillreg\.[0-9a-f]{12}\.css)"', body)
    assert css, "the page links the hashed stylesheet"
    status, headers, content = get(css.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"
    assert b"{" in gzip.decompress(content)


def test_anonymous_pages_are_cached_by_nginx_and_compressed():
    path = f"/directory/?q=cache-{uuid.uuid4().hex[:8]}"
    status, first, body = get(path, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "set-cookie" not in first
    assert first["cache-control"].startswith("public")
    assert "cookie" not in first.get("vary", "").lower()
    assert first.get("content-encoding") == "gzip" and b"</html>" in gzip.decompress(body)
    assert first["x-request-id"]
    _, second, _ = get(path, {"Accept-Encoding": "gzip"})
    assert (first["x-cache"], second["x-cache"]) == ("MISS", "HIT")


def test_a_graceful_reload_drops_no_request():
    import signal
    import threading

    master = int((DIR / "pids" / "node1-web").read_text())
    statuses: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            # Straight to node 1, not through nginx (which would retry a dropped request on node 2).
            try:
                statuses.append(get(f"/directory/?q=reload-{uuid.uuid4().hex[:8]}", base=NODE1)[0])
            except OSError as exc:
                statuses.append(-1)
                errors.append(repr(exc))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1)
    os.kill(master, signal.SIGHUP)  # systemctl reload skillreg-web
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join()
    assert len(statuses) > 20
    assert set(statuses) == {200}, errors[:3]
    assert set(ready_nodes()) == {"node1", "node2"}


def _replica_transactions() -> int:
    return int(sql("replica", "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'skillreg'"))


def test_public_reads_go_to_the_replica():
    before = _replica_transactions()
    for i in range(20):
        assert get(f"/directory/?q=replica-{uuid.uuid4().hex[:8]}-{i}")[0] == 200
    # An idle backend reports its statistics within 10 s (PostgreSQL 15's idle flush interval).
    wait_for(lambda: _replica_transactions() - before >= 20, 20, "the replica to have served the reads")


def test_the_replica_down_sends_every_read_to_the_primary_and_back_when_it_returns():
    pg_replica("stop-replica")
    try:
        for i in range(20):
            status, _, _ = get(f"/directory/?q=down-{uuid.uuid4().hex[:8]}-{i}")
            assert status == 200
        nodes = ready_nodes()
        assert all(d["checks"]["replica"]["ok"] is False for d in nodes.values())
    finally:
        pg_replica("start-replica")
    wait_for(lambda: all(d["checks"]["replica"]["ok"] for d in ready_nodes(6).values()), 60, "the replica back")
    before = _replica_transactions()
    for i in range(10):
        assert get(f"/directory/?q=back-{uuid.uuid4().hex[:8]}-{i}")[0] == 200
    wait_for(lambda: _replica_transactions() - before >= 10, 20, "the replica to serve reads again")


def _running_node(job: int) -> int | None:
    if sql("primary", f"SELECT status FROM certificates_importjob WHERE id = {job}") != "running":  # noqa: S608
        return None
    # The job records the host:pid of the process that claimed it; that process's environment names its node.
    worker = sql("primary", f"SELECT worker FROM certificates_importjob WHERE id = {job}")  # noqa: S608
    pid = str(worker).rpartition(":")[2]
    if not pid.isdigit():
        return None
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for n in (1, 2):
        if f"SKILLREG_NODE_NAME=node{n}".encode() in environ:
            return n
    return None


def test_a_node_killed_during_an_import_loses_nothing_and_the_audit_chain_verifies():
    rows = 60_000
    code = json.loads(on_node(1, "tests/cluster/seed.py", "filing").stdout.strip().splitlines()[-1])["code"]
    job = json.loads(on_node(1, "tests/cluster/seed.py", "import", str(rows), code).stdout.strip().splitlines()[-1])[
        "job"
    ]
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        victim = _running_node(job)
        time.sleep(0.05)
    assert victim is not None, "the import did not start on any node"
    cluster("kill-node", str(victim))
    try:
        count = f"SELECT count(*) FROM certificates_certificate c JOIN institutions_filing f ON f.id = c.filing_id WHERE f.code = '{code}'"  # noqa: E501, S608
        assert sql("primary", f"SELECT status FROM certificates_importjob WHERE id = {job}") == "running"  # noqa: S608
        assert sql("primary", count) == 0  # all-or-nothing: the killed node's transaction rolled back
        # The surviving node's periodic check (every minute) requeues it; run the same check now instead of waiting.
        # The dead node's backend ends, dropping the job's lock, a moment after its connection went away; and the
        # periodic check may get there first.
        survivor = 2 if victim == 1 else 1
        status = f"SELECT status FROM certificates_importjob WHERE id = {job}"  # noqa: S608
        for _ in range(60):
            on_node(
                survivor,
                "manage.py",
                "shell",
                "-c",
                "from skillreg.certificates.imports import import_jobs_requeue_abandoned as r; print(r())",
            )
            if sql("primary", status) != "running":
                break
            time.sleep(1)
        assert sql("primary", status) in ("queued", "running", "done")
        assert sql("primary", "SELECT count(*) FROM audit_auditrecord WHERE action = 'certificate.import.requeue'") == 1
        wait_for(
            lambda: sql("primary", f"SELECT status FROM certificates_importjob WHERE id = {job}") == "done",  # noqa: S608
            240,
            "the requeued import to finish on the surviving node",
        )
        assert sql("primary", count) == rows
        # The upload (in the bucket) is deleted right after the job is finished.
        wait_for(
            lambda: sql("primary", f"SELECT storage_name FROM certificates_importjob WHERE id = {job}") == "",  # noqa: S608
            30,
            "the upload to be deleted",
        )
        verified = on_node(survivor, "manage.py", "audit", "verify", check=False)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        cluster("start-node", str(victim))
    assert set(ready_nodes()) == {"node1", "node2"}
