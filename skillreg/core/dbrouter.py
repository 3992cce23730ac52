"""Read replica routing (issue 16; docs/deployment.md, "Read replica").

With ``DATABASE_REPLICA_URL`` set, ``DATABASES["replica"]`` is a streaming standby of the primary. Reads go to it
only when all of these hold:

* the request is one of the public read paths (``SKILLREG_REPLICA_PATHS``: the directory, certificate verification,
  renewal statistics) or the code asked for it with ``replica_reads()``;
* no transaction is open on the primary (a read inside a transaction must see that transaction's writes);
* the client has not written in the last ``SKILLREG_REPLICA_PIN_SECONDS`` (read-your-writes: a write sets a cookie
  that pins that browser to the primary for that long);
* the replica answers and replays within ``SKILLREG_REPLICA_MAX_LAG`` seconds (checked at most every
  ``SKILLREG_REPLICA_CHECK_SECONDS`` per process); a replica that fails during a request marks itself down and the
  request's view is run again on the primary.

Everything else, every write, and the apps whose rows must never be stale (sessions, accounts, lockouts, second
factors) use the primary. Without a replica configured the router changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("skillreg.db")

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "skillreg_primary"
DEFAULT_PATHS = (
    "/directory/",
    "/verify/",
    "/api/v1/directory/",
    "/api/v1/certificates/verify",
    "/certificates/statistics/",
)
# Apps whose rows a request needs fresh (who is signed in, lockouts, second factors): always the primary.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "axes", "otp_totp", "otp_static", "django_otp"})

# A standby's replay delay in seconds: 0 when everything received is replayed (an idle primary is not "lag"),
# else the age of the last replayed transaction. A server that is not in recovery has none.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


@dataclass
class _Request:
    replica_allowed: bool = False
    wrote: bool = False
    used_replica: bool = False


@dataclass
class _Health:
    checked_at: float = -1e9
    ok: bool = False
    lag: float | None = None
    reason: str = "not checked"
    lock: threading.Lock = field(default_factory=threading.Lock)


_state: ContextVar[_Request | None] = ContextVar("skillreg_db_request", default=None)
_health = _Health()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads in this block go to the replica (when it is usable and no transaction is open)."""
    outer = _state.get()
    token = _state.set(_Request(replica_allowed=True, wrote=outer.wrote if outer else False))
    try:
        yield
    finally:
        inner = _state.get()
        _state.reset(token)
        if outer is not None and inner is not None:
            outer.wrote |= inner.wrote
            outer.used_replica |= inner.used_replica


@contextmanager
def primary_only() -> Iterator[None]:
    """Every read in this block from the primary, whatever the request path."""
    token = _state.set(_Request(replica_allowed=False))
    try:
        yield
    finally:
        _state.reset(token)


def mark_replica_down(reason: str) -> None:
    with _health.lock:
        _health.ok, _health.reason, _health.checked_at = False, reason, time.monotonic()
    log.warning("read replica unusable, reading from the primary: %s", reason)
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped either way
        log.debug("closing the replica connection failed", exc_info=True)


def replica_status(*, force: bool = False) -> dict[str, Any]:
    """Whether reads may go to the replica now: {ok, lag, reason}. Cached per process for the check interval."""
    if not replica_configured():
        return {"ok": False, "lag": None, "reason": "not configured"}
    now = time.monotonic()
    if force or now - _health.checked_at >= settings.SKILLREG_REPLICA_CHECK_SECONDS:
        with _health.lock:
            if force or now - _health.checked_at >= settings.SKILLREG_REPLICA_CHECK_SECONDS:
                _check(now)
    return {"ok": _health.ok, "lag": _health.lag, "reason": _health.reason}


def _check(now: float) -> None:
    conn = connections[REPLICA]
    try:
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute(LAG_SQL)
                lag = float(cur.fetchone()[0])
        else:
            lag = 0.0
    except DatabaseError as exc:
        _health.ok, _health.lag, _health.reason = False, None, f"unreachable: {exc.__class__.__name__}"
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            log.debug("closing the replica connection failed", exc_info=True)
    else:
        limit = settings.SKILLREG_REPLICA_MAX_LAG
        _health.ok, _health.lag = lag <= limit, lag
        _health.reason = "ok" if lag <= limit else f"lag {lag:.1f} s > {limit:g} s"
    _health.checked_at = now
    if not _health.ok:
        log.warning("read replica unusable, reading from the primary: %s", _health.reason)


def read_alias(app_label: str = "") -> str:
    """The database a read should use now: the replica when every condition of the module docstring holds.
    Raw SQL reads (``core.db.hot_query``) call it directly; the ORM's reads go through ``ReplicaRouter``."""
    state = _state.get()
    if state is None or not state.replica_allowed or state.wrote:
        return PRIMARY
    if app_label in PRIMARY_ONLY_APPS or not replica_configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if not replica_status()["ok"]:
        return PRIMARY
    state.used_replica = True
    return REPLICA


class ReplicaRouter:
    """DATABASE_ROUTERS entry. Returning None means the primary ("default")."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = read_alias(model._meta.app_label)  # type: ignore[attr-defined]
        return None if alias == PRIMARY else alias

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        state = _state.get()
        # Sessions are saved on every request; that is not a write the user reads back elsewhere.
        if state is not None and model._meta.app_label != "sessions":  # type: ignore[attr-defined]
            state.wrote = True
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == PRIMARY


def _replica_path(path: str) -> bool:
    prefixes = getattr(settings, "SKILLREG_REPLICA_PATHS", DEFAULT_PATHS)
    return any(path.startswith(p) for p in prefixes)


class ReplicaRoutingMiddleware:
    """Marks the public read paths as replica-eligible, pins a client who wrote to the primary, and re-runs a
    view on the primary when the replica fails under it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        pinned = PIN_COOKIE in request.COOKIES
        state = _Request(replica_allowed=_replica_path(request.path_info) and not pinned)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.SKILLREG_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> None:
        request._replica_view = (view_func, args, kwargs)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        state = _state.get()
        if state is None or not state.used_replica or not isinstance(exception, DatabaseError):
            return None
        view = getattr(request, "_replica_view", None)
        if view is None:
            return None
        mark_replica_down(f"failed during a request: {exception.__class__.__name__}")
        view_func, args, kwargs = view
        state.replica_allowed = False
        return view_func(request, *args, **kwargs)
