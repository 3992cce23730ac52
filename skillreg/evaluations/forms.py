"""Forms of the evaluation-plan pages: shape and field validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from skillreg.institutions.models import EvaluationType
from skillreg.occupations.models import LEVEL_CHOICES, LEVEL_NAMES

from .checks import examiner_key
from .models import PlanStatus


def _levels(levels: Any) -> str:
    return "、".join(LEVEL_NAMES[x] for x in sorted(levels, reverse=True) if x in LEVEL_NAMES)


DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanReportForm(forms.Form):
    number = forms.CharField(label="评价计划编号", max_length=40)
    occupation_code = forms.ChoiceField(label="职业（工种）")
    level = forms.TypedChoiceField(label="等级", coerce=int, choices=LEVEL_CHOICES)
    evaluation_type = forms.ChoiceField(label="评价类型", choices=EvaluationType.choices)
    starts_at = forms.DateTimeField(label="评价开始时间", widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label="评价结束时间", widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    venue = forms.ChoiceField(label="评价场地")
    expected_candidates = forms.IntegerField(label="预计参评人数", min_value=1, max_value=100000)
    examiners = forms.MultipleChoiceField(label="考评人员", widget=forms.CheckboxSelectMultiple)
    supervisors = forms.MultipleChoiceField(label="内部质量督导员", widget=forms.CheckboxSelectMultiple)
    video_link = forms.URLField(label="视频监控链接", required=False, assume_scheme="https")
    data_link = forms.URLField(label="考务数据系统链接", required=False, assume_scheme="https")

    def __init__(self, *args: Any, choices: Any, occupations: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.examiner_by_key = {examiner_key(e): e for e in choices.examiners}
        fields: dict[str, Any] = self.fields
        fields["occupation_code"].choices = [("", "请选择")] + [
            (code, f"{code} {occupations.get(code, '')}（{_levels(lv)}）") for code, lv in sorted(choices.scope.items())
        ]
        fields["venue"].choices = [("", "请选择")] + [(v, v) for v in choices.venues]
        fields["examiners"].choices = [
            (
                key,
                f"{e.get('name', '')}（{e.get('occupation', '')} {occupations.get(e.get('occupation', ''), '')}"
                f"{'，' + LEVEL_NAMES.get(int(e['level']), '') if e.get('level') else ''}）",
            )
            for key, e in self.examiner_by_key.items()
        ]
        fields["supervisors"].choices = [(s, s) for s in choices.supervisors]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["examiners"] = [
            {
                "name": self.examiner_by_key[k].get("name", ""),
                "certificate_code": self.examiner_by_key[k].get("certificate_code", ""),
            }
            for k in data["examiners"]
        ]
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class LinksForm(forms.Form):
    video_link = forms.CharField(label="视频监控链接", max_length=500, required=False)
    data_link = forms.CharField(label="考务数据系统链接", max_length=500, required=False)
    note = forms.CharField(label="接入说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label="接入证明（截图或文件）", required=False)


class NoticeForm(forms.Form):
    body = forms.CharField(
        label="公示内容（合格人员名单）",
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请列明合格人员姓名及证件号码后四位，勿公开完整证件号码",
    )


class ResultsForm(forms.Form):
    applicants = forms.IntegerField(label="报考人数", min_value=0)
    passes = forms.IntegerField(label="合格人数", min_value=0)
    roster = forms.FileField(label="合格名册（xlsx 或 CSV）")


class CalendarFilterForm(forms.Form):
    month = forms.CharField(label="月份", required=False, widget=forms.TextInput(attrs={"type": "month"}))
    region = forms.CharField(
        label="地区（行政区划代码）",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"placeholder": "6位代码，如 500238"}),
    )
    occupation = forms.CharField(label="职业", required=False, max_length=40)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(PlanStatus.choices))
