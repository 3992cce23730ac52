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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache


def period_start(seconds: int, *, now: float | None = None) -> int:
    at = time.time() if now is None else now
    return int(at // seconds) * seconds


def claim_period(name: str, seconds: int, *, now: float | None = None) -> bool:
    """True for exactly one caller per ``name`` and period of ``seconds`` (aligned to the epoch)."""
    start = period_start(seconds, now=now)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    return bool(cache.add(f"skillreg:period:{name}:{start}", holder, timeout=seconds * 2))


# --- who is still working on a job ------------------------------------------------------------------
# A running job holds a PostgreSQL session advisory lock on (NAMESPACE, job id) on its node's connection. When the
# node dies, its connection closes and the lock goes with it, so another node can tell a dead job from a slow
# one without guessing from timestamps (which an all-or-nothing import cannot update: its transaction is open).
NAMESPACE = 0x534B  # "SK"


def _pg(alias: str = "default") -> Any:
    from django.db import connections

    conn = connections[alias]
    return conn if conn.vendor == "postgresql" else None


class Busy(Exception):
    """Another live process holds this job."""


@contextmanager
def working_on(job_id: int) -> Iterator[None]:
    """Holds the liveness lock of ``job_id`` for the block (PostgreSQL; a no-op elsewhere); ``Busy`` at once when
    another process holds it."""
    conn = _pg()
    if conn is None:
        yield
        return
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, job_id])
        if not cur.fetchone()[0]:
            raise Busy(job_id)
    try:
        yield
    finally:
        if conn.connection is not None:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, job_id])


def someone_working_on(job_id: int) -> bool | None:
    """True while a live process holds the job's lock, False when none does, None where it cannot be known
    (SQLite: one node, the caller falls back to the job's heartbeat)."""
    conn = _pg()
    if conn is None:
        return None
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, job_id])
        got = bool(cur.fetchone()[0])
        if got:
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, job_id])
    return not got
