"""Fixed-window rate limits in Django's cache (LocMem in one process, Redis when REDIS_URL is set).

Rates are ``"count/seconds"``; named scopes live in ``settings.SKILLREG_RATE_LIMITS`` ("login",
"certificate_verify", "complaint", …). Use the decorator on a view::

    @ratelimit("complaint")                  # POSTs per client address
    def complaint_form(request): ...

    @ratelimit("reveal", key="user", rate=settings.SKILLREG_REVEAL_RATE)

A refused request gets 429 with a Chinese page (or JSON under /api/), is logged to ``skillreg.security`` and
reaches no view code, so nothing is written.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .middleware import client_ip

logger = logging.getLogger("skillreg.security")


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def rate_for(scope: str) -> str:
    return settings.SKILLREG_RATE_LIMITS.get(scope, "60/60")


def _window(scope: str, key: str, rate: str, now: float) -> tuple[str, int, int, int]:
    """(cache key, allowed count, window seconds, seconds until the window ends)."""
    count, seconds = parse_rate(rate)
    return f"rl:{scope}:{key}:{int(now // seconds)}", count, seconds, int(seconds - (now % seconds)) + 1


def _count(cache: BaseCache, cache_key: str, seconds: int) -> int:
    # Increment first: one cache operation for every request but the first of a window (the hot path of
    # public endpoints). A missing key is created with add(), which only one of two racing requests wins;
    # the loser increments the winner's key.
    try:
        return int(cache.incr(cache_key))
    except ValueError:
        if cache.add(cache_key, 1, timeout=seconds + 1):
            return 1
        try:
            return int(cache.incr(cache_key))
        except ValueError:  # expired in between: start again
            cache.set(cache_key, 1, timeout=seconds + 1)
            return 1


# Every window in one command (issue 16: three windows pipelined were 6 commands to pack, send and parse — 16–22 %
# of a public verification's CPU): INCR, and a time to live on a key that has none (EXPIRE … NX, Redis ≥ 7), per key.
_LUA = """
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[i], 'NX')
end
return out
"""
_scripts: list[tuple[str, bytes]] = []  # (the script, its SHA1) once computed


class _ThreadConnection(threading.local):
    """This thread's own redis-py connection for the script (see ``_count_on_redis``)."""

    conn: Any = None
    pid: int = 0
    pool: Any = None


_local = _ThreadConnection()


def _connection(pool: Any) -> Any:
    """A connection of this thread and process, built as ``pool`` builds its own (address, database, password,
    TLS, timeouts: ``pool.connection_kwargs``) but kept out of the pool. A forked process makes its own."""
    local = _local
    if local.conn is None or local.pid != os.getpid() or local.pool is not pool:
        local.conn, local.pid, local.pool = pool.connection_class(**pool.connection_kwargs), os.getpid(), pool
    return local.conn


def _pack(*args: str | bytes | int) -> list[bytes]:
    """One command in RESP (an array of bulk strings), as redis-py's packer writes it."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return [b"".join(out)]


def _send(conn: Any, command: list[bytes]) -> Any:
    """Send one command and read its answer; anything that interrupts the exchange closes the connection, so
    that an unread answer can never be taken for the next call's."""
    try:
        conn.send_packed_command(command, check_health=False)
        return conn.read_response()
    except ResponseError:
        raise  # an error answer, read in full: the connection stays usable
    except BaseException:
        conn.disconnect()
        raise


def _count_on_redis(pool: Any, keys: list[str], ttls: list[int]) -> list[int]:
    """Run the script (EVALSHA) on this thread's connection; load it first when Redis does not know it (after a
    restart or a failover); a broken connection is reconnected and the call tried once more, as redis-py's
    default retry does (a count sent just before the break may then count twice: never fewer).

    Not through ``redis.Redis.evalsha``: its command path (pool checkout with a readiness poll, retries,
    observability hooks, release) cost ~100 µs of CPU per call here, three times the round trip itself
    (docs/performance.md, issue 16)."""
    if not _scripts or _scripts[0][0] != _LUA:
        _scripts[:] = [(_LUA, hashlib.sha1(_LUA.encode(), usedforsecurity=False).hexdigest().encode())]
    sha = _scripts[0][1]
    command = _pack(b"EVALSHA", sha, len(keys), *keys, *ttls)
    loaded = retried = False
    while True:
        conn = _connection(pool)
        try:
            return [int(n) for n in _send(conn, command)]
        except NoScriptError:
            if loaded:
                raise
            _send(conn, _pack(b"SCRIPT", b"LOAD", _LUA))
            loaded = True
        except (RedisConnectionError, RedisTimeoutError):
            conn.disconnect()
            if retried:
                raise
            retried = True


def hit(scope: str, key: str, rate: str) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    return hit_many([(scope, key, rate)])


def hit_many(windows: Sequence[tuple[str, str, str]]) -> tuple[bool, int]:
    """Count one request in each of several ``(scope, key, rate)`` windows; (allowed by all of them, seconds
    until the last refusing window ends — or the first window's end when all allow).

    Every window is counted, refused or not. On Redis this is one round trip and one command: a Lua script that
    runs INCR and EXPIRE NX per window (Django's RedisCache stores integers as plain Redis integers, so the keys
    are the cache's own and ``cache.clear()`` resets them); on other caches (local memory, SQLite deployments) one
    ``incr`` (or ``add``) per window."""
    cache = caches["default"]  # once, not through the proxy at each call
    now = time.time()
    specs = [_window(scope, key, rate, now) for scope, key, rate in windows]
    if isinstance(cache, RedisCache):
        # RedisCache has no public pipeline; its client (``_cache``) is the documented way to reach redis-py.
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # private, not in django-stubs
        # make_key: our keys (scope, address or hex digest, window number) need no memcached-safety check per call
        keys = [cache.make_key(cache_key) for cache_key, _, _, _ in specs]
        counts = _count_on_redis(client.connection_pool, keys, [seconds + 1 for _, _, seconds, _ in specs])
    else:
        counts = [_count(cache, cache_key, seconds) for cache_key, _, seconds, _ in specs]
    refused = [retry for (_, allowed, _, retry), n in zip(specs, counts, strict=True) if n > allowed]
    return (False, max(refused)) if refused else (True, specs[0][3])


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"操作过于频繁，请 {retry_after} 秒后再试。"
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "RATE_LIMITED", "message": message}, status=429)
    else:
        html = render_to_string("429.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(
    scope: str, *, key: str = "ip", rate: str | None = None, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                who = (
                    f"u{request.user.pk}"
                    if key == "user" and getattr(request, "user", None) and request.user.is_authenticated
                    else client_ip(request)
                )
                allowed, retry_after = hit(scope, who, rate or rate_for(scope))
                if not allowed:
                    logger.warning("rate limit %s exceeded by %s on %s", scope, who, request.path)
                    return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
