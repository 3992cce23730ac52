"""Forms for the applicant's filing form and the staff's review actions.

Forms only parse and present; the services validate the domain rules and write.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from skillreg.institutions.models import EvaluationType, InstitutionKind
from skillreg.occupations.models import LEVEL_CHOICES
from skillreg.occupations.selectors import occupations_search
from skillreg.policy.profile import fact_catalog

from .models import Assessment, CoverageArea, MaterialKind, Ownership, Person
from .profile import DERIVED_FACTS


class DateInput(forms.DateInput):
    """``<input type="date">`` needs its value as YYYY-MM-DD whatever the locale's display format (issue 11:
    prefilled dates in the locale format showed as an empty field)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


YES_NO = [("", "（未填写）"), ("true", "是"), ("false", "否")]
# Facts derived from the lists on the form; not asked twice.
DERIVED_INSTITUTION_FACTS = DERIVED_FACTS | {"occupation_count", "all_new_occupations"}
LINE_FACTS = [
    ("theory_room_area_m2", "理论考试场地面积（㎡）"),
    ("theory_room_seats", "理论考位数"),
    ("skill_workstations", "技能考核工位数"),
    ("training_person_times", "本职业培训/评价累计规模（人次）"),
    ("question_bank_theory_items", "理论题库题量（每个等级）"),
    ("question_bank_skill_items", "技能题库题量（每个等级）"),
]
LEVEL_FACT_NAMES = {"question_bank_theory_items", "question_bank_skill_items"}


def occupation_choices() -> list[tuple[str, str]]:
    return [("", "（请选择职业）")] + [(o.code, f"{o.code} {o.name}") for o in occupations_search(active_only=True)]


class ApplicationForm(forms.Form):
    institution_kind = forms.ChoiceField(label="机构类别", choices=[("", "（请选择）"), *InstitutionKind.choices])
    evaluation_types = forms.MultipleChoiceField(
        label="评价类型（可多选，多种评价一次性备案）",
        choices=EvaluationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ownership = forms.ChoiceField(
        label="企业隶属（用人单位填写）", choices=[("", "（不适用）"), *Ownership.choices], required=False
    )
    coverage_area = forms.ChoiceField(
        label="评价区域范围（社会培训评价组织填写）",
        choices=[("", "（不适用）"), *CoverageArea.choices],
        required=False,
    )
    applicant_name = forms.CharField(label="申报单位名称", max_length=200, required=False)
    applicant_address = forms.CharField(label="单位地址", max_length=200, required=False)
    institution_name = forms.CharField(label="拟设评价机构名称", max_length=200, required=False)
    institution_address = forms.CharField(label="机构地址", max_length=200, required=False)
    sponsor = forms.CharField(label="举办单位", max_length=200, required=False)
    legal_rep_name = forms.CharField(label="法定代表人姓名", max_length=64, required=False)
    legal_rep_phone = forms.CharField(label="法定代表人联系电话", max_length=32, required=False)
    legal_rep_id_number = forms.CharField(label="法定代表人身份证号码", max_length=32, required=False)
    head_name = forms.CharField(label="机构主要负责人姓名", max_length=64, required=False)
    head_phone = forms.CharField(label="主要负责人联系电话", max_length=32, required=False)
    head_id_number = forms.CharField(label="主要负责人身份证号码", max_length=32, required=False)
    venue_description = forms.CharField(label="场地情况", widget=forms.Textarea, required=False)
    coverage_region = forms.CharField(label="鉴定范围：区域", max_length=200, required=False)
    coverage_industry = forms.CharField(label="鉴定范围：行业", max_length=200, required=False)
    coverage_unit = forms.CharField(label="鉴定范围：单位", max_length=200, required=False)
    pledge_accepted = forms.BooleanField(
        label="本机构（人）承诺所填报的信息和所附材料真实、有效，愿意承担失信法律责任", required=False
    )


class PersonForm(forms.Form):
    role = forms.ChoiceField(label="类别", choices=[("", "—"), *Person.Role.choices], required=False)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    occupation_code = forms.ChoiceField(label="职业（考评人员）", required=False)
    level = forms.ChoiceField(label="考评等级", choices=[("", "—"), *LEVEL_CHOICES], required=False)
    certificate_code = forms.CharField(label="考评/执业证书编码", max_length=64, required=False)
    id_number = forms.CharField(label="身份证号码（考评人员）", max_length=20, required=False)
    own_staff = forms.BooleanField(label="自有", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["occupation_code"]).choices = occupation_choices()


class EquipmentForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, required=False)
    brand = forms.CharField(label="品牌", max_length=100, required=False)
    model = forms.CharField(label="规格/型号", max_length=100, required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=1_000_000, required=False)
    ownership = forms.CharField(label="所有权归属", max_length=100, required=False)


class ScopeForm(forms.Form):
    occupation_code = forms.ChoiceField(label="职业（工种）", required=False)
    evaluation_type = forms.ChoiceField(
        label="评价类型",
        # An empty first choice: a blank extra row must stay blank (issue 11: a preselected type made it a row).
        choices=[("", "（同所选评价类型）"), *EvaluationType.choices],
        required=False,
    )
    levels = forms.MultipleChoiceField(
        label="等级", choices=LEVEL_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["occupation_code"]).choices = occupation_choices()
        for name, label in LINE_FACTS:
            self.fields[name] = (
                forms.FloatField(label=label, min_value=0, required=False)
                if name.endswith("m2")
                else forms.IntegerField(label=label, min_value=0, required=False)
            )


class RowsFormSet(forms.BaseFormSet):
    """A list of rows the applicant can extend (formset.js) and shorten: each row has a "删除此行" box."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME] = forms.BooleanField(label="删除此行", required=False)

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(form index, cleaned data) of every row that is filled in and not marked for removal."""
        out = []
        for i, f in enumerate(self.forms):
            data = getattr(f, "cleaned_data", None) or {}
            if not data or data.get(forms.formsets.DELETION_FIELD_NAME):
                continue
            values = {k: v for k, v in data.items() if k not in ("own_staff", forms.formsets.DELETION_FIELD_NAME)}
            if any(v not in (None, "", [], False) for v in values.values()):
                out.append((i, {k: v for k, v in data.items() if k != forms.formsets.DELETION_FIELD_NAME}))
        return out


PersonFormSet = forms.formset_factory(PersonForm, formset=RowsFormSet, extra=3, max_num=500, can_delete=True)
EquipmentFormSet = forms.formset_factory(EquipmentForm, formset=RowsFormSet, extra=2, max_num=500, can_delete=True)
ScopeFormSet = forms.formset_factory(ScopeForm, formset=RowsFormSet, extra=1, max_num=100, can_delete=True)


