"""The directory's search and filter form (GET)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from skillreg.institutions.models import FilingStatus, InstitutionKind
from skillreg.institutions.selectors import MAX_QUERY_LENGTH, PUBLIC_STATUSES
from skillreg.regions.selectors import region_choices


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
        error_messages={"invalid_choice": "机构类别“%(value)s”无效，请从列表中选择。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *[(s, FilingStatus(s).label) for s in PUBLIC_STATUSES]],
        error_messages={"invalid_choice": "状态“%(value)s”无效，请从列表中选择。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "全部地区"), *region_choices()]

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
