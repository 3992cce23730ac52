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
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .middleware import client_ip

logger = logging.getLogger("skillreg.security")


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def rate_for(scope: str) -> str:
    return settings.SKILLREG_RATE_LIMITS.get(scope, "60/60")


def hit(scope: str, key: str, rate: str) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    count, seconds = parse_rate(rate)
    now = time.time()
    window = int(now // seconds)
    cache_key = f"rl:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=seconds + 1)
    try:
        n = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds + 1)
        n = 1
    return n <= count, int(seconds - (now % seconds)) + 1


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
