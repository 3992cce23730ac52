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


def hit(scope: str, key: str, rate: str) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    return hit_many([(scope, key, rate)])


def hit_many(windows: Sequence[tuple[str, str, str]]) -> tuple[bool, int]:
    """Count one request in each of several ``(scope, key, rate)`` windows; (allowed by all of them, seconds
    until the last refusing window ends — or the first window's end when all allow).

    Every window is counted, refused or not. On Redis this is one round trip: INCR and EXPIRE NX per window in
    one pipeline (Django's RedisCache stores integers as plain Redis integers, so the keys are the cache's own
    and ``cache.clear()`` resets them); on other caches one ``incr`` (or ``add``) per window."""
    cache = caches["default"]  # once, not through the proxy at each call
    now = time.time()
    specs = [_window(scope, key, rate, now) for scope, key, rate in windows]
    if isinstance(cache, RedisCache):
        # RedisCache has no public pipeline; its client (``_cache``) is the documented way to reach redis-py.
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # private, not in django-stubs
        pipe = client.pipeline(transaction=False)
        for cache_key, _, seconds, _ in specs:
            raw = cache.make_and_validate_key(cache_key)
            pipe.incr(raw)
            pipe.expire(raw, seconds + 1, nx=True)
        counts = [int(n) for n in pipe.execute()[0::2]]
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
