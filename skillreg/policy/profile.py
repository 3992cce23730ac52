"""The application profile (``schema_version: "1"``): what the engine judges.

A profile is a flat, typed description of one applicant: region, institution kind, evaluation
types, scope lines (occupation + levels, with per-occupation and per-level facts) and the
institution-level facts. Every fact is optional: an absent/null fact is *missing* and the
engine reports it as such — it is never assumed.

Pure Python (no Django). JSON Schema: ``docs/application-profile.schema.json``
(regenerate with ``python -m skillreg.policy.profile > docs/application-profile.schema.json``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from .facts import (
    ApplicationType,
    Education,
    EnterpriseAffiliation,
    EvaluationArea,
    EvaluationType,
    InformationSystem,
    InstitutionKind,
    LegalForm,
    ManagementRule,
    OfficeEquipment,
    OfficeRoom,
    SkillVenueRoom,
    StaffRole,
    TitleLevel,
)

SCHEMA_VERSION = "1"
REGION_PATTERN = r"^[1-9][0-9]{5}$"
OCCUPATION_CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$"

Num = Annotated[float, Field(strict=True, ge=0)]
Count = Annotated[int, Field(strict=True, ge=0)]


def fact(label: str, unit: str | None = None) -> Any:
    """A fact field: optional, defaults to None (missing), carries unit + Chinese label."""
    extra: dict[str, Any] = {"label": label}
    if unit:
        extra["unit"] = unit
    return Field(default=None, description=label, json_schema_extra=extra)


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelFacts(_Facts):
    """Facts that the law counts per occupation *and* level."""

    level: Annotated[int, Field(strict=True, ge=1, le=5)] = Field(description="等级：5=五级/初级工 … 1=一级/高级技师")
    own_certified_examiners: Count | None = fact("本机构自有且持考评证书的考评人员数（本等级）", "persons")
    certified_examiners: Count | None = fact("具有相应考评资质的持证人员数（本等级）", "persons")
    question_bank_theory_items: Count | None = fact("理论题库题量（本等级）", "items")
    question_bank_skill_items: Count | None = fact("技能题库题量（本等级）", "items")


class OccupationFacts(_Facts):
    """Facts that the law counts per occupation (职业/工种)."""

    theory_room_area_m2: Num | None = fact("本职业知识理论考试场地面积", "m2")
    theory_room_seats: Count | None = fact("本职业知识理论考试考位数", "seats")
    skill_workstations: Count | None = fact("本职业操作技能考核工位数", "workstations")
    widely_practised: StrictBool | None = fact("通用性强、从业人员较多的职业（由审核人员认定）")
    examiners: Count | None = fact("本职业具备考评资格的考评人员数", "persons")
    own_examiners: Count | None = fact("本职业自有考评人员数", "persons")
    training_person_times: Count | None = fact("本职业培训或评价累计规模", "person_times")
    certificates_issued: Count | None = fact("有效期内本职业核发证书人次（续期）", "person_times")
    has_matching_skill_post: StrictBool | None = fact("岗位设置中有明确对应的技能岗位（用人单位）")
    matches_school_major: StrictBool | None = fact("与本校开设专业相匹配（院校）")
    level_matches_school_tier: StrictBool | None = fact("等级与办学层次相一致（院校）")


class InstitutionFacts(_Facts):
    """Institution-level facts. Units are in the names (m2, cm, years) or in the schema."""

    # basic standing
    independent_legal_person: StrictBool | None = fact("具有独立法人资格")
    registered_in_region: StrictBool | None = fact("在受理地区依法登记")
    # "Registered here" is asked per document: a county document and its city's document each require
    # registration in *their own* region (在巫溪县依法登记 ≠ 在重庆市依法登记). Keys are the packs' region codes;
    # a region without an answer falls back to ``registered_in_region`` (issue 11).
    registered_in: dict[Annotated[str, Field(pattern=r"^\d{6}$")], StrictBool] | None = fact(
        "在各文件所辖地区依法登记（按地区分别回答）"
    )
    violation_or_dishonesty_record: StrictBool | None = fact("有违法违规、失信等不良记录")
    legal_form: LegalForm | None = fact("单位类型（企业/事业单位/社会团体/民办非企业单位）")
    # premises
    premises_owned: StrictBool | None = fact("场地为自有（所有权）")
    tenure_years: Num | None = fact("租赁或使用权连续期限", "years")
    office_area_m2: Num | None = fact("办公场地面积", "m2")
    office_independent: StrictBool | None = fact("办公用房相对独立")
    office_rooms: list[OfficeRoom] | None = fact("办公场地功能室（考务室、保密室、档案室、候考室）")
    office_equipment: list[OfficeEquipment] | None = fact("办公设施设备")
    # theory venue
    largest_theory_room_seats: Count | None = fact("最大课桌式标准化考场容纳人数", "seats")
    standard_theory_rooms: Count | None = fact("标准化考场（多媒体教室）数量", "rooms")
    computer_exam_seats: Count | None = fact("可同时机考人数", "seats")
    single_seat_single_desk: StrictBool | None = fact("单人单座（单人单桌）")
    desk_spacing_cm: Num | None = fact("考场桌椅间距", "cm")
    # skill venue
    skill_venue_area_m2: Num | None = fact("技能评价场地总面积", "m2")
    skill_venue_rooms: list[SkillVenueRoom] | None = fact("技能评价场地功能室（考务工作室、候考室）")
    # video
    video_surveillance_theory: StrictBool | None = fact("理论评价场地具备视频监控设备")
    video_surveillance_skill: StrictBool | None = fact("技能评价场地具备视频监控设备")
    video_hd_recording: StrictBool | None = fact("配备高清视频监控录像设备")
    video_skill_full_coverage: StrictBool | None = fact("操作技能考核视频监控全覆盖")
    # staff
    dedicated_department: StrictBool | None = fact("设有负责职业技能等级认定的专门（专职内设）机构")
    full_time_staff: Count | None = fact("专职工作人员数", "persons")
    finance_staff: Count | None = fact("财务管理人员数", "persons")
    staff_roles: list[StaffRole] | None = fact("已配备的工作人员类别")
    internal_quality_supervisors: Count | None = fact("内部质量督导员数", "persons")
    qualified_technical_experts: Count | None = fact(
        "命题与评价规范开发技术专家数（中级以上职称或二级以上）", "persons"
    )
    # head of the institution
    head_age: Count | None = fact("机构负责人年龄（周岁）", "years")
    head_full_civil_capacity: StrictBool | None = fact("负责人具有政治权利和完全民事行为能力")
    head_education: Education | None = fact("负责人最高学历")
    head_title_level: TitleLevel | None = fact("负责人专业技术职务任职资格等级")
    head_has_level2_certificate: StrictBool | None = fact("负责人具有二级及以上国家职业资格（技能等级）")
    head_years_experience: Num | None = fact("负责人教育培训考评从业年限", "years")
    # rules, systems, technical base
    management_rules: list[ManagementRule] | None = fact("已制定的管理制度")
    information_systems: list[InformationSystem] | None = fact("已建立的信息系统")
    question_bank_updated_yearly: StrictBool | None = fact("题库每年动态更新")
    has_implementation_plan: StrictBool | None = fact("已制定职业技能等级认定实施方案")
    stable_funding: StrictBool | None = fact("有稳定经费保障")
    # training / evaluation history (social_org)
    training_years_consecutive: Num | None = fact("连续开展相关培训或评价的年限", "years")
    training_person_times_total: Count | None = fact("累计培训或评价规模", "person_times")
    national_base_or_studio: StrictBool | None = fact(
        "国家级公共实训基地、国家级高技能人才培训基地或国家级技能大师工作室承建单位"
    )
    evaluation_area: EvaluationArea | None = fact("第三方评价的开展范围（全市/区县）")
    # employer
    above_designated_size: StrictBool | None = fact("规模以上企业")
    large_or_medium_enterprise: StrictBool | None = fact("经统计部门认定的大中型企业")
    chain_leader_enterprise: StrictBool | None = fact("产业链链主企业")
    industry_leader_enterprise: StrictBool | None = fact("行业龙头企业")
    specialized_new_enterprise: StrictBool | None = fact("“专精特新”企业")
    local_feature_enterprise: StrictBool | None = fact("地方特色企业（贵州地方性特色企业）")
    skill_pay_linkage: StrictBool | None = fact("技能等级与薪酬（工资待遇）挂钩")
    skill_promotion_linkage: StrictBool | None = fact("技能等级与岗位晋升挂钩")
    skill_training_linkage: StrictBool | None = fact("技能等级与培训机会挂钩")
    enterprise_affiliation: EnterpriseAffiliation | None = fact("企业隶属（市属/央企分支/区县属）")
    # school
    has_testing_institution: StrictBool | None = fact("已设立职业技能考核鉴定机构")
    has_national_testing_station: StrictBool | None = fact("已设有国家职业技能鉴定所（站）")
    major_occupation_linkage: StrictBool | None = fact("已建立专业与职业（工种）衔接机制")
    own_fulltime_students_only: StrictBool | None = fact("评价对象仅为本校全日制在校学生")
    evaluation_in_graduation_period: StrictBool | None = fact("评价时间限定为毕业年度或专业全课程结课后")
    # exclusions (GZ-7)
    government_affiliated: StrictBool | None = fact(
        "政府及其所属部门（院校、公共实训基地、科研院所以外的事业单位，或未与政府部门脱钩的社会团体）"
    )
    training_evaluation_violation_record: StrictBool | None = fact(
        "机构或法定代表人在培训评价领域有违法违规行为或失信记录"
    )
    failed_annual_inspection_3y: StrictBool | None = fact("近3年内民政部门年检不合格")
    on_illegal_org_list: StrictBool | None = fact("被列入民政部门非法社会组织名单")
    abnormal_operation_list_3y: StrictBool | None = fact("近3年内在经营异常目录内")
    unfinished_rectification: StrictBool | None = fact("培训评价业务纳入巡视、巡察、审计专项整治且尚未整改完成")
    # renewal
    currently_operating: StrictBool | None = fact("处于正常开展认定工作（办学）状态")
    certificates_issued_total: Count | None = fact("有效期内核发证书总人次", "person_times")
    certificate_post_pay_linkage: StrictBool | None = fact("证书已与岗位使用、待遇相匹配（用人单位）")
    filing_valid_until: dt.date | None = fact("现备案有效期届满日（续期）")


class ScopeLine(BaseModel):
    """One occupation (职业/工种) or special-ability project of the requested scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupation_code: str = Field(pattern=OCCUPATION_CODE_PATTERN, description="《职业分类大典》编码，如 4-10-01-02")
    occupation_name: str = Field(min_length=1, max_length=100)
    evaluation_type: EvaluationType | None = Field(default=None, description="本行的评价类型；申请只含一种类型时可省略")
    levels: list[Annotated[int, Field(strict=True, ge=1, le=5)]] = Field(
        default_factory=list, description="申请等级：5=五级/初级工 … 1=一级/高级技师；专项职业能力为空"
    )
    new_occupation: StrictBool = Field(default=False, description="人力资源社会保障部公布的新职业（工种）")
    facts: OccupationFacts = Field(default_factory=OccupationFacts)
    level_facts: list[LevelFacts] = Field(default_factory=list, description="按等级填报的事实")

    @model_validator(mode="after")
    def _check_levels(self) -> ScopeLine:
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("levels 中有重复等级")
        seen = set()
        for lf in self.level_facts:
            if lf.level not in self.levels:
                raise ValueError(f"level_facts 中的等级 {lf.level} 不在 levels 中")
            if lf.level in seen:
                raise ValueError(f"level_facts 中等级 {lf.level} 重复")
            seen.add(lf.level)
        return self

    def level_fact(self, level: int) -> LevelFacts | None:
        for lf in self.level_facts:
            if lf.level == level:
                return lf
        return None


