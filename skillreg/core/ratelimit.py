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
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

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
_scripts: list[Any] = []


def _count_on_redis(client: Any, keys: list[str], ttls: list[int]) -> list[int]:
    """Run the script on ``client`` (EVALSHA; redis-py loads it again after a Redis restart or failover)."""
    if not _scripts:
        _scripts.append(client.register_script(_LUA))
    return [int(n) for n in _scripts[0](keys=keys, args=ttls, client=client)]


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
        keys = [cache.make_and_validate_key(cache_key) for cache_key, _, _, _ in specs]
        counts = _count_on_redis(client, keys, [seconds + 1 for _, _, seconds, _ in specs])
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
