"""REST: ``POST /api/v1/policy/check`` (the lead mounts ``router`` at /api/v1/policy/).

Body: ``{"profile": <application profile v1>, "region": "500238"?, "on": "YYYY-MM-DD"?}``.
200 → the decision record; errors → ``{"code", "message" (中文), "field"}`` with 400 (bad
request: JSON, region, date) or 422 (profile invalid). The body is parsed here, not by ninja, so
every error has the same stable shape; the OpenAPI schema is still published.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from .cli import parse_date
from .engine import check
from .errors import PolicyError, ProfileError, RegionError
from .profile import Profile

router = Router(tags=["policy"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    details: list[Any] = []


class CheckIn(Schema):
    profile: Profile
    region: str | None = None
    on: dt.date | None = None


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@router.post(
    "/check",
    response={200: dict, 400: ErrorOut, 422: ErrorOut},
    summary="按规则包核验申请档案，返回决定记录",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CheckIn.model_json_schema()}},
        }
    },
)
def check_profile(request: HttpRequest):
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return Status(400, {"code": "invalid_json", "message": "请求体不是有效的 JSON", "field": None})
    if not isinstance(body, dict) or "profile" not in body:
        return Status(400, {"code": "missing_field", "message": "请求体须为对象并包含 profile", "field": "profile"})
    unknown = set(body) - {"profile", "region", "on"}
    if unknown:
        name = sorted(unknown)[0]
        return Status(400, {"code": "unknown_field", "message": f"未知字段“{name}”", "field": name})
    try:
        profile = body["profile"]
        if body.get("on") is not None:
            on = parse_date(body["on"])
        elif isinstance(profile, dict) and profile.get("on") is not None:
            on = parse_date(str(profile["on"]), field="profile.on")
        else:
            on = _today()
        if body.get("region") is not None and not isinstance(body["region"], str):
            raise ProfileError("region_invalid", "地区代码应为字符串", field="region")
        record = check(body["profile"], on=on, region=body.get("region"))
    except PolicyError as exc:
        data = exc.to_dict()
        if isinstance(exc, RegionError) and body.get("region") is None:
            data["field"] = "profile.region"
        if isinstance(exc, ProfileError) and data.get("field") and data["code"] not in ("invalid_date",):
            data["field"] = "profile." + data["field"]
        if data.get("details"):
            data["details"] = [
                {**d, "field": "profile." + d["field"]} if isinstance(d, dict) and d.get("field") else d
                for d in data["details"]
            ]
        status = 422 if isinstance(exc, ProfileError) and exc.code != "invalid_date" else 400
        return Status(status, data)
    return Status(200, record)
