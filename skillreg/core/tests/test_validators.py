"""ID numbers (GB 11643) as the registration offices issue them (issue 11, blocker 1).

The address code is the place of registration, not the birthplace as it was in the birth year: a Chongqing code
(all 50xxxx codes date from 1997) is valid for people born before 1997. Checked: the check digit, a real birth date
not in the future, and an address code of the GB/T 2260 table of any year."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.core.errors import ValidationFailed
from skillreg.core.testing import make_id_number
from skillreg.core.validators import clean_id_number, division_ever_existed

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "number",
    [
        "500238199001011238",  # 巫溪县, Chongqing, born 1990 — the code dates from 1997 (the example)
        make_id_number("500238", "20000101", 123),  # born after 1997
        make_id_number("500103", "19850615", 231),  # 渝中区, born before 1997
        make_id_number("320281", "19700302", 111),  # 江阴市 (Wuxi), code from 1989, born before it
        make_id_number("340403", "19990909", 222),  # 淮南市田家庵区 (Anhui)
        make_id_number("520102", "19600101", 333),  # 贵阳市南明区 (Guizhou)
        make_id_number("460100", "19820101", 444),  # 海口市 (Hainan, province created 1988)
        make_id_number("500105", "19960101", 555),  # a code that has since gone out of use still counts
        make_id_number("110105", "20080229", 666),  # 29 February of a leap year
    ],
)
def test_valid_numbers_are_accepted_whatever_the_birth_year(number: str) -> None:
    assert clean_id_number(number, today=TODAY) == number


def test_lower_case_x_and_spaces_are_normalised() -> None:
    candidates = (make_id_number("500238", "19900101", seq) for seq in range(1000))
    number = next(n for n in candidates if n.endswith("X"))
    assert clean_id_number(" " + number.lower() + " ", today=TODAY) == number


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("500238199001011230", "ID_INVALID_CHECKSUM"),
        ("50023819900101123", "ID_INVALID_LENGTH"),
        ("5002381990010112A8", "ID_INVALID_FORMAT"),
        (make_id_number("500238", "19900230", 123), "ID_INVALID_BIRTH_DATE"),
        (make_id_number("500238", "20270101", 123), "ID_BIRTH_IN_FUTURE"),
        (make_id_number("500238", "20261202", 123), "ID_BIRTH_IN_FUTURE"),
        (make_id_number("500238", "18900101", 123), "ID_IMPLAUSIBLE_AGE"),
        (make_id_number("509999", "19900101", 123), "ID_INVALID_DIVISION"),
        (make_id_number("990000", "19900101", 123), "ID_INVALID_DIVISION"),
        ("1.10105E+17", "ID_SCIENTIFIC_NOTATION"),
    ],
)
def test_invalid_numbers_have_a_code_and_a_chinese_message(number: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_id_number(number, field="head_id_number", today=TODAY)
    assert info.value.code == code
    assert info.value.field == "head_id_number"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_division_table_of_any_year() -> None:
    assert division_ever_existed("500238")
    assert division_ever_existed("500105")  # in use 1997–2025
    assert not division_ever_existed("500000x")
    assert not division_ever_existed("509999")


def test_certificate_rows_accept_chongqing_numbers_of_people_born_before_1997() -> None:
    from skillreg.certificates.rows import CheckedRow, check_row
    from skillreg.certificates.tests.test_rows import facts, row

    for number in ("500238199001011238", make_id_number("500238", "19801231", 11)):
        checked = check_row(2, row(id_number=number), facts())
        assert isinstance(checked, CheckedRow), checked
        assert checked.id_number == number
