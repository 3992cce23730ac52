"""Fixtures of the evaluation-plan tests.

The clock stands at 2026-06-15 10:00 Shanghai. ``filing`` is wuxi_institution's filing, filed by wuxi_officer on
2025-01-06 (valid … 2028-01-05) for 6-31-01-03 电工 (levels 5, 4, 3) and 4-10-01-05 养老护理员 (5, 4), with five
examiners per occupation registered at its highest filed level and three internal supervisors (督导0–2).
``report(filing, user, **over)`` reports a valid 电工 level-4 plan 30 days ahead (override any field);
``file_with_examiner_ids`` files like ``file_institution`` with ID numbers for the named examiners.
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
from skillreg.core import testing
from skillreg.evaluations import services
from skillreg.institutions.services import filing_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)
FILED_ON = dt.date(2025, 1, 6)
SCOPE = [("6-31-01-03", [5, 4, 3]), ("4-10-01-05", [5, 4])]


def at(day: dt.date, hour: int = 10, tick: bool = True) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=tick)


def when(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _today():
    with at(TODAY):
        yield


def file_institution(user: Any, officer: Any, day: dt.date = FILED_ON, scope: list | None = None, **kw: Any) -> Any:
    with at(day):
        application = testing.make_complete_draft(user, occupations=scope or SCOPE, **kw)
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )


@pytest.fixture
def filing(wuxi_institution, wuxi_officer):
    return file_institution(wuxi_institution, wuxi_officer)


def examiners(code: str = "6-31-01-03", n: int = 2, first: int = 0) -> list[dict[str, str]]:
    return [{"name": f"考评{code[-2:]}{i}", "certificate_code": f"KP{code}{i}"} for i in range(first, first + n)]


def report(filing: Any, user: Any, **over: Any) -> Any:
    start = TODAY + dt.timedelta(days=30)
    args: dict[str, Any] = {
        "filing": filing,
        "actor": user,
        "number": "PJ-2026-101",
        "occupation_code": "6-31-01-03",
        "level": 4,
        "starts_at": when(start, 9),
        "ends_at": when(start + dt.timedelta(days=1), 17),
        "venue": "技能考核场地300平方米",
        "expected_candidates": 30,
        "examiners": examiners(),
        "supervisors": ["督导0"],
    }
    args.update(over)
    return services.plan_report(**args)


def roster_csv(rows: list[dict[str, Any]]) -> io.BytesIO:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["姓名", "证件类型", "证件号码", "职业编码", "等级", "证书编号"])
    for r in rows:
        w.writerow(
            [r["name"], "居民身份证", r["id"], r.get("code", "6-31-01-03"), r.get("level", 4), r.get("number", "")]
        )
    return io.BytesIO(out.getvalue().encode("utf-8"))


def person(seq: int) -> dict[str, Any]:
    name = "学员" + "".join("零一二三四五六七八九"[int(d)] for d in f"{seq:03d}")
    return {"name": name, "id": testing.make_id_number("500238", "19980101", seq % 1000)}


def file_with_examiner_ids(user, officer, ids: dict[str, str], region_code: str = "500238"):
    """A filing like ``conftest.file_institution`` whose named examiners are registered with ID numbers (through
    the application service, as the filing form posts them)."""
    from skillreg.accounts.models import Authority
    from skillreg.applications.materials import required_materials
    from skillreg.applications.services import application_save_draft, material_upload
    from skillreg.institutions.services import filing_create

    with at(FILED_ON):
        payload = testing.draft_payload(occupations=SCOPE, region_code=region_code)
        for p in payload["people"]:
            if p["name"] in ids:
                p["id_number"] = ids[p["name"]]
        application = application_save_draft(actor=user, **payload)
        for kind in required_materials(application).items:
            material_upload(
                application=application,
                actor=user,
                kind=kind.value,
                fileobj=testing.upload(testing.PNG_BYTES, f"{kind.value}.png"),
                name=f"{kind.label}.png",
            )
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )
