"""The items of the Huainan yearly self-check: the general conditions of HN 附件1, each with its article and a quote
that appears verbatim in the seed (tests/test_appraisals checks it). Pure data, no Django."""

from __future__ import annotations

from dataclasses import dataclass

DOCUMENT = "淮南市《关于进一步加强技能人才评价机构备案管理工作的通知》附件1《技能人才评价机构备案通用条件》"
SEED_FILE = "004_44fe54cce13bd469.txt"


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    article: str
    quote: str


ITEMS: tuple[Item, ...] = (
    Item(
        "legal_person",
        "独立法人资格、信用记录良好、无违法违规记录",
        "第一条",
        "具有独立法人资格、信用记录良好，具有规范的财务制度和管理制度，无违法违规记录",
    ),
    Item(
        "rules",
        "规章制度齐全",
        "第二条",
        "制定有财务管理制度、评价服务规程、档案管理制度、设备安全操作规程、安全保卫制度、设备设施管理制度等规章制度",
    ),
    Item(
        "office",
        "办公用房不少于50平方米，设试卷保密场所及保密柜",
        "第三条第（一）项",
        "办公用房相对独立，不少于50平方米",
    ),
    Item(
        "theory_room",
        "知识理论考试场地每个职业不少于60平方米、至少30个考位",
        "第三条第（二）项",
        "知识理论考试场地每个职业不少于60平方米，配备至少30个考位",
    ),
    Item(
        "skill_venue",
        "操作技能考核场地符合国家职业技能标准",
        "第三条第（三）项",
        "操作技能考核场地应符合所评价职业相应国家职业技能标准",
    ),
    Item(
        "video",
        "理论和技能考场配备高清视频监控录像设备",
        "第三条第（三）项",
        "知识理论考试场地与操作技能考核场地均应配备高清视频监控录像设备",
    ),
    Item(
        "staff",
        "配备负责人、管理人员、财务人员、网络技术人员和考评人员",
        "第四条",
        "配备评价工作专（兼）职负责人、管理人员、财务人员、网络技术人员和考评人员等",
    ),
    Item(
        "examiners",
        "每个职业（工种）等级持证考评人员不少于5人",
        "第四条",
        "每个职业（工种）等级具有相应考评资质的持证人员不少于5人",
    ),
)
CODES = tuple(i.code for i in ITEMS)
