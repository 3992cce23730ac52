"""Anonymous GET pages that a shared cache may keep (issue 16, item 6 of the issue).

Every page renders the CSRF token into ``<meta name="csrf-token">`` and reads ``request.user``, so Django set a
CSRF cookie and ``Vary: Cookie`` on every anonymous page: no proxy or browser cache could share them. This
middleware (placed before the session and CSRF middleware, so that its response phase runs after theirs) turns an
anonymous GET/HEAD answer into a public one when nothing on it needs the cookie:

* no session cookie came with the request and the user is not signed in;
* the page has no form that posts a CSRF token (``csrfmiddlewaretoken``) — such a page keeps its cookie;
* the response sets no other cookie and did not already choose its own ``Cache-Control``;
* the status is 200, 301 or 404.

Then the CSRF cookie is dropped, ``Cookie`` leaves ``Vary`` and the answer gets
``Cache-Control: public, max-age=SKILLREG_PUBLIC_MAX_AGE`` (default 60 s). Signed-in responses are left alone
(they are marked ``no-store`` elsewhere). nginx bypasses its cache for requests carrying a session cookie
(deploy/nginx/skillreg.conf).
"""

from __future__ import annotations

import gzip
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_vary_headers

CACHEABLE_STATUS = frozenset({200, 301, 404})
FORM_MARKER = b'name="csrfmiddlewaretoken"'
# The most recently kept pages also stay in this process (keys carry the data version, so a copy is never stale):
# a hit then costs no round trip to the shared cache either. About 50 KB a page (plain + gzip).
RECENT_PAGES = 200
_recent: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
_lock = threading.Lock()  # gthread workers: several threads share the copy
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware reads Accept-Encoding


def _anonymous(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _without_cookie_vary(value: str) -> str:
    return ", ".join(v for v in cc_delim_re.split(value) if v and v.lower() != "cookie")


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code not in CACHEABLE_STATUS:
            return response
        if response.streaming or response.has_header("Cache-Control") or not _anonymous(request):
            return response
        if FORM_MARKER in response.content:
            return response
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return response
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        if response.has_header("Vary"):
            vary = _without_cookie_vary(response["Vary"])
            if vary:
                response["Vary"] = vary
            else:
                del response["Vary"]
        max_age = int(getattr(settings, "SKILLREG_PUBLIC_MAX_AGE", 60))
        response["Cache-Control"] = f"public, max-age={max_age}"
        return response


# -- Whole anonymous pages kept in the shared cache (the directory at 10,000 institutions, issue 16) -------------------
def shareable_request(request: HttpRequest) -> bool:
    """A request whose page is the same for everyone: nobody signed in and no cookie but perhaps a CSRF one (no
    session, no flashed messages, no read-your-writes pin) — the pages this middleware makes public."""
    if set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}:
        return False
    return _anonymous(request)


def cached_public_page(request: HttpRequest, key: str) -> HttpResponse | None:
    """The page kept under ``key`` for a shareable request, gzip-encoded when the client accepts it (a hit costs no
    rendering and no compression: GZipMiddleware leaves a response with a Content-Encoding alone); else ``None``."""
    if request.method not in ("GET", "HEAD") or not shareable_request(request):
        return None
    with _lock:
        stored = _recent.get(key)
        if stored is not None:
            _recent.move_to_end(key)
    if stored is None:
        stored = cache.get(key)
        if stored is None:
            return None
        _remember(key, stored)
    content, gzipped = stored
    accepts = _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None
    response = HttpResponse(gzipped if accepts else content, content_type="text/html; charset=utf-8")
    if accepts:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def keep_public_page(request: HttpRequest, response: HttpResponse, key: str, timeout: int) -> None:
    """Keep a rendered 200 page for ``cached_public_page``, only when it is the same for everyone: a shareable
    request that brought **no** CSRF cookie (the page's ``<meta name="csrf-token">`` then comes from a fresh secret
    that no browser holds, since the cookie is dropped here, so sharing the page shares nobody's token) and a page
    without a posting form."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return
    if settings.CSRF_COOKIE_NAME in request.COOKIES or not shareable_request(request):
        return
    if FORM_MARKER in response.content or set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return
    content = response.content
    stored = (content, gzip.compress(content, compresslevel=6, mtime=0))
    cache.set(key, stored, timeout)
    _remember(key, stored)


def _remember(key: str, stored: tuple[bytes, bytes]) -> None:
    with _lock:
        _recent[key] = stored
        while len(_recent) > RECENT_PAGES:
            _recent.popitem(last=False)
