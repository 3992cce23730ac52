from typing import Any

from django import template

from skillreg.applications.models import State
from skillreg.applications.workflow import TRANSITIONS

register = template.Library()
EXTRA_ACTIONS = {"create_draft": "新建草稿", "update": "修改申请"}
DATA_LABELS = {
    "missing_materials": "提交时未上传的材料",
    "items": "需补正的材料",
    "authority": "受理机关",
    "route": "审核路径",
    "method": "评估方式",
    "expert": "评审专家",
    "to": "报送至",
    "step": "环节",
    "starts_on": "公示开始",
    "ends_on": "公示结束",
}


@register.filter
def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return t.label if t else EXTRA_ACTIONS.get(action, action)


@register.filter
def state_label(state: str) -> str:
    try:
        return str(State(state).label)
    except ValueError:
        return state or "—"


@register.filter
def event_details(data: Any) -> list[str]:
    """Readable lines for an event's data: keys named in Chinese, authority codes and usernames replaced by
    names, evaluation methods by their labels; a key this table does not know is not shown (issue 11)."""
    if not isinstance(data, dict):
        return []
    from skillreg.applications.models import Assessment
    from skillreg.applications.selectors import display_names

    codes = {str(data[k]) for k in ("authority", "to") if data.get(k)} | {str(c) for c in data.get("route") or []}
    names = display_names(authority_codes=codes, usernames={str(data["expert"])} if data.get("expert") else set())
    methods = dict(Assessment.Method.choices)
    lines = []
    for key, value in data.items():
        if value in (None, "", []) or key not in DATA_LABELS:
            continue
        if key in ("authority", "to", "expert"):
            value = names.get(str(value), "—")
        elif key == "route":
            value = " → ".join(names.get(str(v), "—") for v in value)
        elif key == "method":
            value = methods.get(value, "—")
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        lines.append(f"{DATA_LABELS[key]}：{value}")
    return lines
