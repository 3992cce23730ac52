"""``policy`` command-line interface — pure functions, wrapped by the Django command.

    policy check FILE.json [--region CODE] [--on YYYY-MM-DD] [--format json|table]
    policy explain RULE_ID
    policy list --region CODE [--on DATE] [--format json|table]
    policy lint [PATH ...] [--seeds DIR]
    policy simulate --pack DRAFT.yaml [--profiles DIR|FILE.jsonl] [--on DATE] [--format json|table]

Exit status: 0 done (whatever the verdict); 1 lint found problems; 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from .engine import check
from .errors import PolicyError, ProfileError
from .lint import lint
from .loader import REPO_ROOT, LoadedPack, default_packset
from .schema import AllOf, AnyOf, TimeLimit, iter_leaves
from .simulate import iter_profiles, simulate

MARK = {"pass": "✔", "fail": "✘", "missing": "？", "needs_review": "☐"}


def parse_date(text: str | None, field: str = "on") -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ProfileError("invalid_date", f"日期“{text}”无效，应为 YYYY-MM-DD", field=field) from None


def decision_date(given: str | None, profile: Any) -> dt.date:
    """``--on`` if given, else the profile's own ``on`` (documented in application-profile.md), else today."""
    if given is not None:
        return parse_date(given)
    if isinstance(profile, dict) and profile.get("on") is not None:
        return parse_date(str(profile["on"]), field="on")
    return dt.date.today()


def configure_parser(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{check,explain,list,lint,simulate}")
    p = sub.add_parser("check", help="judge an application profile")
    p.add_argument("file")
    p.add_argument("--region")
    p.add_argument("--on")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p = sub.add_parser("explain", help="show a rule, its citation and parameters")
    p.add_argument("rule_id")
    p = sub.add_parser("list", help="packs, parameters and rules in force for a region on a date")
    p.add_argument("--region", required=True)
    p.add_argument("--on")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p = sub.add_parser("lint", help="validate rule packs against schema, catalogue and seed texts")
    p.add_argument("paths", nargs="*")
    p.add_argument("--seeds")
    p = sub.add_parser("simulate", help="what-if: verdict changes if a draft pack were in force")
    p.add_argument("--pack", required=True)
    p.add_argument(
        "--profiles",
        default=None,
        help="DIR or FILE.jsonl of profiles; default: every filed institution in the database (manage.py), "
        "or docs/examples when run without Django",
    )
    p.add_argument("--on")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=("json", "table"), default="table")


