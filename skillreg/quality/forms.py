"""Forms of the quality-supervision pages: shape and field validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import ConflictKind, Verdict

DATE = {"type": "date"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class _OwnIds(forms.Form):
    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class SupervisorForm(forms.Form):
    number = forms.CharField(label="督导员编号", max_length=32)
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="身份证号码", max_length=24)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    unit_name = forms.CharField(label="工作单位", max_length=200)
    unit_uscc = forms.CharField(label="工作单位统一社会信用代码（可不填）", max_length=18, required=False)
    selected_on = _date("遴选日期")
    selection_basis = forms.CharField(label="遴选依据（文件或方式）", max_length=300)
    term_from = _date("聘期起")
    term_to = _date("聘期止")
    occupations = forms.CharField(
        label="督导职业（工种）编码，多个用逗号分隔（不填为不限）", max_length=500, required=False
    )
    regions = forms.CharField(
        label="督导地区区划代码，多个用逗号分隔（不填为本机关全辖区）", max_length=200, required=False
    )
    user = forms.TypedChoiceField(label="登录账号", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, accounts: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [  # type: ignore[attr-defined]
            ("", "（暂不关联）"),
            *[(u.pk, f"{u.display_name or u.username}（{u.username}）") for u in accounts],
        ]

    @staticmethod
    def codes(text: str) -> list[str]:
        return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


class TrainingForm(_OwnIds):
    id_prefix = "training"
    trained_on = _date("培训日期")
    title = forms.CharField(label="培训内容", max_length=200)
    hours = forms.IntegerField(label="学时", min_value=1, max_value=500)
    certificate_no = forms.CharField(label="培训证书编号（可不填）", max_length=64, required=False)


class ConflictForm(_OwnIds):
    id_prefix = "conflict"
    filing_code = forms.CharField(label="回避机构的备案编码", max_length=20)
    kind = forms.ChoiceField(label="回避事由", choices=ConflictKind.choices)
    reason = forms.CharField(label="说明", max_length=300)


class StatusForm(_OwnIds):
    id_prefix = "status"
    action = forms.ChoiceField(
        label="操作", choices=[("suspend", "暂停选派"), ("reinstate", "恢复选派"), ("dismiss", "解聘")]
    )
    reason = forms.CharField(label="原因", max_length=300)


class DrawForm(_OwnIds):
    id_prefix = "draw"
    count = forms.IntegerField(label="选派人数", min_value=1, max_value=10, initial=1)


class DesignateForm(_OwnIds):
    id_prefix = "designate"
    supervisor = forms.TypedChoiceField(label="督导员", coerce=int)
    reason = forms.CharField(label="指定理由", max_length=300)

    def __init__(self, *args: Any, supervisors: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [  # type: ignore[attr-defined]
            (s.pk, f"{s.number} {s.name}（{s.unit_name}）") for s in supervisors
        ]


class VerifyForm(forms.Form):
    seed = forms.CharField(label="随机种子", max_length=200, required=False)


class ReportForm(forms.Form):
    onsite_record = forms.CharField(
        label="现场督导记录", widget=forms.Textarea(attrs={"rows": 6}), help_text="考场秩序、考评人员履职、考务规范等"
    )
    problems = forms.CharField(
        label="发现的问题（每行一条，没有可不填）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    verdict = forms.ChoiceField(label="督导结论", choices=[("", "请选择"), *Verdict.choices])
    submission = forms.CharField(widget=forms.HiddenInput, required=False)


class RecuseForm(forms.Form):
    reason = forms.CharField(label="回避原因", max_length=300)


class RectifyForm(forms.Form):
    requirements = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = _date("整改期限")
