"""The inspection checklist of 渝人社发〔2020〕128号 第二十六条 (CQ-26): what every inspection looks at."""

from __future__ import annotations

CQ26_ITEMS: tuple[tuple[str, str], ...] = (
    ("filing", "是否按照规定履行备案手续"),
    ("information", "所填报的备案信息是否真实、准确、完整"),
    ("policy", "执行人力资源社会保障部门制定出台的职业技能等级认定相关政策的情况"),
    ("scope", "依据国家职业技能标准和行业企业评价规范，在备案的职业（工种）和地域范围内组织开展职业技能等级认定的情况"),
    ("measures", "在评价过程管理、评价条件保障、工作队伍管理以及评价质量管理等方面采取的措施"),
    ("other", "其他依法依规需要检查的内容"),
)