def _dump(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError("file_unreadable", f"无法读取文件 {path}（{exc.strerror}）", field="file") from None
    except ValueError as exc:
        raise ProfileError("invalid_json", f"{path} 不是有效的 JSON：{exc}", field="file") from None
    record = check(data, on=decision_date(args.on, data), region=args.region)
    if args.format == "json":
        _dump(record, out)
        return 0
    out.write(f"结论：{record['verdict_label']}（{record['verdict']}）  地区 {record['region']}  日期 {record['on']}\n")
    out.write("规则包：" + "；".join(f"{p['title']}（{p['doc_number'] or p['id']}）" for p in record["packs"]) + "\n")
    for p in record["packs_not_in_force"]:
        out.write(f"未生效（不适用）：{p['title']}，施行日 {p['effective_from']}\n")
    s = record["summary"]
    out.write(f"符合 {s['pass']}  不符合 {s['fail']}  缺少事实 {s['missing']}  待审核 {s['needs_review']}\n\n")
    for r in record["results"]:
        subj = r["subject"] or {}
        where = subj.get("occupation_code", "")
        if "level" in subj:
            where += f" {subj['level']}级"
        out.write(f"{MARK[r['outcome']]} {r['rule']:<26} {where:<16} {r['message']}\n")
    return 0


def _describe_leaf(leaf: Any) -> str:
    if leaf.is_ is not None:
        return f"{leaf.fact} 为 {str(leaf.is_).lower()}"
    if leaf.includes is not None:
        return f"{leaf.fact} 包含 {', '.join(leaf.includes)}"
    if leaf.in_ is not None:
        return f"{leaf.fact} 属于 {', '.join(leaf.in_)}"
    if leaf.linear is not None:
        return f"{leaf.fact} {leaf.op} {leaf.linear.base} + {leaf.linear.step} × 增加的职业数"
    return f"{leaf.fact} {leaf.op} {leaf.param}"


def _describe_check(check_: Any, nested: bool = False) -> str:
    """A check as text, keeping its nesting: "满足其一：a；（全部满足：b；c）" — a nested all/any is never flattened
    into its parent (issue 11: GZ-6.3 read as if "new occupation" alone passed, without its 200 person-times)."""
    if isinstance(check_, AllOf | AnyOf):
        head = "全部满足：" if isinstance(check_, AllOf) else "满足其一："
        children = check_.all if isinstance(check_, AllOf) else check_.any
        text = head + "；".join(_describe_check(c, nested=True) for c in children)
        return f"（{text}）" if nested else text
    return _describe_leaf(check_)


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    found = 0
    for lp in default_packset().packs:
        md = lp.pack.metadata
        for cond in lp.pack.conditions:
            if args.rule_id not in (cond.id, cond.requirement):
                continue
            found += 1
            out.write(f"{cond.id}（{cond.requirement}）{cond.title}\n")
            out.write(f"  出处：{md.title}（{md.doc_number or md.id}）{cond.cite.article}\n")
            out.write(f"  原文：“{cond.cite.quote}”\n")
            out.write(f"  适用：{md.region_name}；机构类型 {', '.join(cond.kinds or md.kinds)}；按 {cond.per}\n")
            if cond.supersedes:
                out.write(f"  取代：{', '.join(cond.supersedes)}\n")
            if cond.when is not None:
                out.write(f"  适用条件：{_describe_check(cond.when)}\n")
            if cond.check is not None:
                out.write(f"  自动核验：{_describe_check(cond.check)}\n")
                for leaf in iter_leaves(cond.check):
                    for name in (
                        [leaf.param] if leaf.param else ([leaf.linear.base, leaf.linear.step] if leaf.linear else [])
                    ):
                        p = lp.pack.parameters.get(name)
                        if p:
                            out.write(f"    参数 {name} = {p.value} {p.unit}（{p.cite.article}：“{p.cite.quote}”）\n")
            else:
                out.write(f"  审核清单：{cond.review}\n")
            out.write("\n")
    if not found:
        raise ProfileError(
            "rule_unknown", f"没有规则“{args.rule_id}”（可用规则 ID 或需求编号，如 WX-4.1）", field="rule_id"
        )
    return 0


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    comp = default_packset().compose(args.region, parse_date(args.on))
    data: dict[str, Any] = {
        "region": comp.region,
        "region_path": list(comp.path),
        "on": comp.on.isoformat(),
        "packs": [lp.describe() for lp in comp.packs],
        "packs_not_in_force": [lp.describe() for lp in comp.not_in_force],
        "parameters": {n: {"value": p.value, "unit": p.unit, "pack": lp.id} for n, (p, lp) in comp.parameters.items()},
        "conditions": [
            {
                "id": c.id,
                "requirement": c.requirement,
                "title": c.title,
                "per": c.per,
                "pack": lp.id,
                "review": c.review is not None,
            }
            for c, lp in comp.conditions
        ],
        "superseded": comp.superseded,
        "time_limits": {
            k: {"length": v.length, "unit": v.unit, "pack": lp.id}
            for s in ("time_limits", "validity", "exit")
            for k, (v, lp) in cast("dict[str, tuple[TimeLimit, LoadedPack]]", comp.keyed[s]).items()
        },
        "windows": {
            k: v.model_dump(mode="json", include={"recurrence", "start", "end", "due", "report_years"})
            | {"pack": lp.id}
            for k, (v, lp) in comp.keyed["windows"].items()
        },
    }
    if args.format == "json":
        _dump(data, out)
        return 0
    out.write(f"地区 {comp.region}（路径 {' → '.join(comp.path)}）  日期 {data['on']}\n")
    for p in data["packs"]:
        out.write(f"  规则包 {p['id']}  {p['title']}  施行 {p['effective_from']}  sha256 {p['sha256'][:12]}\n")
    for p in data["packs_not_in_force"]:
        out.write(f"  未生效 {p['id']}  施行 {p['effective_from']}\n")
    out.write("参数：\n")
    for n, p in data["parameters"].items():
        out.write(f"  {n} = {p['value']} {p['unit']}  [{p['pack']}]\n")
    out.write("时限与窗口：\n")
    for n, t in data["time_limits"].items():
        out.write(f"  {n}: {t['length']} {t['unit']}  [{t['pack']}]\n")
    for n, w in data["windows"].items():
        out.write(f"  {n}: {w}\n")
    out.write(f"条件（{len(data['conditions'])}）：\n")
    for c in data["conditions"]:
        out.write(f"  {c['id']:<26} {'审核' if c['review'] else '自动'}  {c['title']}\n")
    return 0


def cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    messages = lint(args.paths or None, seeds=args.seeds)
    for m in messages:
        err.write(m + "\n")
    if messages:
        err.write(f"policy lint：发现 {len(messages)} 个问题\n")
        return 1
    out.write("policy lint：全部规则包通过检查\n")
    return 0


def cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    source = getattr(args, "profile_source", None)
    if args.profiles or source is None:
        path = args.profiles or str(REPO_ROOT / "docs" / "examples")
        if not Path(path).exists():
            raise ProfileError("file_unreadable", f"找不到申请档案 {path}", field="profiles")
        profiles: Any = iter_profiles(path)
    else:
        profiles = source()
    on = parse_date(args.on) if args.on else None
    report = simulate(profiles, args.pack, on=on, limit=args.limit)
    if args.format == "json":
        _dump(report, out)
        return 0
    replaces = report["replaces"]["id"] if report["replaces"] else "（新增）"
    out.write(f"草案 {report['draft']['id']}（{report['draft']['source']}）替换 {replaces}  日期 {report['on']}\n")
    if not report["draft_in_force"]:
        out.write("注意：草案在该日期尚未生效\n")
    out.write(
        f"档案 {report['total']}，受影响地区 {report['evaluated']}，结论改变 {report['changed']}，"
        f"无效 {report['invalid_profiles']}，用时 {report['elapsed_seconds']}s\n"
    )
    for t, n in report["transitions"].items():
        out.write(f"  {t}: {n}\n")
    for c in report["changes"]:
        out.write(f"- {c['reference'] or '(无编号)'} {c['region']} {c['kind']}: {c['before']} → {c['after']}\n")
        for r in c["reasons"]:
            where = " ".join(str(r[k]) for k in ("occupation_code", "level") if k in r)
            out.write(f"    {r['rule']} {where}: {r['before']} → {r['after']} {r.get('message', '')}\n")
    for e in report["errors"]:
        out.write(f"  无效档案 #{e['index']}: {e['field']}: {e['message']}\n")
    return 0


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if args.subcommand == "lint":
            return cmd_lint(args, out, err)
        handler = {"check": cmd_check, "explain": cmd_explain, "list": cmd_list, "simulate": cmd_simulate}[
            args.subcommand
        ]
        return handler(args, out)
    except PolicyError as exc:
        where = f"（字段 {exc.field}）" if exc.field else ""
        err.write(f"错误[{exc.code}]{where}：{exc.message}\n")
        for d in exc.details[1:6]:
            err.write(f"  {d if isinstance(d, str) else d.get('field', '') + ': ' + d.get('message', '')}\n")
        return 2


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the interpreter's final flush is silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="policy", description="skillreg rule packs: check, explain, list, lint, simulate"
    )
    configure_parser(parser)
    try:
        code = run(parser.parse_args(argv), out, err)
        (out or sys.stdout).flush()
        return code
    except BrokenPipeError:
        silence_stdout()
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
