"""Rule-pack schema (pydantic). One YAML file per source document under ``policies/``.

Pure Python (no Django). Structural validation lives here; cross-references (facts, parameters,
units, quotes) are checked by :mod:`skillreg.policy.lint` and, except quotes, by the loader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .facts import ApplicationType, EvaluationType, InstitutionKind

PACK_SCHEMA_VERSION = 1
REQUIREMENT_PATTERN = r"^(CQ|WX|AH|HN|GZ)-[0-9A-Za-z.\-]+$"
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    article: str = Field(min_length=1, description="条款，如 第十条、附件1第三条第（一）项")
    quote: str = Field(min_length=2, description="在种子文本中逐字出现的原文（忽略空白）")


class Parameter(_Strict):
    value: float | int
    unit: str | None = None  # required by lint/loader with a precise message
    label: str = ""
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    cite: Citation


class Linear(_Strict):
    """required = base + step * <derived count> (e.g. WX-4.3 +100 m² per extra occupation)."""

    base: str
    step: str
    count: Literal["extra_occupations"] = "extra_occupations"


Op = Literal[">=", ">", "<=", "<", "days_before"]


class Leaf(_Strict):
    fact: str
    op: Op | None = None
    param: str | None = None
    linear: Linear | None = None
    is_: bool | None = Field(default=None, alias="is")
    includes: list[str] | None = None
    in_: list[str] | None = Field(default=None, alias="in")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_test(self) -> Leaf:
        tests = [
            self.op is not None,
            self.is_ is not None,
            self.includes is not None,
            self.in_ is not None,
        ]
        if sum(tests) != 1:
            raise ValueError("每个检查项须且只能有 op / is / includes / in 之一")
        if self.op is not None and (self.param is None) == (self.linear is None):
            raise ValueError("数值比较须给出 param（带单位的参数）或 linear 之一")
        if self.op is None and (self.param is not None or self.linear is not None):
            raise ValueError("param / linear 只能与 op 一起使用")
        return self


class AllOf(_Strict):
    all: list[Check] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Check] = Field(min_length=1)


Check = Union[AllOf, AnyOf, Leaf]  # noqa: UP007 - runtime alias used by pydantic forward refs
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Condition(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    title: str = Field(min_length=1, description="中文条件名称")
    kinds: list[InstitutionKind] | None = None
    evaluation_types: list[EvaluationType] | None = None
    application_types: list[ApplicationType] | None = None
    per: Literal["institution", "occupation", "occupation_level"] = "institution"
    when: Check | None = None
    check: Check | None = None
    review: str | None = Field(default=None, description="审核人员核对清单条目（判断性条件）")
    supersedes: list[str] = Field(default_factory=list)
    cite: Citation

    @model_validator(mode="after")
    def _check_or_review(self) -> Condition:
        if (self.check is None) == (self.review is None):
            raise ValueError(f"条件 {self.id}：须且只能有 check 或 review 之一")
        return self


TimeUnit = Literal["working_days", "calendar_days", "years"]


class TimeLimit(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    label: str
    length: int = Field(gt=0)
    unit: TimeUnit | None = None
    direction: Literal["after", "before"] = "after"
    start_event: str = Field(description="起算事件（direction=before 时为截止事件）")
    restart_event: str | None = None
    on_expiry: str | None = None
    cite: Citation


class Window(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    label: str
    recurrence: Literal["yearly", "once"]
    start: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD（yearly）")
    end: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD（yearly）")
    due: dt.date | None = Field(default=None, description="截止日（once）")
    report_years: list[int] = Field(default_factory=list)
    reporting_period: Literal["previous_year", "listed_years"] = "previous_year"
    submit_to: str = ""
    cite: Citation

    @model_validator(mode="after")
    def _shape(self) -> Window:
        if self.recurrence == "yearly" and not self.end:
            raise ValueError(f"窗口 {self.id}：每年窗口须有 end（MM-DD）")
        if self.recurrence == "once" and not self.due:
            raise ValueError(f"窗口 {self.id}：一次性窗口须有 due 日期")
        return self


class Route(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    kinds: list[InstitutionKind] | None = None
    evaluation_types: list[EvaluationType] | None = None
    levels_any: list[int] | None = Field(default=None, description="申请含其中任一等级时适用")
    when: Check | None = None
    authority: str = Field(description="受理/备案机关（中文）")
    authority_level: Literal["province", "city", "city_center", "county"]
    steps: list[str] = Field(default_factory=list)
    copy_to: list[str] = Field(default_factory=list)
    cite: Citation


class MaterialItem(_Strict):
    """One required material of an application (CQ-8 (1)..(6), GZ-11 (一)..(五))."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="材料类别代码（applications.MaterialKind）")
    label: str = Field(min_length=1, description="材料名称（中文，按原文）")
    item: str = Field(default="", description="原文项号，如（一）")
    kinds: list[InstitutionKind] | None = Field(default=None, description="仅这些机构类别需提交")
    optional: bool = Field(default=False, description="按要求提交（如“其他补充材料”），不作为必交项")


