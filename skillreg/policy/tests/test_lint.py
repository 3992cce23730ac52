"""policy lint: schema, verbatim quotes, units, fact names — each failure with its precise message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from skillreg.policy import cli
from skillreg.policy.lint import lint, normalize
from skillreg.policy.loader import REPO_ROOT

WX = REPO_ROOT / "policies" / "500238-wuxi" / "wx-2021-62.yaml"


def _draft(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = WX.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "wx-draft.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_installed_packs_are_clean():
    assert lint() == []


def test_quotes_are_whitespace_insensitive():
    assert (
        normalize("应具备固定的办公场地，\n  面积不少于\u3000200平方米") == "应具备固定的办公场地，面积不少于200平方米"
    )


def test_bad_quote(tmp_path):
    path = _draft(tmp_path, "quote: 年龄不超过65周岁}", "quote: 年龄不超过60周岁}", count=1)
    assert lint([path]) == [
        f"{path}: parameters.head_max_age.cite.quote: "
        "引文未在种子文本“000_929e18a8c5f08650.txt”中逐字找到：“年龄不超过60周岁”"
    ]


def test_missing_unit(tmp_path):
    path = _draft(tmp_path, "    value: 65\n    unit: years\n", "    value: 65\n")
    assert lint([path]) == [f"{path}: parameters.head_max_age: 参数缺少单位（unit）"]


def test_unknown_unit(tmp_path):
    path = _draft(tmp_path, "    value: 65\n    unit: years\n", "    value: 65\n    unit: decades\n")
    msgs = lint([path])
    assert msgs[0].startswith(f"{path}: parameters.head_max_age: 未知单位“decades”")


def test_unknown_fact(tmp_path):
    path = _draft(tmp_path, "{fact: head_age, op:", "{fact: head_age_years, op:")
    assert lint([path]) == [
        f"{path}: conditions[WX-6.1.1.age].check: 未知事实名“head_age_years”（不在申请档案事实目录中）"
    ]


def test_unit_mismatch_between_fact_and_parameter(tmp_path):
    path = _draft(
        tmp_path,
        '{fact: head_age, op: "<=", param: head_max_age}',
        '{fact: office_area_m2, op: "<=", param: head_max_age}',
    )
    assert lint([path]) == [
        f"{path}: conditions[WX-6.1.1.age].check: "
        "单位不一致：事实“office_area_m2”单位为 m2，参数“head_max_age”单位为 years"
    ]


def test_undefined_parameter(tmp_path):
    path = _draft(tmp_path, "param: head_max_age}", "param: head_oldest}")
    assert lint([path]) == [f"{path}: conditions[WX-6.1.1.age].check: 未定义的参数“head_oldest”"]


def test_schema_error_names_the_location(tmp_path):
    path = _draft(tmp_path, "  title: 巫溪县职业技能等级评价机构建设规范（试行）\n", "")
    assert lint([path]) == [f"{path}: metadata.title: 缺少必填字段"]


def test_numeric_threshold_without_parameter_rejected(tmp_path):
    path = _draft(tmp_path, '{fact: head_age, op: "<=", param: head_max_age}', '{fact: head_age, op: "<="}')
    assert lint([path])[0].startswith(f"{path}: conditions.")


def test_supersedes_unknown_target(tmp_path):
    path = _draft(tmp_path, "  - id: WX-2.b\n", "  - id: WX-2.b\n    supersedes: [CQ-99]\n")
    assert lint([path]) == [f"{path}: conditions[WX-2.b].supersedes: 上级地区规则包中没有条件“CQ-99”"]


def test_seed_changed(tmp_path):
    path = _draft(tmp_path, "seed_sha256: d7fb", "seed_sha256: 07fb")
    assert lint([path]) == [
        f"{path}: metadata.seed_sha256: 种子文本“000_929e18a8c5f08650.txt”的 sha256 与记录不符（原文已被改动？）"
    ]


def test_missing_path():
    assert lint(["/nonexistent/pack.yaml"]) == ["/nonexistent/pack.yaml: 文件或目录不存在"]


@pytest.mark.parametrize(("broken", "code"), [(False, 0), (True, 1)])
def test_cli_lint_exit_status(tmp_path, broken, code):
    path = _draft(
        tmp_path, "quote: 年龄不超过65周岁}", "quote: 年龄不超过60周岁}" if broken else "quote: 年龄不超过65周岁}"
    )
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["lint", str(path)], out, err) == code
    if broken:
        assert "年龄不超过60周岁" in err.getvalue() and "发现 1 个问题" in err.getvalue()
    else:
        assert "通过" in out.getvalue()
