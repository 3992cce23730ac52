"""Which WSGI server, and what the public pages cost on it (issue 16). Not a test; loopback only, bounded in time.

    python bench/serve_bench.py [--seconds 10] [--institutions 50] [--only waitress,gunicorn-2x4,...]

Database: a fresh PostgreSQL database ``skillreg_servebench`` on the local server with N institutions filed
through the real services; Redis db 5 for the cache and rate limits (shared by gunicorn's processes). Each server
runs the real application with SKILLREG_DEBUG=0 plus /bench/ping (bench/cert_urls.py), rate limits raised. wrk
(1 thread, 16 connections) hits each path for --seconds; figures are requests/s, p50/p99, and the ratio to
/bench/ping on the same server. ``nginx+gunicorn`` puts nginx (deploy/nginx/skillreg.conf with its cache off)
in front, as in production.
"""

# ruff: noqa: S108, S603, S607 - benchmark only: fixed /tmp paths, our own commands

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402

ROOT = cert_common.ROOT
PORT = 18780
NGINX_PORT = 18781
DB = "skillreg_servebench"
LUA = r"""
local method, body = os.getenv("SB_METHOD") or "GET", os.getenv("SB_BODY")
wrk.method = method
if body then wrk.body = body; wrk.headers["Content-Type"] = "application/json" end
wrk.headers["Accept-Encoding"] = "gzip"
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99)))
end
"""
PATHS: list[tuple[str, str, str | None]] = [
    ("ping", "/bench/ping", None),
    ("home", "/", None),
    ("directory", "/directory/", None),
    ("verify (API)", "/api/v1/certificates/verify", json.dumps({"number": "50023826400000010", "name": "张三"})),
]


def env() -> dict[str, str]:
    cert_common.configure("postgres")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "SKILLREG_DEBUG": "0",
        "SKILLREG_SSL_REDIRECT": "0",
        "SKILLREG_LOG_LEVEL": "ERROR",
        "SKILLREG_BENCH_RAISE_LIMITS": "1",
        "DJANGO_SETTINGS_MODULE": "serve_settings",
        "PYTHONPATH": f"{Path(__file__).parent}:{ROOT}",
    }


def build(institutions: int) -> None:
    import psycopg

    with psycopg.connect(cert_common.PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    e = env()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=e)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], check=True, env=e)
    code = (
        "import cert_common; cert_common.make_filings([('500238', 'hrss-500238')] * %d)" % institutions  # noqa: UP031
    )
    subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], check=True, env=e)


def server_cmd(kind: str) -> list[str]:
    if kind == "waitress":
        return [
            str(ROOT / ".venv/bin/waitress-serve"),
            f"--listen=127.0.0.1:{PORT}",
            "--threads=4",
            "config.wsgi:application",
        ]
    workers, threads = kind.removeprefix("gunicorn-").removeprefix("nginx+gunicorn-").split("x")
    return [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        str(ROOT / "deploy/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        workers,
        "--threads",
        threads,
        "--access-logfile",
        "/dev/null",
    ]


def start_nginx(tmp: Path) -> subprocess.Popen[bytes]:
    site = (ROOT / "deploy/nginx/skillreg.conf").read_text()
    site = (
        site.replace("@LISTEN@", f"127.0.0.1:{NGINX_PORT}")
        .replace("@UPSTREAMS@", f"server 127.0.0.1:{PORT};")
        .replace("@STATIC_ROOT@", str(ROOT / "staticfiles") + "/")
        .replace("@CACHE_DIR@", str(tmp / "cache"))
        .replace("/etc/nginx/skillreg_proxy.conf", str(ROOT / "deploy/nginx/skillreg_proxy.conf"))
        .replace("proxy_cache skillreg_public;", "proxy_cache off;")
    )
    (tmp / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\ndaemon off;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{ include /etc/nginx/mime.types; access_log off;\n"
        f"client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; include {tmp}/site.conf; }}\n"
    )
    return subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])


def wait(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server on {port}")


def wrk(port: int, path: str, body: str | None, seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
    e = {**os.environ, "SB_METHOD": "POST" if body else "GET"}
    if body:
        e["SB_BODY"] = body
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--timeout", "5s", "-s", fh.name, f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=seconds + 30, check=True).stdout
    r = json.loads(next(x for x in out.splitlines() if x.startswith("RESULT "))[7:])
    r["rps"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
    r["p50_ms"], r["p99_ms"] = round(r["p50_us"] / 1000, 2), round(r["p99_us"] / 1000, 2)
    return r


def measure(kind: str, seconds: int) -> dict[str, Any]:
    proc = subprocess.Popen(server_cmd(kind), env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp = Path(tempfile.mkdtemp(prefix="servebench-"))
    nginx = None
    try:
        wait(PORT)
        port = PORT
        if kind.startswith("nginx+"):
            nginx = start_nginx(tmp)
            wait(NGINX_PORT)
            port = NGINX_PORT
        for _, path, body in PATHS:  # warm every worker
            wrk(port, path, body, 1)
        results = {name: wrk(port, path, body, seconds) for name, path, body in PATHS}
        ping = results["ping"]["rps"]
        for r in results.values():
            r["ratio"] = round(r["rps"] / ping, 2)
        return results
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(10)
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--institutions", type=int, default=50)
    parser.add_argument("--only", default="waitress,gunicorn-2x4,gunicorn-4x2,nginx+gunicorn-4x2")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        build(args.institutions)
    print(cert_common.machine(), f"load {os.getloadavg()[0]:.1f}")
    for kind in args.only.split(","):
        results = measure(kind, args.seconds)
        print(f"\n{kind}")
        for name, r in results.items():
            print(
                f"  {name:14} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
                f"ratio {r['ratio']:.2f}  errors {r['errors']}"
            )
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
