"""NUL bytes are refused at the edge (issue 12, item 13).

A NUL character in a query parameter, a URL path segment or a JSON body reached PostgreSQL, which refuses it
in text ("A string literal cannot contain NUL"): a 500, and an API report left its job running. No legitimate
input holds one, so such a request is answered 400 with a clear message (a page, or ``{code, message}`` on
the API) before any view runs. Form fields are already checked by Django's forms (ProhibitNullCharacters);
file uploads are binary and checked by their own readers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("skillreg.security")
MESSAGE = "请求中含有不允许的空字符（NUL），已拒绝。请检查输入内容。"


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            path = request.path.replace("\x00", "\\0")
            logger.warning("request with a NUL byte refused: %s %s", request.method, path)
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "INPUT_NUL", "message": MESSAGE}, status=400)
            return HttpResponse(render_to_string("input_refused.html", {"message": MESSAGE}), status=400)
        return self.get_response(request)
