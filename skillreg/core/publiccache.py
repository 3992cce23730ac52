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

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

CACHEABLE_STATUS = frozenset({200, 301, 404})
FORM_MARKER = b'name="csrfmiddlewaretoken"'


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
