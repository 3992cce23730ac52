"""Turn untrusted input (dict / JSON text) into a :class:`Profile`, or a clear ProfileError."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from .errors import ProfileError
from .facts import UNITS, strip_unit_suffix
from .profile import SCHEMA_VERSION, Profile, fact_catalog

_TYPE_MESSAGES = {
    "bool_type": "应为布尔值 true/false",
    "int_type": "应为整数",
    "float_type": "应为数值",
    "int_from_float": "应为整数",
    "greater_than_equal": "不能为负数或低于下限",
    "less_than_equal": "超出上限",
    "string_pattern_mismatch": "格式不正确",
    "enum": "不是允许的代码",
    "literal_error": "取值不允许",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "list_type": "应为列表",
    "too_short": "不能为空",
    "missing": "缺少必填字段",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "string_type": "应为字符串",
    "string_too_long": "过长",
}


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unknown_fact_message(name: str, loc: tuple[Any, ...]) -> str:
    base = strip_unit_suffix(name)
    catalog = fact_catalog()
    for known, spec in catalog.items():
        if spec.unit and strip_unit_suffix(known) == base and known != name:
            unit = UNITS.get(spec.unit, spec.unit)
            return f"单位错误：未知事实“{name}”，应使用“{known}”（单位：{unit}）"
    if name in catalog:
        where = {"institution": "facts", "occupation": "scope[i].facts", "level": "scope[i].level_facts[j]"}
        return f"事实“{name}”不应出现在此处，应填在 {where[catalog[name].scope]}"
    return f"未知事实“{name}”（不在申请档案事实目录中）"


def translate(exc: ValidationError) -> ProfileError:
    details: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = err["loc"]
        field = _loc(loc)
        if err["type"] == "extra_forbidden":
            name = str(loc[-1])
            if "facts" in [str(p) for p in loc] or "level_facts" in [str(p) for p in loc]:
                msg = _unknown_fact_message(name, loc)
                code = "unknown_fact"
            else:
                msg, code = f"未知字段“{name}”", "unknown_field"
        elif err["type"] == "value_error":
            msg, code = str(err.get("ctx", {}).get("error", err["msg"])), "invalid_value"
        else:
            msg = _TYPE_MESSAGES.get(err["type"], err["msg"])
            code = "invalid_value" if err["type"] != "missing" else "missing_field"
            if err["type"] == "enum" and "expected" in err.get("ctx", {}):
                msg += f"（可用：{err['ctx']['expected']}）"
        details.append({"code": code, "message": msg, "field": field})
    first = details[0] if details else {"code": "invalid_profile", "message": "申请档案无效", "field": None}
    return ProfileError(first["code"], first["message"], field=first["field"], details=details)


def parse_profile(data: Any) -> Profile:
    """Validate a dict / JSON string / Profile; raise :class:`ProfileError` naming the field."""
    if isinstance(data, Profile):
        return data
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ProfileError("invalid_json", f"申请档案不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise ProfileError("invalid_profile", "申请档案应为 JSON 对象")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ProfileError(
            "schema_version",
            f"不支持的申请档案格式版本“{version}”，应为“{SCHEMA_VERSION}”",
            field="schema_version",
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise translate(exc) from None
