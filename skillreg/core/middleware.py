"""Request-level plumbing: the client address for the audit trail, and refusing oversized bodies early."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("skillreg.security")

_client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="")


def current_client_ip() -> str:
    return _client_ip.get()


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind the TLS proxy (SKILLREG_BEHIND_TLS_PROXY) the address that proxy appended last to
    X-Forwarded-For. Anything else in that header is client-controlled and ignored."""
    if getattr(settings, "SKILLREG_BEHIND_TLS_PROXY", False):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


class RequestSizeLimitMiddleware:
    """413 for a request whose declared Content-Length exceeds SKILLREG_REQUEST_MAX_BYTES, before anything
    reads the body (a 2 GB upload is refused from its headers). Bodies without a length are cut off by
    ``uploads.SizeLimitUploadHandler`` and Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = settings.SKILLREG_REQUEST_MAX_BYTES
        if length > limit or length < 0:
            logger.warning(
                "request body refused: Content-Length %s > %s on %s from %s",
                request.META.get("CONTENT_LENGTH"),
                limit,
                request.path,
                client_ip(request),
            )
            mb = settings.SKILLREG_UPLOAD_MAX_BYTES // (1024 * 1024)
            message = f"上传内容过大（单个文件不超过 {mb} MB），已拒收。"
            if request.path.startswith("/api/"):
                response: HttpResponse = JsonResponse({"code": "REQUEST_TOO_LARGE", "message": message}, status=413)
            else:
                response = HttpResponse(render_to_string("413.html", {"message": message}), status=413)
            return response
        return self.get_response(request)
