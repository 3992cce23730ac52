"""Vocabulary of the application profile: enums, units and the fact catalogue.

Pure Python (no Django). The catalogue (:func:`fact_catalog`) is derived from the pydantic
models in :mod:`skillreg.policy.profile`; rule packs may only name facts that appear in it.
"""

from __future__ import annotations

from enum import StrEnum


class InstitutionKind(StrEnum):
    employer = "employer"  # 用人单位（企业自主评价）
    school = "school"  # 院校 / 技工院校
    social_org = "social_org"  # 社会培训评价组织（第三方评价）


class EvaluationType(StrEnum):
    skill_level = "skill_level"  # 职业技能等级认定
    qualification = "qualification"  # 职业资格评价
    special_ability = "special_ability"  # 专项职业能力考核


class ApplicationType(StrEnum):
    filing = "filing"  # 备案（遴选）申请
    change = "change"  # 变更备案
    renewal = "renewal"  # 延续（续期）


class LegalForm(StrEnum):
    enterprise = "enterprise"  # 企业
    public_institution = "public_institution"  # 事业单位（含院校）
    social_group = "social_group"  # 社会团体
    private_non_enterprise = "private_non_enterprise"  # 民办非企业单位
    other = "other"


class OfficeRoom(StrEnum):
    exam_affairs_office = "exam_affairs_office"  # 考务办公室 / 考务室
    confidential_room = "confidential_room"  # 题库试卷保密室 / 保密室 / 试卷保密场所
    archive_room = "archive_room"  # 档案室
    waiting_room = "waiting_room"  # 候考室


class OfficeEquipment(StrEnum):
    desks_chairs = "desks_chairs"  # 桌椅
    printer = "printer"  # 文印 / 打印机
    communication = "communication"  # 通讯 / 通信设备
    computer = "computer"  # 计算机
    file_cabinet = "file_cabinet"  # 资料柜 / 档案柜
    network = "network"  # 网络
    confidential_cabinet = "confidential_cabinet"  # 保密柜


class SkillVenueRoom(StrEnum):
    exam_affairs_room = "exam_affairs_room"  # 考务工作室
    waiting_room = "waiting_room"  # 候考室


class StaffRole(StrEnum):
    head = "head"  # 评价工作专（兼）职负责人
    managers = "managers"  # 管理人员
    finance = "finance"  # 财务人员
    network_technician = "network_technician"  # 网络技术人员
    equipment = "equipment"  # 设备管理工作人员
    archive = "archive"  # 档案管理人员
    exam_affairs = "exam_affairs"  # 考务、试题、证书管理人员


class ManagementRule(StrEnum):
    administrative = "administrative"  # 行政管理制度
    financial = "financial"  # 财务管理制度
    safety = "safety"  # 安全管理制度
    security = "security"  # 安全保卫制度
    personnel = "personnel"  # 工作人员（人员）管理制度
    archive = "archive"  # 档案管理制度
    evaluation_implementation = "evaluation_implementation"  # 职业技能等级认定组织实施管理制度
    talent_incentive = "talent_incentive"  # 技能人才培养激励制度
    teaching_evaluation_linkage = "teaching_evaluation_linkage"  # 教学与评价衔接制度
    evaluation_service_procedure = "evaluation_service_procedure"  # 评价服务规程
    equipment_safe_operation = "equipment_safe_operation"  # 设备安全操作规程
    equipment_management = "equipment_management"  # 设备设施管理制度
    exam_affairs = "exam_affairs"  # 考务管理
    quality = "quality"  # 质量管理
    certificate = "certificate"  # 证书管理
    question_bank = "question_bank"  # 题库管理
    violation = "violation"  # 违规违纪管理


class InformationSystem(StrEnum):
    exam_management = "exam_management"  # 信息化考务系统
    platform_realtime_connection = "platform_realtime_connection"  # 数据与视频实时接入县管理系统
    info_publishing = "info_publishing"  # 信息发布平台
    consultation_complaint = "consultation_complaint"  # 评价咨询投诉系统


class Education(StrEnum):
    secondary_or_below = "secondary_or_below"
    junior_college = "junior_college"  # 大专
    bachelor = "bachelor"  # 大学本科
    master = "master"
    doctorate = "doctorate"


class TitleLevel(StrEnum):
    none = "none"
    junior = "junior"  # 初级
    intermediate = "intermediate"  # 中级
    deputy_senior = "deputy_senior"  # 副高级
    senior = "senior"  # 正高级


class EnterpriseAffiliation(StrEnum):
    city_owned = "city_owned"  # 市属企业
    central_branch = "central_branch"  # 中央企业在渝（在本地）分支机构
    county_owned = "county_owned"  # 区县属企业
    other = "other"


class EvaluationArea(StrEnum):
    province_or_city_wide = "province_or_city_wide"  # 在全市（省）范围内开展第三方评价
    county = "county"  # 在区县范围内开展第三方评价


# Units a fact or a parameter may carry.
UNITS: dict[str, str] = {
    "m2": "平方米",
    "cm": "厘米",
    "years": "年",
    "persons": "人",
    "person_times": "人次",
    "items": "题",
    "seats": "座位",
    "workstations": "工位",
    "rooms": "间",
    "calendar_days": "日（自然日）",
    "working_days": "工作日",
}

# Recognised unit spellings in fact names, used to tell the user "wrong unit" rather than
# "unknown fact" when a name differs from a catalogue name only by its unit suffix.
UNIT_SUFFIXES = (
    "_m2",
    "_sqm",
    "_sqft",
    "_mu",
    "_m",
    "_cm",
    "_mm",
    "_years",
    "_year",
    "_months",
    "_days",
    "_persons",
    "_person_times",
    "_items",
)


def strip_unit_suffix(name: str) -> str:
    for suffix in sorted(UNIT_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
