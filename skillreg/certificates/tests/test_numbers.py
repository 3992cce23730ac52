"""Certificate numbers: the pure layout module and ``manage.py certificates check-number`` exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillreg.certificates import numbers

GOOD = "S023850000001263000042"


def test_parse_splits_the_national_layout():
    n = numbers.parse(GOOD)
    assert (n.letter, n.institution, n.province, n.sequence) == ("S", "0238", "50", "000001")
    assert (n.year, n.level, n.serial) == (26, 3, 42)
    assert n.filing_code == "S023850000001"
    assert n.prefix == "S023850000001263"
    assert str(n) == GOOD


def test_full_width_and_spaces_are_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in GOOD.lower())  # ｓ０２３８…
    assert str(numbers.parse(f" {full_width} ")) == GOOD


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "CERT_NUMBER_REQUIRED"),
        ("S02385000000126300004", "CERT_NUMBER_LENGTH"),
        ("S0238500000012630000421", "CERT_NUMBER_LENGTH"),
        ("X023850000001263000042", "CERT_NUMBER_LETTER"),
        ("S02385000000126300004A", "CERT_NUMBER_DIGITS"),
        ("S023899000001263000042", "CERT_NUMBER_PROVINCE"),
        ("S023850000000263000042", "CERT_NUMBER_SEQUENCE"),
        ("S023850000001266000042", "CERT_NUMBER_LEVEL"),
        ("S023850000001260000042", "CERT_NUMBER_LEVEL"),
        ("S023850000001263000000", "CERT_NUMBER_SERIAL"),
    ],
)
def test_malformed_numbers_name_the_fault(value, code):
    with pytest.raises(numbers.NumberError) as exc:
        numbers.parse(value)
    assert exc.value.code == code
    assert exc.value.message  # Chinese, for people


def test_check_against_the_certificate_reports_every_mismatch():
    n = numbers.parse(GOOD)
    assert numbers.check_against(n, filing_code="S023850000001", issue_year=2026, level=3) == []
    codes = [e.code for e in numbers.check_against(n, filing_code="Y040034000002", issue_year=2025, level=4)]
    assert codes == ["CERT_NUMBER_PREFIX", "CERT_NUMBER_YEAR", "CERT_NUMBER_LEVEL_MISMATCH"]


def test_compose_round_trips_and_refuses_bad_parts():
    assert numbers.compose("S023850000001", 2026, 3, 42) == GOOD
    assert numbers.prefix_of("S023850000001", 2026, 3) == GOOD[:16]
    with pytest.raises(numbers.NumberError) as exc:
        numbers.compose("S023850000001", 2026, 6, 1)
    assert exc.value.code == "CERT_NUMBER_LEVEL"
    with pytest.raises(numbers.NumberError) as exc:
        numbers.compose("S023850000001", 2026, 3, 1_000_000)
    assert exc.value.code == "CERT_SERIAL_EXHAUSTED"


def test_the_pure_modules_import_nothing_from_django():
    import skillreg.core.errors
    import skillreg.core.validators
    from skillreg.certificates import columns, rows

    for module in (numbers, rows, columns, skillreg.core.validators, skillreg.core.errors):
        assert "django" not in Path(module.__file__).read_text(), module.__name__


def test_check_number_command_exit_codes_in_process(capsys):
    call_command("certificates", "check-number", GOOD)
    assert "流水号 000042" in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command("certificates", "check-number", "S023850000001266000042")
    assert exc.value.returncode == 1
    assert "CERT_NUMBER_LEVEL" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("certificates", "check-number", GOOD, "--filing", "S023850000002")
    assert "CERT_NUMBER_PREFIX" in str(exc.value)


def test_check_number_command_exit_codes_as_a_process():
    manage = Path(__file__).resolve().parents[3] / "manage.py"
    ok = subprocess.run(
        [sys.executable, str(manage), "certificates", "check-number", GOOD], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [sys.executable, str(manage), "certificates", "check-number", "S02385000000126300004"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
    assert "CERT_NUMBER_LENGTH" in bad.stderr and "22位" in bad.stderr


def test_bloom_filter_has_no_false_negatives_and_few_false_positives():
    from skillreg.certificates.bloom import Bloom

    bloom = Bloom(10_000)
    bloom.update(f"S023850000001264{i:06d}" for i in range(10_000))
    assert all(f"S023850000001264{i:06d}" in bloom for i in range(10_000))
    false = sum(f"S023850000001265{i:06d}" in bloom for i in range(10_000))
    assert false < 50  # < 0.5 %
