"""Fixtures of the certificate-registry tests.

The clock stands at 2026-06-15 10:00 Shanghai (moving). ``cert_filing`` is wuxi_institution's filing,
filed by wuxi_officer on 2025-01-06 (valid 2025-01-06 … 2028-01-05) for 6-31-01-03 电工 (levels 5, 4, 3)
and 4-10-01-05 养老护理员 (levels 5, 4); ``batch`` is its 电工 level-4 evaluation of 2026-03-02 … 03-06
(50 applicants, 40 passes). ``other_filing`` belongs to other_institution (500101): wuxi users see nothing of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from skillreg.accounts.models import Authority
from skillreg.certificates import numbers
from skillreg.certificates.rows import COLUMNS
from skillreg.core import testing
from skillreg.evaluations.tests.builders import plan_results_in
from skillreg.institutions.services import filing_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)
FILED_ON = dt.date(2025, 1, 6)
SCOPE = [("6-31-01-03", [5, 4, 3]), ("4-10-01-05", [5, 4])]


def at(day: dt.date, hour: int = 10, tick: bool = True) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=tick)


@pytest.fixture(autouse=True)
def _today():
    with at(TODAY):
        yield


def file_institution(user: Any, officer: Any, day: dt.date = FILED_ON, scope: list | None = None) -> Any:
    """A filing made by the filing service on ``day`` (validity 3 years from that day)."""
    with at(day):
        application = testing.make_complete_draft(user, occupations=scope or SCOPE)
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )


@pytest.fixture
def cert_filing(wuxi_institution, wuxi_officer):
    return file_institution(wuxi_institution, wuxi_officer)


@pytest.fixture
def batch(cert_filing, wuxi_institution):
    return plan_results_in(
        filing=cert_filing,
        actor=wuxi_institution,
        number="PJ-2026-001",
        occupation_code="6-31-01-03",
        level=4,
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
        applicants=50,
        passes=40,
    )


@pytest.fixture
def other_filing(other_institution, db):
    officer = testing.make_staff("cq_other_officer", "hrss-500101", display_name="万州区经办人")
    return file_institution(other_institution, officer)


def cert_number(filing: Any, serial: int, *, year: int = 2026, level: int = 4) -> str:
    return numbers.compose(filing.code, year, level, serial)


def id_number(seq: int, birth: str = "19980101") -> str:
    return testing.make_id_number("500238", birth, seq % 1000)


def good_row(filing: Any, n: int = 1, **over: Any) -> dict[str, Any]:
    """A valid row of the template for ``batch`` (serial ``n``, holder ``n``)."""
    row = {
        "number": cert_number(filing, n),
        "holder_name": "张三" if n == 1 else f"李{'一二三四五六七八九十'[n % 10]}{'甲乙丙丁戊'[n % 5]}",
        "id_type": "居民身份证",
        "id_number": id_number(n, birth=f"{1998 + n // 1000 % 8}0101"),
        "occupation_code": "6-31-01-03",
        "occupation_name": "电工",
        "work_type": "",
        "level": 4,
        "issue_date": "2026-03-10",
        "batch_number": "PJ-2026-001",
    }
    row.update(over)
    return row


def to_csv(rows: list[dict[str, Any]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.label for c in COLUMNS])
    for r in rows:
        w.writerow([r.get(c.key, "") for c in COLUMNS])
    return buf.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([c.label for c in COLUMNS])
    for r in rows:
        ws.append([r.get(c.key) for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
