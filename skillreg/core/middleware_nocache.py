"""``Cache-Control: no-store`` on every response to a signed-in user (issue 12, item 16).

Pages and exports with personal data (masked ID numbers, case files, certificate lists) must not stay in a
browser's or a shared proxy's cache. Anonymous public pages are left alone (they may be made cacheable
elsewhere); static files never reach this middleware (WhiteNoise answers them first).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoreWhenSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            response.headers.pop("Cache-Control", None)
            response.headers.pop("Expires", None)
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
            patch_vary_headers(response, ["Cookie"])
        return response
