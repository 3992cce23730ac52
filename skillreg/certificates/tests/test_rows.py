"""The pure row checker: every bad input of issue 6 gives a clear row-level message with a stable code.
No database: the institution's facts are built by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from skillreg.certificates import numbers
from skillreg.certificates.rows import (
    Batch,
    CheckedRow,
    InstitutionFacts,
    Occ,
    check_row,
    map_header,
    parse_date,
    parse_level,
)
from skillreg.core.testing import make_id_number

D = dt.date
CODE = "S023850000001"
ID = make_id_number("500238", "19980101", 123)


def facts(**over: Any) -> InstitutionFacts:
    base: dict[str, Any] = dict(
        filing_id=1,
        code=CODE,
        name="测试评价中心",
        valid_from=D(2025, 1, 6),
        valid_to=D(2028, 1, 5),
        terminates_on=None,
        blocked_from=None,
        blocked_label="",
        scope={"6-31-01-03": frozenset({5, 4, 3}), "4-10-01-05": frozenset({5, 4})},
        rectifications=(),
        occupations={
            "6-31-01-03": Occ(10, "6-31-01-03", "电工", frozenset({5, 4, 3, 2, 1})),
            "6-31-01-03-01": Occ(11, "6-31-01-03-01", "维修电工", frozenset({5, 4, 3, 2, 1}), "6-31-01-03"),
            "4-10-01-05": Occ(20, "4-10-01-05", "养老护理员", frozenset({5, 4, 3, 2, 1})),
            "4-01-06-01": Occ(30, "4-01-06-01", "电子商务师", frozenset({5, 4, 3, 2, 1})),
            "9-99-99-99": Occ(40, "9-99-99-99", "只有五级", frozenset({5})),
        },
        batches={"PJ1": Batch(7, "PJ1", "6-31-01-03", 4, D(2026, 3, 2), D(2026, 3, 6), 40)},
        today=D(2026, 6, 15),
    )
    base.update(over)
    return InstitutionFacts(**base)


def row(**over):
    r = {
        "number": numbers.compose(CODE, 2026, 4, 1),
        "holder_name": "张三",
        "id_type": "",
        "id_number": ID,
        "occupation_code": "6-31-01-03",
        "occupation_name": "电工",
        "level": "四级/中级工",
        "issue_date": "2026-03-10",
        "batch_number": "PJ1",
    }
    r.update(over)
    return r


def codes(result) -> list[str]:
    assert not isinstance(result, CheckedRow), "expected errors"
    return [e.code for e in result]


def test_a_good_row_is_normalised():
    r = check_row(2, row(), facts())
    assert isinstance(r, CheckedRow)
    assert (r.level, r.issue_date, r.occupation_id, r.batch_id, r.id_type) == (4, D(2026, 3, 10), 10, 7, "resident_id")
    assert r.id_number == ID


def test_excel_number_and_scientific_notation_ids_are_refused_with_a_hint():
    result = check_row(2, row(id_number=1.10105e17), facts())
    assert codes(result) == ["ID_NUMERIC_CELL"]
    assert "文本" in result[0].message and result[0].column == "证件号码" and result[0].row == 2
    assert codes(check_row(2, row(id_number=110105199801011236), facts())) == ["ID_NUMERIC_CELL"]
    assert codes(check_row(2, row(id_number="1.10105E+17"), facts())) == ["ID_SCIENTIFIC_NOTATION"]


def test_wrong_check_digit_future_birth_and_implausible_age():
    wrong = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    assert codes(check_row(2, row(id_number=wrong), facts())) == ["ID_INVALID_CHECKSUM"]
    assert codes(check_row(2, row(id_number=make_id_number("500238", "20300101", 1)), facts())) == [
        "ID_BIRTH_IN_FUTURE"
    ]
    young = make_id_number("500238", "20120101", 1)  # 14 on the issue date
    assert codes(check_row(2, row(id_number=young), facts())) == ["ID_HOLDER_TOO_YOUNG"]
    assert codes(check_row(2, row(id_number=""), facts())) == ["ID_REQUIRED"]


def test_level_six_and_unreadable_levels():
    result = check_row(2, row(level=6), facts())
    assert "LEVEL_INVALID" in codes(result)
    assert any("1–5" in e.message and e.column == "等级" for e in result)
    assert codes(check_row(2, row(level="特级"), facts()))[0] == "LEVEL_INVALID"
    assert codes(check_row(2, row(level=None), facts()))[0] == "LEVEL_REQUIRED"


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        ("三级", 3),
        ("三级/高级工", 3),
        ("高级工", 3),
        ("技师", 2),
        ("高级技师", 1),
        ("x", None),
    ],
)
def test_parse_level(value, level):
    assert parse_level(value) == level


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-03-10", D(2026, 3, 10)),
        ("2026/3/10", D(2026, 3, 10)),
        ("20260310", D(2026, 3, 10)),
        ("2026年3月10日", D(2026, 3, 10)),
        (dt.datetime(2026, 3, 10, 0, 0), D(2026, 3, 10)),
        (46091, D(2026, 3, 10)),  # a date cell that lost its format
        ("10/03/2026", None),
    ],
)
def test_parse_date(value, day):
    assert parse_date(value) == day


def test_occupation_outside_the_filed_scope_and_level_outside_it():
    result = check_row(2, row(occupation_code="4-01-06-01", occupation_name="电子商务师"), facts())
    assert "OCCUPATION_OUT_OF_SCOPE" in codes(result)
    assert any("不在本机构备案的职业范围内" in e.message for e in result)
    result = check_row(
        2, row(occupation_code="4-10-01-05", occupation_name="养老护理员", level=3, batch_number="PJ1"), facts()
    )
    assert "LEVEL_OUT_OF_SCOPE" in codes(result)
    assert codes(check_row(2, row(occupation_code="1-23-45-67"), facts()))[0] == "OCCUPATION_UNKNOWN"
    assert codes(check_row(2, row(occupation_name="焊工"), facts())) == ["OCCUPATION_NAME_MISMATCH"]


def test_a_work_type_under_a_filed_occupation_is_in_scope():
    f = facts(batches={"PJ1": Batch(7, "PJ1", "6-31-01-03-01", 4, D(2026, 3, 2), D(2026, 3, 6), 40)})
    r = check_row(2, row(occupation_code="6-31-01-03-01", occupation_name="维修电工"), f)
    assert isinstance(r, CheckedRow) and r.occupation_id == 11


def test_validity_boundaries_are_inclusive():
    f = facts(batches={"PJ1": Batch(7, "PJ1", "6-31-01-03", 4, D(2025, 1, 1), D(2025, 1, 2), 40)}, today=D(2028, 6, 1))
    for day, expected in [
        ("2025-01-05", ["FILING_NOT_YET_VALID"]),
        ("2025-01-06", []),
        ("2028-01-05", []),
        ("2028-01-06", ["FILING_EXPIRED_ON_DATE"]),
    ]:
        year = int(day[:4])
        r = check_row(2, row(issue_date=day, number=numbers.compose(CODE, year, 4, 1)), f)
        assert (codes(r) if not isinstance(r, CheckedRow) else []) == expected, day


def test_certificate_dated_during_a_rectification_both_ends_inclusive():
    f = facts(rectifications=((D(2026, 4, 1), D(2026, 4, 30)), (D(2026, 6, 1), None)))
    for day, bad in [
        ("2026-03-31", False),
        ("2026-04-01", True),
        ("2026-04-30", True),
        ("2026-05-01", False),
        ("2026-05-31", False),
        ("2026-06-01", True),  # still open
        ("2026-06-15", True),
    ]:
        r = check_row(2, row(issue_date=day), f)
        if bad:
            assert codes(r) == ["CERT_DURING_RECTIFICATION"], day
            assert "整改期" in r[0].message and "CQ-30" not in r[0].message  # no requirement ID (issue 11)
        else:
            assert isinstance(r, CheckedRow), day


def test_a_batch_evaluated_during_rectification_is_refused():
    f = facts(rectifications=((D(2026, 3, 5), D(2026, 3, 8)),))
    assert codes(check_row(2, row(), f)) == ["BATCH_DURING_RECTIFICATION"]


def test_terminated_filings_and_exits():
    f = facts(terminates_on=D(2026, 3, 10))
    assert isinstance(check_row(2, row(issue_date="2026-03-10"), f), CheckedRow)
    assert codes(check_row(2, row(issue_date="2026-03-11"), f)) == ["FILING_TERMINATED_ON_DATE"]
    f = facts(blocked_from=D(2026, 6, 15), blocked_label="已注销")
    assert isinstance(check_row(2, row(issue_date="2026-06-14"), f), CheckedRow)
    r = check_row(2, row(issue_date="2026-06-15"), f)
    assert codes(r) == ["FILING_NOT_ACTIVE"] and "已注销" in r[0].message


def test_dates_must_be_sane():
    assert codes(check_row(2, row(issue_date="2026-06-16"), facts())) == ["ISSUE_DATE_IN_FUTURE"]
    assert codes(check_row(2, row(issue_date="2026-03-05"), facts())) == ["ISSUE_BEFORE_EVALUATION"]
    assert codes(check_row(2, row(issue_date="下周"), facts())) == ["ISSUE_DATE_INVALID"]


def test_batch_must_exist_and_match():
    assert codes(check_row(2, row(batch_number="PJ9"), facts())) == ["BATCH_UNKNOWN"]
    assert codes(check_row(2, row(batch_number=""), facts())) == ["BATCH_REQUIRED"]
    r = check_row(2, row(level=3, number=numbers.compose(CODE, 2026, 3, 1)), facts())
    assert codes(r) == ["BATCH_MISMATCH"]


def test_number_must_belong_to_the_certificate():
    assert codes(check_row(2, row(number="Y040034000001264000001"), facts())) == ["CERT_NUMBER_PREFIX"]
    assert codes(check_row(2, row(number=numbers.compose(CODE, 2025, 4, 1)), facts())) == ["CERT_NUMBER_YEAR"]
    assert codes(check_row(2, row(number=numbers.compose(CODE, 2026, 3, 1)), facts())) == ["CERT_NUMBER_LEVEL_MISMATCH"]
    assert codes(check_row(2, row(number="S02385000000126400001"), facts())) == ["CERT_NUMBER_LENGTH"]
    assert isinstance(check_row(2, row(number=""), facts()), CheckedRow)  # generated later


def test_all_faults_of_a_row_are_reported_at_once():
    result = check_row(5, row(holder_name="", level=6, id_number="123", batch_number=""), facts())
    assert {"HOLDER_NAME_REQUIRED", "LEVEL_INVALID", "ID_INVALID_LENGTH", "BATCH_REQUIRED"} <= set(codes(result))
    assert {e.row for e in result} == {5}


def test_other_id_types():
    r = check_row(2, row(id_type="护照", id_number="E12345678"), facts())
    assert isinstance(r, CheckedRow) and r.id_type == "passport"
    assert codes(check_row(2, row(id_type="护照", id_number="E1"), facts())) == ["ID_INVALID_FORMAT"]
    assert codes(check_row(2, row(id_type="军官证"), facts())) == ["ID_TYPE_INVALID"]


def test_header_mapping_accepts_aliases_and_names_missing_columns():
    positions, errors = map_header(
        ["*证书编号", "持证人姓名", "身份证号", "职业编码", "等级", "发证日期", "计划编号", "备注"]
    )
    assert errors == [] and positions["id_number"] == 2 and positions["batch_number"] == 6
    _positions, errors = map_header(["姓名", "等级"])
    assert errors[0].code == "HEADER_MISSING" and "证件号码" in errors[0].message