class MaterialList(_Strict):
    """The materials an application of the listed types must carry, as the document lists them."""

    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    label: str
    application_types: list[ApplicationType] = Field(min_length=1)
    items: list[MaterialItem] = Field(min_length=1)
    cite: Citation

    @model_validator(mode="after")
    def _unique_codes(self) -> MaterialList:
        codes = [i.code for i in self.items]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup:
            raise ValueError(f"材料清单 {self.id} 中材料类别重复：{', '.join(sorted(dup))}")
        return self


class AppraisalGrade(_Strict):
    minimum: float = Field(ge=0, le=100, description="总分不低于此值")
    label: str = Field(min_length=1)


class AppraisalItem(_Strict):
    """One item of a periodic-evaluation scheme: its weight (percent of the total) and its score range."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    weight: float = Field(gt=0, le=100, description="权重（占总分的百分比）")
    max_score: int = Field(default=100, gt=0, description="本项评分上限（评分范围 0 至上限）")
    basis: str = Field(min_length=1, description="评分依据（中文，可引条款）")
    prefill: str | None = Field(default=None, description="预填数据来源（appraisals.providers 中的名称）")


class AppraisalScheme(_Strict):
    """定期评估方案 (AH-4.2, HN-2): items, weights (adding up to 100), grades; configurable per authority."""

    id: str = Field(pattern=ID_PATTERN)
    requirement: str = Field(pattern=REQUIREMENT_PATTERN)
    label: str
    version: int = Field(ge=1)
    items: list[AppraisalItem] = Field(min_length=1)
    grades: list[AppraisalGrade] = Field(min_length=1)
    cite: Citation

    @model_validator(mode="after")
    def _weights_add_up(self) -> AppraisalScheme:
        total = round(sum(i.weight for i in self.items), 6)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"定期评估方案“{self.label}”各评估项权重之和应为100，现为{total:g}")
        codes = [i.code for i in self.items]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup:
            raise ValueError(f"定期评估方案“{self.label}”评估项代码重复：{', '.join(sorted(dup))}")
        if not any(g.minimum == 0 for g in self.grades):
            raise ValueError(f"定期评估方案“{self.label}”须有一个最低档（总分不低于0）")
        return self


BasisPurpose = Literal[
    "inspection_draw",  # 双随机一公开：抽查计划与抽取结果
    "inspection",  # 监督检查
    "rectification",  # 责令改正（整改）
    "cancellation",  # 整改期满仍不符合要求的注销备案
    "ordered_exit",  # 责令终止评价活动
    "voluntary_exit",  # 自愿终止
    "credit",  # 信用评估
    "complaints",  # 投诉举报
    "selection_publicity",  # 遴选结果公示
]


class LegalBasis(_Strict):
    """The article a supervision notice or record of one purpose is issued under (CQ-25..31, AH-4.3, HN-3,
    GZ-13..15). ``none`` says that this document has no article for the purpose (nothing is borrowed from
    another province); ``with_parent`` cites the parent region's article together with this one."""

    purpose: BasisPurpose
    requirement: str | None = Field(default=None, pattern=REQUIREMENT_PATTERN)
    cite: Citation | None = None
    none: str = Field(default="", description="本文件无相应条款时的说明（中文）")
    with_parent: bool = Field(default=False, description="与上级地区规则包的条款一并引用")

    @model_validator(mode="after")
    def _cite_or_none(self) -> LegalBasis:
        if (self.cite is None) == (not self.none):
            raise ValueError(f"依据 {self.purpose}：须且只能有 cite 或 none 之一")
        if self.cite is not None and self.requirement is None:
            raise ValueError(f"依据 {self.purpose}：引用条款须注明 requirement")
        if self.cite is None and self.with_parent:
            raise ValueError(f"依据 {self.purpose}：with_parent 只能与 cite 一起使用")
        return self


