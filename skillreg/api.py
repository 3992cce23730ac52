"""REST API /api/v1 (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from skillreg.core.errors import DomainError
from skillreg.core.textlimits import TEXT_TOO_LONG, keep_length, too_long_message


class _API(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> NinjaValidationError:
        """django-ninja's errors, which drop what was typed (it may be personal data), keeping the length of an
        over-long text: its answer says the length typed, as a service's length check does."""
        exc = super().validation_error_from_error_contexts(error_contexts)
        typed = [i.get("input") for c in error_contexts for i in c.pydantic_validation_error.errors(include_url=False)]
        keep_length(exc.errors, typed)
        return exc


api = _API(
    title="skillreg API",
    version="1",
    description="技能人才评价机构备案管理系统接口。错误返回 {code, message, field?}，code 为稳定的机器可读代码。",
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = ".".join(str(p) for p in first.get("loc", []) if p not in ("body", "payload", "query", "path", "form"))
    if first.get("type") == "string_too_long":  # the same code and message as a service's length check
        ctx = first.get("ctx") or {}
        limit, length = ctx.get("max_length"), ctx.get("length")
        if isinstance(length, int) and isinstance(limit, int):
            message = too_long_message(f"“{loc}”", limit, length)
        else:
            message = f"“{loc}”不能超过 {limit} 字"
        body = {"code": TEXT_TOO_LONG, "message": message, "field": loc, "limit": limit, "errors": exc.errors}
        if length is not None:
            body["length"] = length
        return api.create_response(request, body, status=422)
    return api.create_response(
        request,
        {
            "code": "INVALID_REQUEST",
            "message": f"请求数据不合法：{loc or '请求体'}",
            "field": loc,
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "NOT_AUTHENTICATED", "message": "请先登录"}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own HTTP errors, with a stable code and a Chinese message (its texts are English)."""
    code, default = _HTTP_ERRORS.get(exc.status_code, ("HTTP_ERROR", "请求失败"))
    text = str(exc)
    for english, chinese in _NINJA_MESSAGES.items():
        if text.startswith(english):  # with DEBUG, ninja appends the parser's exception
            text = chinese
    return api.create_response(request, {"code": code, "message": text or default}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """A view's ``Http404`` (data scoping hides what is out of scope) in the API's error shape."""
    return api.create_response(request, {"code": "NOT_FOUND", "message": "未找到"}, status=404)


_HTTP_ERRORS = {
    400: ("BAD_REQUEST", "请求不合法"),
    401: ("NOT_AUTHENTICATED", "请先登录"),
    403: ("PERMISSION_DENIED", "无权进行此操作"),
    404: ("NOT_FOUND", "未找到"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
}
_NINJA_MESSAGES = {
    "Cannot parse request body": "请求体无法解析：请发送合法的 JSON",
    "CSRF check Failed": "CSRF 校验失败：请刷新页面后重试",
}


def _mount() -> None:
    from importlib import import_module

    for prefix, module in [
        ("/policy/", "skillreg.policy.api"),
        ("/applications/", "skillreg.applications.api"),
        ("/directory/", "skillreg.portal.api"),
        ("/filings/", "skillreg.portal.api_history"),
        ("/certificates/", "skillreg.certificates.api"),
    ]:
        try:
            mod = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(prefix, mod.router)


_mount()
