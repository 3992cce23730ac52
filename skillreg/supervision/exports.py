"""Excel exports of supervision records for staff (CQ-25, CQ-27): inspection plans, draws, inspection results,
complaints and ratings, each limited to the staff member's region through the selectors. Cells are
formula-safe (``documents.exports``); complainants' names and contacts are masked — the export is a list to
work from, the record page is where a person is identified."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from skillreg.core import clock
from skillreg.core.crypto import mask_phone

from . import selectors


def mask_name(name: str) -> str:
    """张** — the first character kept; "" stays "" (anonymous)."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _local(value: Any) -> Any:
    """Asia/Shanghai wall time (Excel has no time zones)."""
    return timezone.localtime(value) if value is not None else None


@dataclass(frozen=True)
class Export:
    filename: str
    sheet: str
    headers: Sequence[str]
    rows: Callable[[Any], Iterator[Sequence[Any]]]


def _plan_rows(user: Any) -> Iterator[Sequence[Any]]:
    for p in selectors.plans_in_region(user).order_by("-created_at", "-id"):
        size = p.sample_size if p.sample_size is not None else ""
        ratio = f"{p.ratio_permille / 10:g}%" if p.ratio_permille is not None else ""
        yield [
            p.title,
            p.authority.name,
            p.items,
            p.inspect_on,
            p.institution_kind or "全部",
            size,
            ratio,
            p.per_target,
            p.seed_hash,
            str(p.seed or "") if p.status == "drawn" else "（抽取后公布）",
            p.get_status_display(),
            _local(p.created_at),
            _local(p.drawn_at),
        ]


def _draw_rows(user: Any) -> Iterator[Sequence[Any]]:
    for p in selectors.plans_in_region(user).filter(status="drawn").order_by("-drawn_at", "-id"):
        for order, (code, name, inspectors) in enumerate(selectors.plan_assignments(p), start=1):
            yield [p.title, p.authority.name, _local(p.drawn_at), order, code, name, "、".join(inspectors)]


def _result_rows(user: Any) -> Iterator[Sequence[Any]]:
    qs = selectors.inspections_for(user).filter(status="concluded").order_by("-concluded_at", "-id")
    for i in qs:
        yield [
            i.filing.code,
            i.filing.name,
            i.plan.title if i.plan else "",
            i.get_source_display(),
            i.inspector.number,
            _local(i.concluded_at),
            i.get_conclusion_display(),
            i.findings,
            i.rectification.due_on if i.rectification else "",
        ]


def _complaint_rows(user: Any) -> Iterator[Sequence[Any]]:
    today = clock.today()
    for c in selectors.complaints_for_staff(user).order_by("-submitted_at", "-id"):
        yield [
            c.tracking_no,
            _local(c.submitted_at),
            c.filing.code,
            c.filing.name,
            c.authority.name,
            c.get_category_display(),
            mask_name(c.name) or "匿名",
            mask_phone(str(c.contact or "")) if c.contact else "",
            c.get_status_display(),
            c.due_on,
            "是" if c.status != "answered" and c.due_on < today else "否",
            c.get_outcome_display() if c.outcome else "",
            _local(c.answered_at),
        ]


def _rating_rows(user: Any) -> Iterator[Sequence[Any]]:
    for r in selectors.ratings_for_staff(user).select_related("follow_up").order_by("-rated_at", "-id"):
        fu = getattr(r, "follow_up", None)
        yield [
            r.application.number or "",
            r.application.get_application_type_display(),
            r.application.institution_name,
            r.authority.name,
            r.get_grade_display(),
            r.comment,
            _local(r.rated_at),
            fu.get_status_display() if fu else "",
            fu.due_on if fu else "",
        ]


EXPORTS: dict[str, Export] = {
    "plans": Export(
        "抽查计划.xlsx",
        "抽查计划",
        [
            "计划名称",
            "制定机关",
            "检查事项",
            "名录基准日",
            "机构类别",
            "抽查数量",
            "抽查比例",
            "每个对象检查人员数",
            "随机种子 SHA-256",
            "随机种子",
            "状态",
            "公布时间",
            "抽取时间",
        ],
        _plan_rows,
    ),
    "draws": Export(
        "抽取结果.xlsx",
        "抽取结果",
        ["计划名称", "制定机关", "抽取时间", "序号", "备案编码", "机构名称", "检查人员编号"],
        _draw_rows,
    ),
    "results": Export(
        "检查结果.xlsx",
        "检查结果",
        ["备案编码", "机构名称", "抽查计划", "来源", "检查人员编号", "结论时间", "检查结论", "检查发现", "整改期限"],
        _result_rows,
    ),
    "complaints": Export(
        "投诉举报.xlsx",
        "投诉举报",
        [
            "受理编号",
            "受理时间",
            "备案编码",
            "被投诉举报机构",
            "受理机关",
            "类别",
            "投诉举报人",
            "联系方式",
            "状态",
            "办理期限",
            "是否逾期",
            "办理结果",
            "办结时间",
        ],
        _complaint_rows,
    ),
    "ratings": Export(
        "好差评.xlsx",
        "好差评",
        ["申请编号", "事项", "机构名称", "受理机关", "评价等级", "评价意见", "评价时间", "整改回访", "反馈期限"],
        _rating_rows,
    ),
}
