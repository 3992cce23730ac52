"""The sections of the annual report template (皖人社秘〔2020〕64号附件3; 淮南市通知附件2), in their order.

Each text field is (key, heading it belongs to, label). The figures of 三、（一） and the examiners of 三、（二）
(淮南) are structured separately (``content["levels"]``, ``content["examiners"]``).
"""

from __future__ import annotations

H1 = "一、基本情况"
H2 = "二、培训工作开展情况"
H3 = "三、评价工作开展情况"
H3_1 = "（一）总体情况"
H3_2 = "（二）基础建设情况"
H3_3 = "（三）评价实施情况"
H4 = "四、下一步培训评价工作打算"

TEXT_FIELDS: list[tuple[str, str, str]] = [
    ("basic", H1, "机构总体情况"),
    ("duties", H1, "内部职责分工情况"),
    ("training_social", H2, "社会化培训情况"),
    ("training_subsidised", H2, "政府补贴性职业技能培训情况"),
    ("candidate_sources", H3_1, "考生主要来源情况"),
    (
        "infrastructure",
        H3_2,
        "评价制度、质量管理机制、专职人员构成、专业人员（考评、督导、专家）队伍、场地设备设施情况",
    ),
    ("plan_reporting", H3_3, "评价计划报备情况"),
    ("rule_execution", H3_3, "评价制度执行情况"),
    ("process_records", H3_3, "评价过程记录情况"),
    ("violations", H3_3, "违纪违规查处情况"),
    ("internal_supervision", H3_3, "内部质量督导情况"),
    ("archives", H3_3, "评价档案建立完善情况"),
    ("integrity_files", H3_3, "相关人员诚信档案建立情况"),
    ("publicity", H3_3, "评价结果公示和报备情况"),
    ("next_plans", H4, "下一步培训评价工作打算"),
]
HEADING_KEYS = {H1: "h1", H2: "h2", H3_1: "h3_1", H3_2: "h3_2", H3_3: "h3_3", H4: "h4"}
TEXT_KEYS = [k for k, _, _ in TEXT_FIELDS]
TRAINING_SCALE_LABEL = "全年累计培训规模（人次）"
MAX_TEXT = 5000

# The evaluation types counted per level (附件3 三（一）: "职业资格评价和职业技能等级认定分级别进行统计").
LEVELLED_TYPES = ("qualification", "skill_level")


def level_key(evaluation_type: str, level: int) -> str:
    return f"lv_{evaluation_type}_{level}"
