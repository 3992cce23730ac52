"""Builders of the annual-report tests: a filing made on a given day, certificates registered in a year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from skillreg.accounts.models import Authority
from skillreg.certificates.models import Certificate
from skillreg.core import testing
from skillreg.institutions.services import filing_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCCUPATIONS = [("4-10-01-05", [5, 4]), ("6-31-01-03", [5])]


def at(day: dt.date, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def file_on(user, officer, day: dt.date, occupations=None):  # type: ignore[no-untyped-def]
    with at(day):
        application = testing.make_complete_draft(user, occupations=occupations or OCCUPATIONS)
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )


def register(filing, user, day: dt.date, *, occupation: str, level: int, n: int, batch: str, applicants: int = 0):  # type: ignore[no-untyped-def]
    """``n`` certificates of ``occupation``/``level`` issued on ``day`` through the registry's services."""
    from skillreg.evaluations.demo import certified_plan
    from skillreg.occupations.models import Occupation

    occ = Occupation.objects.get(code=occupation)
    with at(day):
        items = [
            {
                "number": "",
                "holder_name": "考生" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅卯辰巳午未申酉"[len(batch) % 10],
                "id_type": "居民身份证",
                "id_number": testing.make_id_number(filing.region.code, f"19{80 + i}0315", 300 + i + len(batch) * 7),
                "occupation_code": occupation,
                "occupation_name": occ.name,
                "work_type": "",
                "level": level,
                "issue_date": day.isoformat(),
                "batch_number": batch,
            }
            for i in range(n)
        ]
        # The plan is reported, acknowledged and its results (roster = these holders) filed first (issue 14).
        result = certified_plan(
            filing,
            user,
            items=items,
            number=batch,
            occupation=occ,
            level=level,
            day=day,
            applicants=applicants or n + 2,
        )
        assert Certificate.objects.filter(batch__number=batch).count() == n, result


@pytest.fixture
def hn_filing(huainan_institution, huainan_city_officer):
    """A Huainan (田家庵区) institution filed on 2025-01-10 by the city, with two occupations."""
    return file_on(huainan_institution, huainan_city_officer, dt.date(2025, 1, 10))