class FactsForm(forms.Form):
    """The eligibility facts (application profile) as typed fields, built from the fact catalogue."""

    REGISTERED_PREFIX = "registered_in__"

    def __init__(
        self,
        *args: Any,
        relevant: set[str] | None = None,
        registration_regions: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``relevant``: only these facts (those the governing packs use); None shows them all.
        ``registration_regions``: (code, name) of each governing document that requires registration in its own
        region; each is asked on its own ("在重庆市依法登记", "在重庆市巫溪县依法登记") instead of the one vague
        "在受理地区依法登记" (issue 11)."""
        super().__init__(*args, **kwargs)
        regions = registration_regions or []
        initial_map = (self.initial or {}).get("registered_in") or {}
        for code, name in regions:
            key = f"{self.REGISTERED_PREFIX}{code}"
            self.fields[key] = forms.TypedChoiceField(
                label=f"在{name}依法登记", choices=YES_NO, required=False, coerce=_to_bool, empty_value=None
            )
            if code in initial_map and key not in self.initial:
                self.initial[key] = "true" if initial_map[code] else "false"
        for spec in fact_catalog().values():
            if spec.scope != "institution" or spec.name in DERIVED_INSTITUTION_FACTS:
                continue
            if spec.type == "region_map":
                continue
            if regions and spec.name == "registered_in_region" and not self._answered(spec.name):
                continue  # asked per region above; an earlier plain answer stays until changed
            if relevant is not None and spec.name not in relevant:
                continue
            label = spec.label + (f"（{unit_label(spec.unit)}）" if spec.unit else "")
            if spec.type == "bool":
                field: forms.Field = forms.TypedChoiceField(
                    label=label, choices=YES_NO, required=False, coerce=_to_bool, empty_value=None
                )
            elif spec.type == "integer":
                field = forms.IntegerField(label=label, min_value=0, required=False)
            elif spec.type == "number":
                field = forms.FloatField(label=label, min_value=0, required=False)
            elif spec.type == "enum":
                field = forms.ChoiceField(
                    label=label,
                    choices=[("", "（未填写）"), *[(c, choice_label(c, spec.name)) for c in spec.choices]],
                    required=False,
                )
            elif spec.type == "enum_list":
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=[(c, choice_label(c, spec.name)) for c in spec.choices],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            else:
                field = forms.DateField(label=label, required=False, widget=DateInput())
            self.fields[spec.name] = field

    def _answered(self, name: str) -> bool:
        if self.is_bound:
            return bool(self.data.get(self.add_prefix(name)))
        return self.initial.get(name) not in (None, "")

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        registered: dict[str, bool] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "" or value == []:
                continue
            if name.startswith(self.REGISTERED_PREFIX):
                registered[name[len(self.REGISTERED_PREFIX) :]] = value
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            out[name] = value
        if registered:
            out["registered_in"] = registered
        return out


def _to_bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


UNIT_LABELS = {
    "m2": "平方米",
    "cm": "厘米",
    "years": "年",
    "persons": "人",
    "person_times": "人次",
    "items": "题",
    "seats": "个",
    "workstations": "个",
    "rooms": "间",
}


def unit_label(unit: str | None) -> str:
    return UNIT_LABELS.get(unit or "", unit or "")


CHOICE_LABELS = {
    # legal forms
    "enterprise": "企业",
    "public_institution": "事业单位（含院校）",
    "social_group": "社会团体",
    "private_non_enterprise": "民办非企业单位",
    "other": "其他",
    # rooms and equipment
    "exam_affairs_office": "考务办公室",
    "confidential_room": "保密室",
    "archive_room": "档案室",
    "waiting_room": "候考室",
    "desks_chairs": "桌椅",
    "printer": "打印机",
    "communication": "通信设备",
    "computer": "计算机",
    "file_cabinet": "档案柜",
    "network": "网络",
    "confidential_cabinet": "保密柜",
    "exam_affairs_room": "考务工作室",
    # staff roles
    "head": "负责人",
    "managers": "管理人员",
    "finance": "财务人员",
    "network_technician": "网络技术人员",
    "equipment": "设备管理人员",
    "archive": "档案管理人员",
    "exam_affairs": "考务人员",
    # management rules
    "administrative": "行政管理制度",
    "financial": "财务管理制度",
    "safety": "安全管理制度",
    "security": "安全保卫制度",
    "personnel": "人员管理制度",
    "evaluation_implementation": "认定组织实施管理制度",
    "talent_incentive": "技能人才培养激励制度",
    "teaching_evaluation_linkage": "教学与评价衔接制度",
    "evaluation_service_procedure": "评价服务规程",
    "equipment_safe_operation": "设备安全操作规程",
    "equipment_management": "设备设施管理制度",
    "quality": "质量管理制度",
    "certificate": "证书管理制度",
    "question_bank": "题库管理制度",
    "violation": "违规违纪管理制度",
    # information systems
    "exam_management": "信息化考务系统",
    "platform_realtime_connection": "数据与视频实时接入管理系统",
    "info_publishing": "信息发布平台",
    "consultation_complaint": "咨询投诉系统",
    # education and titles
    "secondary_or_below": "中专及以下",
    "junior_college": "大专",
    "bachelor": "本科",
    "master": "硕士研究生",
    "doctorate": "博士研究生",
    "none": "无",
    "junior": "初级",
    "intermediate": "中级",
    "deputy_senior": "副高级",
    "senior": "正高级",
    # affiliation and area
    "city_owned": "市属企业",
    "central_branch": "中央企业分支机构",
    "county_owned": "区县属企业",
    "province_or_city_wide": "全市（省）范围",
    "county": "区县范围",
}


# Values shared by two lists mean different things in each: "archive" is 档案管理人员 among the staff roles but
# 档案管理制度 among the management rules (issue 11: staff roles were offered as management rules).
CHOICE_LABELS_BY_FACT = {
    "management_rules": {
        "archive": "档案管理制度",
        "exam_affairs": "考务管理制度",
        "personnel": "工作人员管理制度",
        "quality": "质量管理制度",
        "certificate": "证书管理制度",
        "question_bank": "题库管理制度",
        "violation": "违规违纪管理制度",
    },
    "staff_roles": {"archive": "档案管理人员", "exam_affairs": "考务人员", "equipment": "设备管理人员"},
}


def choice_label(value: str, fact: str = "") -> str:
    return CHOICE_LABELS_BY_FACT.get(fact, {}).get(value) or CHOICE_LABELS.get(value, value)


class MaterialUploadForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=MaterialKind.choices)
    file = forms.FileField(label="文件（PDF、JPG、PNG、DOCX、XLSX）")

    def __init__(self, *args: Any, kinds: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:  # the application's own list (applications.materials)
            cast(forms.ChoiceField, self.fields["kind"]).choices = kinds


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SupplementCompleteForm(SubmitForm):
    note = forms.CharField(label="补正说明", widget=forms.Textarea, required=False, max_length=2000)


class SupplementRequestForm(SubmitForm):
    items = forms.MultipleChoiceField(
        label="需补正的材料（一次性告知全部）", widget=forms.CheckboxSelectMultiple, required=False
    )
    other_items = forms.CharField(
        label="其他需补正事项（每行一项）", widget=forms.Textarea, required=False, max_length=5000
    )
    note = forms.CharField(label="说明", widget=forms.Textarea, required=False, max_length=2000)

    def __init__(self, *args: Any, materials: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = materials if materials is not None else [k.label for k in MaterialKind]
        cast(forms.MultipleChoiceField, self.fields["items"]).choices = [(label, label) for label in labels]

    def all_items(self) -> list[str]:
        extra = [line.strip() for line in self.cleaned_data.get("other_items", "").splitlines() if line.strip()]
        return list(self.cleaned_data.get("items", [])) + extra


class ReasonedDecisionForm(SubmitForm):
    reasons = forms.CharField(label="理由", widget=forms.Textarea, max_length=5000, required=False)
    basis = forms.CharField(label="依据", widget=forms.Textarea, max_length=2000, required=False)


class ForwardForm(SubmitForm):
    opinion = forms.CharField(label="审核意见", widget=forms.Textarea, max_length=5000, required=False)


class AssignForm(SubmitForm):
    method = forms.ChoiceField(label="评估方式", choices=Assessment.Method.choices)
    expert = forms.ChoiceField(label="评审专家")

    def __init__(self, *args: Any, experts: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["expert"]).choices = [("", "（请选择）"), *experts]


class PublicityForm(SubmitForm):
    starts_on = forms.DateField(label="公示开始日期", widget=DateInput())
    ends_on = forms.DateField(label="公示结束日期", widget=DateInput())
    text = forms.CharField(label="公示内容", widget=forms.Textarea, max_length=5000)


class PublicityCloseForm(SubmitForm):
    """Only the version: the objections are the records lodged on the public notice (issue 13)."""


class AssessmentOpinionForm(forms.Form):
    opinion = forms.CharField(label="评估意见", widget=forms.Textarea, max_length=10000)
    recommendation = forms.ChoiceField(label="结论", choices=Assessment.Recommendation.choices)