class Metadata(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    prefix: Literal["CQ", "WX", "AH", "HN", "GZ"]
    issuer: str
    doc_number: str | None = None
    title: str
    issued: dt.date | None = None
    effective_from: dt.date
    effective_to: dt.date | None = None
    date_note: str = ""
    region: str = Field(pattern=r"^[1-9][0-9]{5}$")
    region_name: str
    seed_file: str
    seed_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    kinds: list[InstitutionKind]
    evaluation_types: list[EvaluationType]
    default_application_types: list[ApplicationType] = Field(
        default_factory=lambda: [ApplicationType.filing, ApplicationType.change, ApplicationType.renewal]
    )

    @model_validator(mode="after")
    def _dates(self) -> Metadata:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to 早于 effective_from")
        return self


class Pack(_Strict):
    schema_version: Literal[1]
    metadata: Metadata
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    conditions: list[Condition] = Field(default_factory=list)
    time_limits: list[TimeLimit] = Field(default_factory=list)
    validity: list[TimeLimit] = Field(default_factory=list)
    windows: list[Window] = Field(default_factory=list)
    routing: list[Route] = Field(default_factory=list)
    exit: list[TimeLimit] = Field(default_factory=list)
    materials: list[MaterialList] = Field(default_factory=list)
    appraisal: AppraisalScheme | None = None
    notes: list[str] = Field(default_factory=list)
    legal_bases: list[LegalBasis] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        for section in ("conditions", "time_limits", "validity", "windows", "routing", "exit", "materials"):
            ids = [item.id for item in getattr(self, section)]
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"{section} 中 id 重复：{', '.join(sorted(dup))}")
        purposes = [b.purpose for b in self.legal_bases]
        dup = {p for p in purposes if purposes.count(p) > 1}
        if dup:
            raise ValueError(f"legal_bases 中 purpose 重复：{', '.join(sorted(dup))}")
        return self


def iter_leaves(check: Any) -> list[Leaf]:
    if check is None:
        return []
    if isinstance(check, Leaf):
        return [check]
    children = check.all if isinstance(check, AllOf) else check.any
    out: list[Leaf] = []
    for child in children:
        out.extend(iter_leaves(child))
    return out


def iter_citations(pack: Pack) -> list[tuple[str, Citation]]:
    """(location, citation) for every cited item of a pack."""
    out: list[tuple[str, Citation]] = []
    for name, p in pack.parameters.items():
        out.append((f"parameters.{name}", p.cite))
    for section in ("conditions", "time_limits", "validity", "windows", "routing", "exit", "materials"):
        for item in getattr(pack, section):
            out.append((f"{section}[{item.id}]", item.cite))
    if pack.appraisal is not None:
        out.append((f"appraisal[{pack.appraisal.id}]", pack.appraisal.cite))
    for b in pack.legal_bases:
        if b.cite is not None:
            out.append((f"legal_bases[{b.purpose}]", b.cite))
    return out
