"""The directory's search and filter form (GET)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models.signals import post_delete, post_save
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from skillreg.institutions.models import FilingStatus, InstitutionKind
from skillreg.institutions.selectors import MAX_QUERY_LENGTH, PUBLIC_STATUSES
from skillreg.regions.models import Region
from skillreg.regions.selectors import region_choices

_region_choices: list[tuple[str, str]] | None = None


def cached_region_choices() -> list[tuple[str, str]]:
    """``region_choices()`` once per process: regions change only by a migration (a deploy restarts the processes)
    or by an edit in this process, which drops the copy (signal). Building it was the page's costliest query."""
    global _region_choices
    if _region_choices is None:
        _region_choices = [("", "全部地区"), *region_choices()]
    return _region_choices


def _forget_regions(**_: Any) -> None:
    global _region_choices
    _region_choices = None


post_save.connect(_forget_regions, sender=Region, dispatch_uid="portal-region-choices-save")
post_delete.connect(_forget_regions, sender=Region, dispatch_uid="portal-region-choices-delete")


class FastSelect(forms.Select):
    """A ``<select>`` written in Python: the same markup as Django's template-rendered widget (same attributes and
    options), without one template include per option, which was a third of the directory page's CPU (issue 16)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (o["value"], mark_safe(" selected") if o["selected"] else "", o["label"])  # noqa: S308 - a constant
                for _, group, _ in widget["optgroups"]
                for o in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": "查询内容过长，请不超过%(limit_value)d个字符。"},
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "机构名称 / 统一社会信用代码 / 备案编码"}),
    )
    region = forms.ChoiceField(
        label="地区",
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": "未找到行政区划代码“%(value)s”，请从列表中选择地区。"},
    )
    occupation = forms.CharField(
        label="职业（工种）编码",
        required=False,
        max_length=20,
        error_messages={"max_length": "职业（工种）编码过长。"},
        widget=forms.TextInput(attrs={"placeholder": "如 4-10-01-05", "list": "occupation-options"}),
    )
    kind = forms.ChoiceField(
        label="机构类别",
        required=False,
        choices=[("", "全部类别"), *InstitutionKind.choices],
        widget=FastSelect,
        error_messages={"invalid_choice": "机构类别“%(value)s”无效，请从列表中选择。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *[(s, FilingStatus(s).label) for s in PUBLIC_STATUSES]],
        widget=FastSelect,
        error_messages={"invalid_choice": "状态“%(value)s”无效，请从列表中选择。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = cached_region_choices()

    def selector_kwargs(self) -> dict[str, str]:
        """Arguments for ``institutions.selectors.public_filings`` (call only when valid)."""
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "region_code": data.get("region", ""),
            "occupation_code": data.get("occupation", ""),
            "kind": data.get("kind", ""),
            "status": data.get("status", ""),
        }
