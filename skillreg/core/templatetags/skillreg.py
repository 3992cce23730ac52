from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

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


@register.simple_tag(takes_context=True)
def navlink(context: Any, name: str, label: str, match: str = "section") -> str:
    """A navigation link, marked ``aria-current="page"`` when the page belongs to it, so that a person sees where
    they are. ``section``: the page is in the link's URL namespace (``/staff/deadlines/`` is 法定期限, not 待办工作,
    though both paths start with ``/staff/``); ``path``: the page's path starts with the link's URL."""
    url = reverse(name)
    request = context.get("request")
    current = False
    if request is not None:
        if match == "path":
            current = request.path.startswith(url)
        else:
            resolved = getattr(request, "resolver_match", None)
            current = resolved is not None and resolved.namespace == name.rpartition(":")[0]
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)
