"""Scheduled jobs once per period across the cluster (issue 16).

Every node runs a huey consumer, and every consumer's scheduler enqueues the periodic tasks; on Redis they share
one queue, so each enqueued task runs once, but two schedulers enqueue it twice a period. ``claim_period`` lets
the first of them through: an atomic ``SET key NX EX`` in Redis (Django's ``cache.add`` on the Redis cache) keyed
by the task and the period's start. Without Redis (one node, SQLite queue) the local cache does the same within
the node.
"""

from __future__ import annotations

import os
import socket
import time

from django.core.cache import cache


def period_start(seconds: int, *, now: float | None = None) -> int:
    at = time.time() if now is None else now
    return int(at // seconds) * seconds


def claim_period(name: str, seconds: int, *, now: float | None = None) -> bool:
    """True for exactly one caller per ``name`` and period of ``seconds`` (aligned to the epoch)."""
    start = period_start(seconds, now=now)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    return bool(cache.add(f"skillreg:period:{name}:{start}", holder, timeout=seconds * 2))
