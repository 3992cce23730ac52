from typing import Any

from django import template

from skillreg.core.crypto import mask_id_number, mask_phone
from skillreg.occupations.models import LEVEL_NAMES

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    return mask_id_number(value) if value else ""


@register.filter(name="mask_phone")
def mask_phone_filter(value: str) -> str:
    return mask_phone(value) if value else ""


@register.filter
def level_names(levels: Any) -> str:
    return "、".join(LEVEL_NAMES.get(int(x), str(x)) for x in sorted(levels or [], key=int, reverse=True))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def level_name(level: Any) -> str:
    try:
        return LEVEL_NAMES[int(level)]
    except (TypeError, ValueError, KeyError):
        return ""


@register.filter
def evaluation_type_label(value: str) -> str:
    from skillreg.institutions.models import EvaluationType

    try:
        return str(EvaluationType(value).label)
    except ValueError:
        return value
