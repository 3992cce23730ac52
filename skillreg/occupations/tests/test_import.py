"""Occupation catalogue: the shipped seed, `manage.py occupations import|list` and the import service."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from skillreg.audit.models import AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.core.errors import ValidationFailed
from skillreg.occupations.catalogue import CODE_RE, OccupationRow, parse_levels, read_csv_bytes, shipped_catalogue
from skillreg.occupations.models import Occupation
from skillreg.occupations.services import occupations_import

pytestmark = pytest.mark.django_db

HEADER = "code,name,levels,new_occupation\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "occupations.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def run_import(path: Path, *extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("occupations", "import", str(path), *extra, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[tuple[str, str, list[int], bool]], int]:
    occupations = list(Occupation.objects.order_by("code").values_list("code", "name", "levels", "new_occupation"))
    return occupations, AuditRecord.objects.count()


# --- the shipped catalogue -------------------------------------------------------------------


def test_migration_seeds_the_whole_shipped_catalogue():
    shipped = shipped_catalogue()
    assert len(shipped) >= 35
    stored = {o.code: o for o in Occupation.objects.all()}
    for row in shipped:
        occ = stored[row.code]
        assert occ.name == row.name
        assert occ.levels == list(row.levels)
        assert occ.new_occupation == row.new_occupation


def test_shipped_rows_are_well_formed():
    for row in shipped_catalogue():
        assert CODE_RE.match(row.code), row
        assert row.levels and set(row.levels) <= {1, 2, 3, 4, 5}, row
        assert list(row.levels) == sorted(row.levels, reverse=True)
    by_code = {r.code: r for r in shipped_catalogue()}
    assert by_code["4-10-01-05"].name == "养老护理员"
    assert by_code["4-01-06-02"].new_occupation  # 互联网营销师, published by MOHRSS in 2020
    assert by_code["4-10-01-06"].levels == (5, 4, 3, 2)  # 家政服务员 has no 一级 in its standard


# --- imports that succeed ----------------------------------------------------------------------


def test_csv_import_creates_and_updates_by_code_and_writes_one_audit_record(tmp_path):
    before_audit = AuditRecord.objects.count()
    path = write(
        tmp_path,
        "occ.csv",
        HEADER + "4-10-01-05,养老护理员（更名测试）,5;4;3,0\n4-99-00-01,测试职业,5；4,1\n",
    )

    out = run_import(path)

    assert "新增 1 条" in out and "更新 1 条" in out
    renamed = Occupation.objects.get(code="4-10-01-05")
    assert renamed.name == "养老护理员（更名测试）" and renamed.levels == [5, 4, 3]
    new = Occupation.objects.get(code="4-99-00-01")
    assert new.levels == [5, 4] and new.new_occupation and new.parent is None
    records = list(AuditRecord.objects.order_by("seq")[before_audit:])
    assert len(records) == 1
    rec = records[0]
    assert rec.action == "occupations.import"
    assert rec.object_type == "occupations.catalogue"
    assert rec.after == {"created": 1, "updated": 1, "unchanged": 0}
    assert rec.actor_label == "system"
    assert verify_chain().ok


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, "occ.csv", HEADER + "4-10-01-05,养老护理员,5;4;3;2;1,0\n")
    out = run_import(path)
    assert "新增 0 条，更新 0 条，未变 1 条" in out


def test_xlsx_with_chinese_headers_and_numeric_cells(tmp_path, wuxi_officer):
    path = write_xlsx(
        tmp_path,
        [
            ["职业编码", "职业名称", "等级", "新职业", "备注"],
            ["4-99-00-02", "表格导入职业", "五级;四级;三级", 1, "ignored column"],
            ["4-99-00-02-01", "表格导入工种", 5, None, None],
            [None, None, None, None, None],  # blank rows are skipped
        ],
    )

    out = run_import(path, "--user", wuxi_officer.username)

    assert "新增 2 条" in out
    occ = Occupation.objects.get(code="4-99-00-02")
    assert occ.levels == [5, 4, 3] and occ.new_occupation
    work_type = Occupation.objects.get(code="4-99-00-02-01")
    assert work_type.parent == occ and work_type.levels == [5] and not work_type.new_occupation
    rec = AuditRecord.objects.order_by("-seq").first()
    assert rec.action == "occupations.import" and rec.actor == wuxi_officer


def test_gbk_csv(tmp_path):
    path = write(tmp_path, "gbk.csv", "职业编码,职业名称,等级,新职业\r\n4-99-00-03,中文编码测试工,5;4;3,否\r\n", "gbk")
    out = run_import(path)
    assert "新增 1 条" in out
    assert Occupation.objects.get(code="4-99-00-03").name == "中文编码测试工"


def test_utf8_bom_csv(tmp_path):
    path = write(tmp_path, "bom.csv", HEADER + "4-99-00-04,带签名的文件,3;2;1,0\n", "utf-8-sig")
    run_import(path)
    assert Occupation.objects.get(code="4-99-00-04").levels == [3, 2, 1]


def test_list_filters_by_code_prefix_or_name():
    from io import StringIO

    out = StringIO()
    call_command("occupations", "list", "--q", "养老", stdout=out)
    text = out.getvalue()
    assert "4-10-01-05" in text and "养老护理员" in text and "共 1 条" in text

    out = StringIO()
    call_command("occupations", "list", "--q", "6-18", stdout=out)
    assert "车工" in out.getvalue() and "养老护理员" not in out.getvalue()


# --- imports that fail: a clear message, and nothing written -----------------------------------


# Line 2 of every file is a valid change and line 3 is new and valid: the bad line is line 4, and
# nothing of lines 2-3 may be written.
VALID_LINES = "4-10-01-05,养老护理员（不应写入）,5,0\n4-99-00-05,好行,5;4,0\n"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("4-10-1-05,坏编码,5,0", "第 4 行：职业编码“4-10-1-05”格式不正确"),
        ("4-99-00-06,坏等级,5;6,0", "第 4 行：等级“5;6”无效：“6”不是 1–5 的等级"),
        ("4-99-00-05,重复行,4,0", "第 4 行：职业编码“4-99-00-05”重复（第 3 行已有）"),
        ("4-99-00-06,,5,0", "第 4 行：职业编码“4-99-00-06”的职业名称不能为空"),
        ("4-99-00-06,没有等级,,0", "第 4 行：等级不能为空"),
        ("4-99-00-06,新职业值错,5,也许", "第 4 行：新职业“也许”无效"),
        ("4-99-00-07-01,孤儿工种,5,0", "第 4 行：工种“4-99-00-07-01 孤儿工种”所属的职业“4-99-00-07”不在目录中"),
    ],
    ids=["bad-code", "level-6", "duplicate", "empty-name", "no-levels", "bad-flag", "orphan-work-type"],
)
def test_bad_rows_abort_the_whole_import(tmp_path, bad_line, message):
    path = write(tmp_path, "bad.csv", HEADER + VALID_LINES + bad_line + "\n")
    before = snapshot()

    with pytest.raises(CommandError) as excinfo:
        run_import(path)

    assert message in str(excinfo.value)
    assert "未导入任何数据" in str(excinfo.value)
    assert snapshot() == before


def test_missing_column_is_reported_on_the_header_line(tmp_path):
    path = write(tmp_path, "nohead.csv", "code,name\n4-99-00-08,缺等级列\n")
    with pytest.raises(CommandError, match="第 1 行：表头缺少列：等级"):
        run_import(path)


def test_missing_file_and_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run_import(tmp_path / "nope.csv")
    path = write(tmp_path, "occ.csv", HEADER + "4-99-00-09,某职业,5,0\n")
    with pytest.raises(CommandError, match="用户“ghost”不存在"):
        run_import(path, "--user", "ghost")
    assert not Occupation.objects.filter(code="4-99-00-09").exists()


# --- the service and the parser directly -----------------------------------------------------------


def test_service_refuses_empty_and_duplicate_rows():
    with pytest.raises(ValidationFailed):
        occupations_import(rows=[])
    row = OccupationRow("4-99-00-10", "甲", (5,), False, line=2)
    dup = OccupationRow("4-99-00-10", "乙", (5,), False, line=3)
    with pytest.raises(ValidationFailed, match="第 3 行"):
        occupations_import(rows=[row, dup])
    assert not Occupation.objects.filter(code="4-99-00-10").exists()


def test_work_type_may_hang_under_a_stored_occupation():
    result = occupations_import(rows=[OccupationRow("6-31-01-03-99", "电工测试工种", (5, 4), False, line=2)])
    assert result.created == 1
    assert Occupation.objects.get(code="6-31-01-03-99").parent.code == "6-31-01-03"


@pytest.mark.parametrize(
    ("raw", "levels"),
    [
        ("5;4;3;2;1", (5, 4, 3, 2, 1)),
        ("1,3,5", (5, 3, 1)),
        ("五级/初级工、四级/中级工", (5, 4)),
        ("技师；高级技师", (2, 1)),
    ],
)
def test_level_spellings(raw, levels):
    assert parse_levels(raw) == levels


def test_csv_line_numbers_count_blank_lines():
    with pytest.raises(ValueError, match="第 4 行"):
        read_csv_bytes((HEADER + "4-99-00-11,甲,5,0\n\n4-99-00-12,乙,9,0\n").encode())
