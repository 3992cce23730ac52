"""Certificate API, mounted at /api/v1/certificates/.

* ``POST /report`` (institution session): bulk report as JSON, one result per item with stable error codes;
* ``POST /verify`` (public): the same answer as /verify/, rate-limited, uniform for "not found" and "mismatch";
* ``GET /check-number/{number}`` (public): layout check of a certificate number;
* ``GET /{number}``, ``POST /{number}/revoke`` (institution or staff, data-scoped; out of scope is 404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pydantic
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth
from pydantic import Field

from skillreg.accounts.scope import is_institution
from skillreg.core.errors import NotFound, ValidationFailed
from skillreg.core.middleware import client_ip
from skillreg.core.textlimits import keep_length

from . import numbers, selectors, services, verification
from .imports import certificates_report

router = Router(tags=["certificates"])


class ItemIn(Schema):
    number: str | None = Field(None, description="22位证书编号；留空由系统生成")
    holder_name: str | None = None
    id_type: str | None = Field(None, description="证件类型，默认居民身份证")
    id_number: str | None = Field(None, description="证件号码（字符串，勿用数字）")
    occupation_code: str | None = None
    occupation_name: str | None = None
    work_type: str | None = None
    level: int | str | None = None
    issue_date: dt.date | str | None = None
    batch_number: str | None = None


class ReportIn(Schema):
    filing: str = Field("", max_length=13, description="备案编码；机构用户可省略（默认本单位）")
    mode: Literal["all_or_nothing", "valid_only"] = "all_or_nothing"
    items: list[ItemIn]


class ItemErrorOut(Schema):
    field: str
    column: str
    code: str
    message: str


class ItemOut(Schema):
    index: int
    status: str = Field(description="created / unchanged / invalid / not_imported")
    number: str
    errors: list[ItemErrorOut]


class ReportOut(Schema):
    job: str
    status: str
    rows_read: int
    rows_created: int
    rows_unchanged: int
    rows_invalid: int
    message: str
    results: list[ItemOut]


class ErrorOut(Schema):
    code: str
    message: str


def _filing(request: HttpRequest, code: str) -> Any:
    try:
        filing = selectors.filing_for(request.user, code) if code else selectors.default_filing_for(request.user)
    except Http404:
        filing = None
    if filing is None:
        raise NotFound("未找到该评价机构", code="FILING_NOT_FOUND")
    return filing


@router.post(
    "/report", auth=django_auth, response={200: ReportOut, 404: ErrorOut, 422: ErrorOut}, summary="证书数据批量上报"
)
def report(request: HttpRequest, payload: ReportIn) -> dict[str, Any]:
    if not is_institution(request.user):
        raise NotFound("未找到该评价机构", code="FILING_NOT_FOUND")
    filing = _filing(request, payload.filing)
    items = [i.dict() for i in payload.items]
    for item in items:
        if isinstance(item.get("issue_date"), dt.date):
            item["issue_date"] = item["issue_date"].isoformat()
    job, results = certificates_report(filing=filing, actor=request.user, items=items, mode=payload.mode)
    return {
        "job": str(job.public_id),
        "status": job.status,
        "rows_read": job.rows_read,
        "rows_created": job.rows_created,
        "rows_unchanged": job.rows_unchanged,
        "rows_invalid": job.rows_invalid,
        "message": job.message,
        "results": results,
    }


class VerifyIn(Schema):
    number: str = Field("", max_length=40)
    id_number: str = Field("", max_length=40)
    name: str = Field(..., min_length=1, max_length=50)


class AnswerOut(Schema):
    number: str
    holder: str
    holder_id: str
    id_type: str
    occupation_code: str
    occupation_name: str
    work_type: str
    level: int
    level_label: str
    institution: str
    filing_code: str
    issue_date: dt.date
    status: str
    status_label: str
    revoked_on: dt.date | None


class VerifyOut(Schema):
    found: bool
    message: str
    certificates: list[AnswerOut]


def _json_body(request: HttpRequest, model: type[Schema]) -> Any:
    """Parse a JSON body straight into ``model`` (pydantic, in Rust), answering bad input exactly as
    django-ninja's own body parameters do (422 ``INVALID_REQUEST`` with the field, 400 for unparsable JSON)."""
    if not request.body:
        raise NinjaValidationError([{"type": "missing", "loc": ("body", "payload"), "msg": "Field required"}])
    try:
        return model.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        details = exc.errors(include_url=False)
        if details and details[0]["type"] == "json_invalid":
            raise HttpError(400, "Cannot parse request body") from None
        errors: list[dict[str, Any]] = [dict(e) for e in details]
        keep_length(errors, [e.pop("input", None) for e in errors])  # what was typed is not echoed, its length is
        for e in errors:
            e["loc"] = ("body", "payload", *e["loc"])
            if isinstance(e.get("ctx", {}).get("error"), Exception):
                e["ctx"]["error"] = str(e["ctx"]["error"])  # type: ignore[index]
        raise NinjaValidationError(errors) from None


@router.post(
    "/verify",
    auth=None,
    response={200: VerifyOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="证书公开查询",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": VerifyIn.model_json_schema()}}}
    },
)
def verify(request: HttpRequest) -> JsonResponse:
    """The public hot path (docs/performance.md, "Verification"), so it skips two layers of django-ninja while
    staying a documented operation of the API: the body is parsed by ``_json_body`` (the request schema is in
    ``openapi_extra``), and the answer is returned as a ready ``JsonResponse``, which django-ninja passes through
    without validating it against ``VerifyOut`` again (``test_verify_answer_matches_schema`` does that)."""
    payload = _json_body(request, VerifyIn)
    target = payload.number.strip() or payload.id_number.strip()
    if not target:
        raise ValidationFailed("请填写证书编号或证件号码（二选一），并填写姓名", code="VERIFY_INPUT_REQUIRED")
    verification.check_rate(client_ip(request), target)
    if payload.number.strip():
        answers = verification.verify_by_number(payload.number, payload.name)
    else:
        answers = verification.verify_by_id(payload.id_number, payload.name)
    return JsonResponse(
        {
            "found": bool(answers),
            "message": "" if answers else verification.NOT_FOUND,
            "certificates": [a.as_dict() for a in answers],
        },
        json_dumps_params={"ensure_ascii": False},
    )


class NumberCheckOut(Schema):
    valid: bool
    code: str
    message: str


@router.get("/check-number/{number}", auth=None, response=NumberCheckOut, summary="证书编号格式校验")
def check_number(request: HttpRequest, number: str) -> dict[str, Any]:
    try:
        return {"valid": True, "code": "OK", "message": numbers.describe(number)}
    except numbers.NumberError as exc:
        return {"valid": False, "code": exc.code, "message": exc.message}


class CertificateOut(Schema):
    number: str
    holder_name: str
    holder_id_masked: str
    occupation_code: str
    occupation_name: str
    work_type: str
    level: int
    issue_date: dt.date
    batch_number: str
    filing_code: str
    status: str
    revoked_on: dt.date | None
    revoked_reason: str


def _out(c: Any) -> dict[str, Any]:
    return {
        "number": c.number,
        "holder_name": c.holder_name,
        "holder_id_masked": c.holder_id_masked,
        "occupation_code": c.occupation.code,
        "occupation_name": c.occupation_name,
        "work_type": c.work_type,
        "level": c.level,
        "issue_date": c.issue_date,
        "batch_number": c.batch.number,
        "filing_code": c.filing.code,
        "status": c.status,
        "revoked_on": c.revoked_on,
        "revoked_reason": c.revoked_reason,
    }


def _certificate(request: HttpRequest, number: str) -> Any:
    try:
        return selectors.certificate_for(request.user, number)
    except Http404:
        raise NotFound("未找到该证书", code="CERT_NOT_FOUND") from None


@router.get("/{number}", auth=django_auth, response={200: CertificateOut, 404: ErrorOut}, summary="证书详情")
def detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(_certificate(request, number))


class RevokeIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post(
    "/{number}/revoke", auth=django_auth, response={200: CertificateOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def revoke(request: HttpRequest, number: str, payload: RevokeIn) -> dict[str, Any]:
    cert = services.certificate_revoke(
        certificate=_certificate(request, number), reason=payload.reason, actor=request.user
    )
    return _out(selectors.certificate_for(request.user, cert.number))
