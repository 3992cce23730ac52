"""The holiday-year file format: a valid file parses; each kind of bad file has its own code."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from skillreg.workcalendar import errors
from skillreg.workcalendar.errors import HolidayFileError
from skillreg.workcalendar.holidays import (
    HolidayYear,
    load_holiday_year_file,
    load_holiday_year_text,
    parse_holiday_year,
)

from .conftest import FIXTURE_2027

D = dt.date


def valid() -> dict[str, Any]:
    return {
        "year": 2027,
        "notice_number": "TEST-2027-001（测试）",
        "notice_date": "2026-11-02",
        "days_off": ["2027-01-01", "2027-01-02", "2027-01-03"],
        "adjusted_working_days": ["2027-01-31"],
    }


def test_fixture_file_parses(year_2027: HolidayYear) -> None:
    assert year_2027.year == 2027
    assert year_2027.notice_number.startswith("TEST-2027")
    assert year_2027.notice_date == D(2026, 11, 2)
    assert len(year_2027.days_off) == 17
    assert year_2027.adjusted_working_days == {D(2027, 1, 31), D(2027, 2, 20), D(2027, 9, 26), D(2027, 10, 9)}


def test_fixture_is_labelled_as_test_data() -> None:
    text = FIXTURE_2027.read_text(encoding="utf-8")
    assert "TEST FIXTURE" in text and "不是真实" in text


def test_json_and_round_trip(tmp_path: Path, year_2027: HolidayYear) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(year_2027.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert load_holiday_year_file(path) == year_2027
    assert parse_holiday_year(year_2027.to_dict()) == year_2027


def test_empty_lists_and_bom_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "y.yaml"
    path.write_bytes(
        "\ufeffyear: 2030\nnotice_number: 测试\nnotice_date: 2029-11-01\ndays_off: []\n"
        "adjusted_working_days:\n".encode()
    )
    hy = load_holiday_year_file(path)
    assert hy.days_off == frozenset() and hy.adjusted_working_days == frozenset()


def mutate(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(valid())
    for key, value in changes.items():
        if value is KeyError:
            del data[key]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "code", "needle"),
    [
        (mutate(days_off=["2027-01-01", "2028-01-01"]), errors.HOLIDAY_DATE_OUTSIDE_YEAR, "2028-01-01"),
        (mutate(adjusted_working_days=["2026-12-27"]), errors.HOLIDAY_DATE_OUTSIDE_YEAR, "2026-12-27"),
        (mutate(adjusted_working_days=["2027-01-02"]), errors.HOLIDAY_DAY_BOTH_OFF_AND_WORK, "2027-01-02"),
        (mutate(days_off=["2027-01-01", "2027-01-01"]), errors.HOLIDAY_DUPLICATE_DATE, "2027-01-01"),
        (mutate(adjusted_working_days=["2027-01-04"]), errors.HOLIDAY_WORKDAY_NOT_WEEKEND, "2027-01-04"),
        (mutate(days_off=["2027-02-30"]), errors.HOLIDAY_BAD_DATE, "2027-02-30"),
        (mutate(days_off=["2027-1-1"]), errors.HOLIDAY_BAD_DATE, "2027-1-1"),
        (mutate(days_off=[20270101]), errors.HOLIDAY_BAD_DATE, "20270101"),
        (mutate(days_off="2027-01-01"), errors.HOLIDAY_BAD_LIST, "days_off"),
        (mutate(year="二〇二七"), errors.HOLIDAY_BAD_YEAR, "二〇二七"),
        (mutate(year=27), errors.HOLIDAY_BAD_YEAR, "27"),
        (mutate(year=True), errors.HOLIDAY_BAD_YEAR, "True"),
        (mutate(notice_number=""), errors.HOLIDAY_BAD_NOTICE_NUMBER, "文号"),
        (mutate(notice_number=7), errors.HOLIDAY_BAD_NOTICE_NUMBER, "文号"),
        (mutate(notice_date="2028-01-05"), errors.HOLIDAY_NOTICE_AFTER_YEAR, "2028-01-05"),
        (mutate(notice_date=KeyError), errors.HOLIDAY_MISSING_FIELD, "notice_date"),
        (mutate(days_of=["2027-01-01"]), errors.HOLIDAY_UNKNOWN_FIELD, "days_of"),
        (["2027-01-01"], errors.HOLIDAY_FILE_NOT_MAPPING, "顶层"),
    ],
)
def test_bad_documents(data: Any, code: str, needle: str) -> None:
    with pytest.raises(HolidayFileError) as info:
        parse_holiday_year(data)
    assert info.value.code == code
    assert needle in info.value.message


def test_error_messages_are_chinese_and_name_the_problem() -> None:
    with pytest.raises(HolidayFileError) as info:
        parse_holiday_year(mutate(days_off=["2027-01-01", "2028-01-01"]))
    assert info.value.message == (
        "days_off（放假日） 第 2 项 2028-01-01 不在 2027 年内；一个文件只能包含本年度的日期。"
    )


@pytest.mark.parametrize(
    ("text", "fmt", "code"),
    [
        ("year: 2027\nyear: 2028\n", "yaml", errors.HOLIDAY_DUPLICATE_FIELD),
        ('{"year": 2027, "year": 2028}', "json", errors.HOLIDAY_DUPLICATE_FIELD),
        ("year: [2027\n", "yaml", errors.HOLIDAY_FILE_SYNTAX),
        ("{year: 2027", "json", errors.HOLIDAY_FILE_SYNTAX),
        ("year: 2027\nnotice_date: 2026-11-02 10:00:00\n", "yaml", errors.HOLIDAY_MISSING_FIELD),
    ],
)
def test_bad_text(text: str, fmt: str, code: str) -> None:
    with pytest.raises(HolidayFileError) as info:
        load_holiday_year_text(text, fmt=fmt)
    assert info.value.code == code


def test_yaml_datetime_is_not_a_date() -> None:
    text = FIXTURE_2027.read_text(encoding="utf-8").replace(
        "notice_date: 2026-11-02", "notice_date: 2026-11-02 10:00:00"
    )
    with pytest.raises(HolidayFileError) as info:
        load_holiday_year_text(text)
    assert info.value.code == errors.HOLIDAY_BAD_DATE


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(HolidayFileError) as info:
        load_holiday_year_file(tmp_path / "nope.yaml")
    assert info.value.code == errors.HOLIDAY_FILE_NOT_FOUND
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("notice_number: 国办发明电".encode("gbk"))
    with pytest.raises(HolidayFileError) as info:
        load_holiday_year_file(gbk)
    assert info.value.code == errors.HOLIDAY_FILE_SYNTAX