class Profile(BaseModel):
    """Application profile, schema version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ApplicationProfile")

    schema_version: Literal["1"] = Field(description='格式版本，固定为 "1"')
    reference: str | None = Field(default=None, max_length=64, description="申请编号或机构备案编码（可选）")
    region: str = Field(pattern=REGION_PATTERN, description="受理地区 GB/T 2260 六位代码，如 500238")
    kind: InstitutionKind
    evaluation_types: list[EvaluationType] = Field(min_length=1)
    application_type: ApplicationType = ApplicationType.filing
    on: dt.date | None = Field(
        default=None,
        description="决定日期 YYYY-MM-DD（可选）：选择当日施行的规则包；命令行 --on 或接口的 on 优先，缺省为今天",
    )
    scope: list[ScopeLine] = Field(min_length=1)
    facts: InstitutionFacts = Field(default_factory=InstitutionFacts)

    @model_validator(mode="before")
    @classmethod
    def _fill_line_types(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        types = data.get("evaluation_types")
        scope = data.get("scope")
        if isinstance(types, list) and len(types) == 1 and isinstance(scope, list):
            data = dict(data)
            data["scope"] = [
                {**line, "evaluation_type": types[0]}
                if isinstance(line, dict) and line.get("evaluation_type") is None
                else line
                for line in scope
            ]
        return data

    @model_validator(mode="after")
    def _check_scope(self) -> Profile:
        if len(set(self.evaluation_types)) != len(self.evaluation_types):
            raise ValueError("evaluation_types 中有重复类型")
        seen: set[tuple[str, str]] = set()
        for i, line in enumerate(self.scope):
            if line.evaluation_type is None:
                raise ValueError(f"scope[{i}]：申请含多种评价类型时须填写 evaluation_type")
            if line.evaluation_type not in self.evaluation_types:
                raise ValueError(f"scope[{i}]：evaluation_type {line.evaluation_type} 不在 evaluation_types 中")
            if line.evaluation_type == EvaluationType.special_ability:
                if line.levels:
                    raise ValueError(f"scope[{i}]：专项职业能力考核项目不分等级，levels 应为空")
            elif not line.levels:
                raise ValueError(f"scope[{i}]：levels 不能为空")
            key = (line.evaluation_type, line.occupation_code)
            if key in seen:
                raise ValueError(f"scope[{i}]：职业 {line.occupation_code} 重复")
            seen.add(key)
        return self


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class FactSpec:
    name: str
    scope: str  # institution | occupation | level
    type: str  # bool | number | integer | enum | enum_list | date | region_map
    unit: str | None
    label: str
    choices: tuple[str, ...] = ()


_SCOPES = (("institution", InstitutionFacts), ("occupation", OccupationFacts), ("level", LevelFacts))
# Facts the engine derives from the profile itself (not filled in by the applicant).
DERIVED_FACTS: dict[str, FactSpec] = {
    "new_occupation": FactSpec("new_occupation", "occupation", "bool", None, "新职业（工种）"),
    "occupation_count": FactSpec("occupation_count", "institution", "integer", None, "申请职业（工种）数"),
    "all_new_occupations": FactSpec("all_new_occupations", "institution", "bool", None, "申请职业均为新职业"),
}


def _describe(name: str, info: Any, scope: str) -> FactSpec:
    extra = info.json_schema_extra or {}
    ann = info.annotation
    text = repr(ann)
    choices: tuple[str, ...] = ()
    for enum_cls in (
        LegalForm,
        OfficeRoom,
        OfficeEquipment,
        SkillVenueRoom,
        StaffRole,
        ManagementRule,
        InformationSystem,
        Education,
        TitleLevel,
        EnterpriseAffiliation,
        EvaluationArea,
    ):
        if enum_cls.__name__ in text:
            choices = tuple(e.value for e in enum_cls)
            kind = "enum_list" if text.startswith("list") or "list[" in text else "enum"
            break
    else:
        if text.startswith("dict") or "dict[" in text:
            kind = "region_map"
        elif "bool" in text:
            kind = "bool"
        elif "date" in text:
            kind = "date"
        elif "float" in text:
            kind = "number"
        else:
            kind = "integer"
    return FactSpec(name, scope, kind, extra.get("unit"), extra.get("label", ""), choices)


@functools.cache
def fact_catalog() -> dict[str, FactSpec]:
    """All fact names a rule pack may use, with scope, type and unit."""
    out: dict[str, FactSpec] = {}
    for scope, model in _SCOPES:
        for name, info in model.model_fields.items():
            if name == "level":
                continue
            out[name] = _describe(name, info, scope)
    out.update(DERIVED_FACTS)
    return out


def json_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://skillreg.local/schemas/application-profile-1.json"
    return schema


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
