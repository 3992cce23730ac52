"""The report as a list of blocks in the template's order (皖人社秘〔2020〕64号附件3; 淮南市通知附件2) — one outline
that the page, the PDF and the DOCX all render, so the three cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillreg.certificates.rows import LEVEL_NAMES
from skillreg.institutions.models import EvaluationType

from .sections import H1, H2, H3, H3_1, H3_2, H3_3, H4, TEXT_FIELDS, TRAINING_SCALE_LABEL


@dataclass
class Block:
    kind: str  # title | h1 | h2 | para | table | note
    text: str = ""
    label: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)  # table rows whose figures differ from the registry


def level_label(evaluation_type: str, level: int) -> tuple[str, str]:
    try:
        t = str(EvaluationType(evaluation_type).label)
    except ValueError:
        t = evaluation_type
    return t, LEVEL_NAMES.get(level, str(level))


def _rate(applicants: Any, passes: Any) -> str:
    if not applicants:
        return "—"
    return f"{passes / applicants * 100:.1f}%"


def _text(content: dict[str, Any], key: str) -> str:
    return str(content.get(key) or "").strip() or "（未填写）"


def outline(
    *, institution: str, year: int, content: dict[str, Any], registry: dict[str, Any], huainan: bool
) -> list[Block]:
    labels = {k: label for k, _, label in TEXT_FIELDS}
    b: list[Block] = [Block("title", f"{institution}{year}年度评价工作总结")]

    def para(key: str) -> None:
        b.append(Block("para", _text(content, key), label=labels[key]))

    b.append(Block("h1", H1))
    para("basic")
    para("duties")
    b.append(Block("h1", H2))
    para("training_social")
    para("training_subsidised")
    scale = content.get("training_scale")
    b.append(Block("para", f"{scale} 人次" if scale is not None else "（未填写）", label=TRAINING_SCALE_LABEL))
    b.append(Block("h1", H3))
    b.append(Block("h2", H3_1))
    scope = registry.get("filed_scope") or []
    scope_text = "；".join(
        f"{s['name']}（{s['code']}）："
        + "、".join(LEVEL_NAMES.get(x, str(x)) for x in sorted(s["levels"], reverse=True))
        for s in scope
    )
    b.append(Block("para", scope_text or "—", label="备案的职业（工种）等级范围"))
    lines = content.get("levels") or []
    run = [line for line in lines if (line.get("passes") or 0) or (line.get("applicants") or 0)]
    b.append(
        Block(
            "para",
            "、".join("".join(level_label(x["evaluation_type"], x["level"])) for x in run) or "本年度未开展评价",
            label="本年度开展的职业等级",
        )
    )
    para("candidate_sources")
    rows, changed = [], []
    for i, line in enumerate(lines):
        t, lv = level_label(line["evaluation_type"], line["level"])
        a, p = line.get("applicants"), line.get("passes") or 0
        reg = line.get("registry_passes")
        filed = line.get("registry_applicants")
        if (reg is not None and p != reg) or (filed is not None and a != filed):
            changed.append(i)
        rows.append(
            [
                t,
                lv,
                "—" if a is None else str(a),
                str(p),
                _rate(a, p),
                "—" if reg is None else str(reg),
                line.get("reason") or "",
            ]
        )
    b.append(
        Block(
            "table",
            label="报考人数、合格人数和通过率（分级别统计）",
            headers=["评价类型", "等级", "报考人数", "合格人数", "通过率", "证书登记合格人数", "修改原因"],
            rows=rows,
            changed=changed,
        )
    )
    ranked = registry.get("by_applicants") or []
    b.append(
        Block(
            "table",
            label="按职业排序的报考人数",
            headers=["序号", "职业（工种）", "报考人数"],
            rows=[[str(i), f"{o['name']}（{o['code']}）", str(o["applicants"])] for i, o in enumerate(ranked, 1)],
        )
    )
    ranked = registry.get("by_passes") or []
    b.append(
        Block(
            "table",
            label="按职业排序的合格人数",
            headers=["序号", "职业（工种）", "合格人数"],
            rows=[[str(i), f"{o['name']}（{o['code']}）", str(o["passes"])] for i, o in enumerate(ranked, 1)],
        )
    )
    b.append(Block("h2", H3_2))
    para("infrastructure")
    if huainan:
        names = {s["code"]: s["name"] for s in scope}
        people_rows = [
            [f"{names.get(code, code)}（{code}）", p.get("name", ""), p.get("certificate_code", "")]
            for code, people in (content.get("examiners") or {}).items()
            for p in people
        ]
        b.append(
            Block(
                "table",
                label="备案工种考评员基本信息",
                headers=["职业（工种）", "姓名", "考评证书编码"],
                rows=people_rows,
            )
        )
    b.append(Block("h2", H3_3))
    for key in (
        "plan_reporting",
        "rule_execution",
        "process_records",
        "violations",
        "internal_supervision",
        "archives",
        "integrity_files",
        "publicity",
    ):
        para(key)
    b.append(Block("h1", H4))
    para("next_plans")
    return b
