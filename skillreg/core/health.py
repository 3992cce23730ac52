"""Liveness and readiness for the load balancer and systemd (issue 16; docs/deployment.md).

``/healthz``: the process answers and reaches its database (views.healthz). ``/readyz``: every dependency a
request or a background job needs — the primary database, Redis (cache and rate limits), object storage and the
task queue — answers; 503 with the failing ones named otherwise. The read replica is reported but never makes a
node unready: reads fall back to the primary.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from . import dbrouter


def _database() -> str:
    with connections["default"].cursor() as cur:
        cur.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    key = "skillreg:readyz"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    return "ok" if getattr(settings, "REDIS_URL", "") else "ok (local memory)"


def _storage() -> str:
    default_storage.exists("readyz.probe")
    return "ok" if getattr(settings, "SKILLREG_S3_BUCKET", "") else "ok (local files)"


def _queue() -> str:
    from huey.contrib.djhuey import HUEY

    return f"ok ({HUEY.storage.queue_size()} queued)"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "queue": _queue,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, Any] = {}
    ready = True
    for name, check in CHECKS.items():
        t0 = time.perf_counter()
        try:
            results[name] = {"status": check()}
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency makes the node unready
            ready = False
            results[name] = {"status": "error", "error": exc.__class__.__name__}
        results[name]["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    if dbrouter.replica_configured():
        results["replica"] = dbrouter.replica_status()
    node = os.environ.get("SKILLREG_NODE_NAME") or socket.gethostname()
    body = {"status": "ok" if ready else "unavailable", "node": node, "checks": results}
    return JsonResponse(body, status=200 if ready else 503)
