"""Forms of the supervision pages: shape and field validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from skillreg.institutions.models import InstitutionKind

from .models import NoticeKind, NoticeTopic
from .services.plans import PLAN_TITLE_MAX


class _OwnIds(forms.Form):
    """Several forms share the staff page: each gets its own id prefix (``auto_id``)."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class NoticeForm(_OwnIds):
    id_prefix = "notice"
    kind = forms.ChoiceField(label="类别", choices=NoticeKind.choices)
    topic = forms.ChoiceField(label="事项", choices=NoticeTopic.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea)
    legal_basis = forms.CharField(label="依据（文号及条款）", max_length=300)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    filing_code = forms.CharField(label="所涉机构备案编码（可不填）", max_length=13, required=False)


class PlanForm(forms.Form):
    title = forms.CharField(label="计划名称", max_length=PLAN_TITLE_MAX)
    items = forms.CharField(label="检查事项", widget=forms.Textarea)
    inspect_on = forms.DateField(label="名录基准日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    institution_kind = forms.ChoiceField(
        label="机构类别", choices=[("", "全部"), *InstitutionKind.choices], required=False
    )
    sample_size = forms.IntegerField(label="抽查数量（家）", min_value=1, required=False)
    ratio_percent = forms.DecimalField(
        label="或抽查比例（%）", min_value=0, max_value=100, decimal_places=1, required=False
    )
    per_target = forms.IntegerField(label="每个对象检查人员数", min_value=1, max_value=5, initial=2)


class InspectorForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label="人员编号", max_length=32)
    employer_uscc = forms.CharField(label="工作单位统一社会信用代码（可不填）", max_length=18, required=False)


class ConflictForm(forms.Form):
    filing_code = forms.CharField(label="回避机构备案编码", max_length=13)
    reason = forms.CharField(label="回避原因", max_length=200)


class RectificationOrderForm(_OwnIds):
    id_prefix = "order"
    filing_code = forms.CharField(label="备案编码", max_length=13)
    reason = forms.CharField(label="违规事实", widget=forms.Textarea)
    requirements = forms.CharField(label="整改要求", widget=forms.Textarea)
    due_on = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea)
