"""Forms of the certificate pages: shape and field checks only; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from skillreg.occupations.models import LEVEL_CHOICES

from .models import CertificateStatus, ImportMode


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label="证书编号、证件号码或姓名", required=False, max_length=100)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *[c for c in CertificateStatus.choices if c[0] != CertificateStatus.STAGED]],
    )
    occupation = forms.CharField(label="职业编码", required=False, max_length=20)
    level = forms.TypedChoiceField(
        label="等级", required=False, coerce=int, empty_value=None, choices=[("", "全部"), *LEVEL_CHOICES]
    )
    year = forms.IntegerField(label="发证年份", required=False, min_value=1990, max_value=2100)
    filing = forms.CharField(label="备案编码", required=False, max_length=13)


class UploadForm(forms.Form):
    file = forms.FileField(label="证书数据文件（xlsx 或 CSV）")
    mode = forms.ChoiceField(
        label="导入方式", choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING, widget=forms.RadioSelect
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    """Either certificate number or ID number, and always the name."""

    number = forms.CharField(label="证书编号", required=False, max_length=40)
    id_number = forms.CharField(label="证件号码", required=False, max_length=40)
    name = forms.CharField(label="姓名", max_length=50)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("number") or "").strip() and not (data.get("id_number") or "").strip():
            raise forms.ValidationError("请填写证书编号或证件号码（二选一），并填写姓名")
        return data


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=1990, max_value=2100)
    filing = forms.CharField(label="备案编码", required=False, max_length=13)
    region = forms.ChoiceField(label="地区", required=False, choices=[])

    def __init__(self, *args: Any, regions: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        """``regions``: the regions the user may filter by (a staff member's region and below)."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "全部（本机关管辖范围）"), *(regions or [])]
        self.fields["filing"].widget.attrs.setdefault("placeholder", "13 位备案编码")
        self.fields["year"].widget.attrs.setdefault("placeholder", "默认为上一年度")
