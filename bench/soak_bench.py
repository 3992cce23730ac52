"""Load and soak of the public pages on the provincial stack (issue 16). Not a test; loopback only, bounded.

    python bench/soak_bench.py [--minutes 10] [--capacity-seconds 15] [--certificates 5000] [--keep]

Starts ``scripts/cluster`` under var/soak (nginx, two gunicorn + huey nodes, PostgreSQL primary + replica, Redis,
S3 on moto) with the nodes on bench/serve_settings.py (rate limits raised: every request comes from 127.0.0.1;
the windows are still counted), files one institution and imports N certificates through the real pipeline. The
load is the public mix, alternating: certificate verification (POST /api/v1/certificates/verify, number + name of
a real certificate, every 10th with a wrong name) and the directory (GET /directory/ and its first pages, cached
by nginx as anonymous pages are; "nothing cached" gives every directory request a query string of its own).
/bench/ping, the trivial reference, also gets one, so that it always reaches a node. wrk on loopback: first
unpaced for --capacity-seconds to measure capacity
(and /bench/ping for the ratio), then paced to 80 % of that capacity for --minutes. Prints requests, errors,
non-2xx answers and latency; then stops the cluster (unless --keep).
"""

# ruff: noqa: S108, S603, S607 - benchmark only: fixed paths, our own commands

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402

ROOT = cert_common.ROOT
DIR = ROOT / "var" / "soak"
URL = "http://127.0.0.1:58080"
LUA = r"""
local bodies, i = {}, 0
for line in io.lines(os.getenv("SOAK_BODIES")) do bodies[#bodies + 1] = line end
local pages = {"/directory/", "/directory/?page=2", "/directory/?page=3", "/"}
local mode, delay_ms = os.getenv("SOAK_MODE"), tonumber(os.getenv("SOAK_DELAY_MS") or "0")
request = function()
  i = i + 1
  -- A query string of its own per request: nginx's cache (keyed by the URI) cannot answer it.
  if mode == "ping" then return wrk.format("GET", "/bench/ping?n=" .. i, {["Accept-Encoding"] = "gzip"}) end
  if i % 2 == 0 then
    return wrk.format("POST", "/api/v1/certificates/verify",
      {["Content-Type"] = "application/json", ["Accept-Encoding"] = "gzip"}, bodies[math.floor(i / 2) % #bodies + 1])
  end
  if mode == "uncached" then return wrk.format("GET", "/directory/?n=" .. i, {["Accept-Encoding"] = "gzip"}) end
  return wrk.format("GET", pages[math.floor(i / 2) % #pages + 1], {["Accept-Encoding"] = "gzip"})
end
if delay_ms > 0 then delay = function() return delay_ms end end
local non2xx = 0
response = function(status) if status < 200 or status > 299 then non2xx = non2xx + 1 end end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"status_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n', summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def cluster(*args: str, **env: str) -> None:
    subprocess.run([str(ROOT / "scripts/cluster"), *args, str(DIR)], check=True, env={**os.environ, **env})


def node_env() -> dict[str, str]:
    lines = (DIR / "cluster.env").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {**os.environ, **env, "SKILLREG_NODE_NAME": "node1", "SKILLREG_VAR_DIR": str(DIR / "node1/var")}


def seed(certificates: int) -> Path:
    run = subprocess.run(
        [sys.executable, "tests/cluster/seed.py", "filing"],
        cwd=ROOT,
        env=node_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    code = json.loads(run.stdout.strip().splitlines()[-1])["code"]
    run = subprocess.run(
        [sys.executable, "tests/cluster/seed.py", "import", str(certificates), code],
        cwd=ROOT,
        env=node_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    job = json.loads(run.stdout.strip().splitlines()[-1])["job"]
    import psycopg

    with psycopg.connect(node_env()["DATABASE_URL"], autocommit=True) as conn:
        for _ in range(600):
            status = conn.execute("SELECT status FROM certificates_importjob WHERE id = %s", [job]).fetchone()[0]
            if status not in ("queued", "running"):
                break
            time.sleep(0.5)
    if status != "done":
        raise SystemExit(f"the seeding import ended {status}")
    bodies = DIR / "verify-bodies.jsonl"
    with open(bodies, "w") as fh:
        for i in range(certificates):
            row = cert_common.row_for(i, code)
            name = row[1] if i % 10 else row[1] + "某"
            fh.write(json.dumps({"number": row[0], "name": name}, ensure_ascii=False) + "\n")
    return bodies


def wrk(bodies: Path, seconds: int, *, connections: int = 16, delay_ms: int = 0, mode: str = "mix") -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
    env = {**os.environ, "SOAK_BODIES": str(bodies), "SOAK_MODE": mode, "SOAK_DELAY_MS": str(delay_ms)}
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", fh.name, URL]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60, check=True).stdout
    r = json.loads(next(x for x in out.splitlines() if x.startswith("RESULT "))[7:])
    r["rps"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
    for k in ("p50", "p99", "max"):
        r[f"{k}_ms"] = round(r[f"{k}_us"] / 1000, 1)
    return r


def line(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label:28} {r['requests']:8d} requests {r['rps']:8.1f}/s  p50 {r['p50_ms']:6.1f} ms"
        f"  p99 {r['p99_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms"
        f"  socket errors {r['socket_errors']}  non-2xx {r['status_errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--capacity-seconds", type=int, default=15)
    parser.add_argument("--certificates", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    print(cert_common.machine(), f"load {os.getloadavg()[0]:.1f}")
    cluster("start", CLUSTER_SETTINGS_MODULE="serve_settings")
    try:
        bodies = seed(args.certificates)
        wrk(bodies, 3)  # warm every worker and nginx's cache
        ping = wrk(bodies, args.capacity_seconds, mode="ping")
        uncached = wrk(bodies, args.capacity_seconds, mode="uncached")
        capacity = wrk(bodies, args.capacity_seconds)
        print(line("capacity: /bench/ping", ping))
        print(line("capacity: mix, nothing cached", uncached), f" ratio to ping {uncached['rps'] / ping['rps']:.2f}")
        print(line("capacity: public mix", capacity), f" ratio to ping {capacity['rps'] / ping['rps']:.2f}")
        connections = 16
        target = 0.8 * capacity["rps"]
        # Each connection waits between requests so that all of them together send about `target` per second.
        delay = max(1, int(connections * 1000 / target - capacity["p50_ms"]))
        soak = wrk(bodies, int(args.minutes * 60), connections=connections, delay_ms=delay)
        print(line(f"soak {args.minutes:g} min @ 80 % ({target:.0f}/s)", soak))
        print(f"load {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            cluster("stop")


if __name__ == "__main__":
    main()
