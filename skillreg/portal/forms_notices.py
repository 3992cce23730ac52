"""Forms of the public supervision pages: shape only, the services decide."""

from __future__ import annotations

from django import forms


class ObjectionForm(forms.Form):
    name = forms.CharField(label="姓名（可不填，匿名提出）", max_length=64, required=False)
    contact = forms.CharField(label="联系方式（可不填）", max_length=64, required=False)
    body = forms.CharField(label="异议内容及理由", widget=forms.Textarea, max_length=5000)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ObjectionLookupForm(forms.Form):
    tracking_no = forms.CharField(label="受理编号", max_length=20)
    query_code = forms.CharField(label="查询码", max_length=16)


class DrawCheckForm(forms.Form):
    seed = forms.CharField(label="用其他随机种子比对（可不填）", max_length=128, required=False)


class ComplaintForm(forms.Form):
    filing_code = forms.CharField(label="被投诉举报机构的备案编码", max_length=13)
    category = forms.ChoiceField(label="类别", choices=[])
    body = forms.CharField(label="投诉举报的事实", widget=forms.Textarea, max_length=5000)
    name = forms.CharField(label="姓名（可不填，匿名投诉举报）", max_length=64, required=False)
    contact = forms.CharField(label="联系方式（可不填）", max_length=64, required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from skillreg.supervision.models import ComplaintCategory

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = ComplaintCategory.choices  # type: ignore[attr-defined]
