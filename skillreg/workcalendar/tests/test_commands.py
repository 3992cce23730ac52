"""``manage.py calendar``: is-workday, add, import, years — output, exit status, atomicity."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from skillreg.workcalendar.models import HolidayDay, HolidayYear

from .conftest import FIXTURE_2027

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    return str(info.value)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_is_workday() -> None:
    assert run("is-workday", "2026-10-10")[0] == "2026-10-10 星期六 工作日（调休上班）"
    assert run("is-workday", "2026-10-01")[0] == "2026-10-01 星期四 休息日（节假日放假）"
    assert "chinesecalendar" in run("is-workday", "2026-10-01")[1]
    assert run("is-workday", "2027-01-01")[0] == "2027-01-01 星期五 工作日 暂定 provisional"


def test_is_workday_defaults_to_today_in_shanghai() -> None:
    # 2026-10-01 20:00 UTC is already 2 Oct in Shanghai (a holiday)
    with time_machine.travel(dt.datetime(2026, 10, 1, 20, 0, tzinfo=dt.UTC), tick=False):
        assert run("is-workday")[0] == "2026-10-02 星期五 休息日（节假日放假）"


def test_add_working_days() -> None:
    lines = run("add", "2026-09-28", "5", "--unit", "working_days")
    assert lines[0] == "2026-10-10"
    assert "当日不计入" in lines[1] and "5 个工作日" in lines[2]
    assert not any("provisional" in line for line in lines)


def test_add_calendar_days_rolls_forward() -> None:
    lines = run("add", "2026-09-01", "30", "--unit", "calendar_days")
    assert lines[0] == "2026-10-08"
    assert any("第二百零三条" in line and "2026-10-01" in line for line in lines)


def test_add_crossing_into_2027_is_provisional_until_import() -> None:
    lines = run("add", "2026-12-28", "5", "--unit", "working_days")
    assert lines[0] == "2027-01-04 暂定 provisional"
    assert any("2027 年没有已确认的国务院放假安排" in line for line in lines)
    imported = run("import", str(FIXTURE_2027))
    assert imported[0].startswith("已导入 2027 年放假安排")
    assert run("add", "2026-12-28", "5", "--unit", "working_days")[0] == "2027-01-05"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("add", "2026-09-28", "5", "--unit", "weeks"), "CALENDAR_UNKNOWN_UNIT", "未知的期限单位"),
        (("add", "2026-09-28", "-5", "--unit", "working_days"), "CALENDAR_NEGATIVE_COUNT", "不能为负数"),
        (("add", "2026-09-28", "五", "--unit", "working_days"), "CALENDAR_BAD_COUNT", "非负整数"),
        (("add", "2026-02-30", "5", "--unit", "working_days"), "CALENDAR_BAD_DATE", "2026-02-30"),
        (("is-workday", "10/01/2026"), "CALENDAR_BAD_DATE", "YYYY-MM-DD"),
    ],
)
def test_bad_cli_input(args: tuple[str, ...], code: str, words: str) -> None:
    message = fails(*args)
    assert message.startswith(f"[{code}]") and words in message


VALID = "year: 2027\nnotice_number: 测试\nnotice_date: 2026-11-02\n"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ("days_off: [2027-01-01, 2028-01-01]\nadjusted_working_days: []\n", "HOLIDAY_DATE_OUTSIDE_YEAR", "2028-01-01"),
        ("days_off: [2027-01-02]\nadjusted_working_days: [2027-01-02]\n", "HOLIDAY_DAY_BOTH_OFF_AND_WORK", "同时"),
        ("days_off: [2027-01-01, 2027-01-01]\nadjusted_working_days: []\n", "HOLIDAY_DUPLICATE_DATE", "重复"),
        ("days_off: [2027-01-01]\n", "HOLIDAY_MISSING_FIELD", "adjusted_working_days"),
        ("days_off: [2027-01-01]\ndays_off: []\nadjusted_working_days: []\n", "HOLIDAY_DUPLICATE_FIELD", "两次"),
    ],
)
def test_bad_holiday_file_imports_nothing(tmp_path: Path, body: str, code: str, words: str) -> None:
    message = fails("import", write(tmp_path, "2027.yaml", VALID + body))
    assert message.startswith(f"[{code}]") and words in message
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()


def test_import_json_dry_run_and_reimport(tmp_path: Path) -> None:
    body = (
        '{"year": 2027, "notice_number": "测试", "notice_date": "2026-11-02",'
        ' "days_off": ["2027-01-01"], "adjusted_working_days": []}'
    )
    path = write(tmp_path, "2027.json", body)
    assert run("import", path, "--dry-run")[0].startswith("校验通过，未导入")
    assert not HolidayYear.objects.exists()
    run("import", path)
    lines = run("import", str(FIXTURE_2027))
    assert "已替换此前导入的 2027 年数据。" in lines
    assert HolidayDay.objects.filter(year__year=2027).count() == 21


def test_import_missing_file() -> None:
    assert fails("import", "/nonexistent/2027.yaml").startswith("[HOLIDAY_FILE_NOT_FOUND]")


def test_years_lists_sources_through_next_year() -> None:
    run("import", str(FIXTURE_2027))
    with time_machine.travel(dt.datetime(2029, 6, 1, 12, tzinfo=SHANGHAI), tick=False):
        lines = run("years")
    by_year = {int(line.split()[0]): line for line in lines}
    assert sorted(by_year) == list(range(2004, 2031))
    assert by_year[2026] == "2026  chinesecalendar  库内置数据"
    assert by_year[2027].startswith("2027  imported  管理员导入（TEST-2027-000")
    assert by_year[2030].startswith("2030  none  暂定 provisional")
    assert "provisional" in by_year[2028]


def test_real_process_exits_non_zero_with_chinese_message(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLREG_VAR_DIR": str(tmp_path), "SKILLREG_SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    proc = subprocess.run(
        [sys.executable, "manage.py", "calendar", "add", "2026-09-28", "-1", "--unit", "working_days"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "[CALENDAR_NEGATIVE_COUNT] 期限天数不能为负数" in proc.stderr


def test_help_is_chinese(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        call_command("calendar", "--help")
    assert "工作日历" in capsys.readouterr().out
