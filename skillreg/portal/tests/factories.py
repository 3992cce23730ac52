"""Test data for the directory and receipts: units, minimal filed applications, filings with scope.

ORM directly (test setup, not production writes). Regions, authorities and occupations come from the
seeding migrations: e.g. region 500238 巫溪县 with authority ``hrss-500238``; occupations 4-10-01-05 养老护理员
and 6-31-01-03 电工.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import uscc as uscc_std

from skillreg.accounts.models import Authority
from skillreg.applications.models import Application, State
from skillreg.institutions.models import ApplicantUnit, Filing, FilingScope, InstitutionKind
from skillreg.occupations.models import Occupation
from skillreg.regions.models import Region

_seq = itertools.count(1)

# Personal data put on every factory application: it must never reach a public page or export.
LEGAL_REP_ID_NUMBER = "11010519491231002X"
LEGAL_REP_PHONE = "13800138000"
HEAD_PHONE = "13912345678"
HEAD_NAME = "钱负责"
LEGAL_REP_NAME = "孙法人"


def make_uscc(region_code: str, n: int) -> str:
    base = f"91{region_code}MA{n:07d}"
    return base + uscc_std.calc_check_digit(base)


def make_unit(*, name: str | None = None, region_code: str = "500238", uscc: str | None = None) -> ApplicantUnit:
    n = next(_seq)
    return ApplicantUnit.objects.create(
        name=name or f"测试申报单位{n}",
        uscc=uscc or make_uscc(region_code, n),
        region=Region.objects.get(code=region_code),
        address=f"测试路{n}号",
        contact_name="赵联系",
        contact_phone="138****0000",
        created_at=timezone.now(),
    )


def make_user(*, role: str, unit: ApplicantUnit | None = None, authority_code: str | None = None, **extra: Any) -> Any:
    n = next(_seq)
    authority = Authority.objects.get(code=authority_code) if authority_code else None
    # No password: tests log in with force_login, and skipping the hasher keeps factories fast.
    return get_user_model().objects.create_user(
        username=extra.pop("username", f"user{n}"),
        password=None,
        role=role,
        unit=unit,
        authority=authority,
        **extra,
    )


def make_application(*, unit: ApplicantUnit, name: str, region_code: str, kind: str, state: str) -> Application:
    creator = unit.users.first() or make_user(role="institution", unit=unit)
    app = Application(
        unit=unit,
        created_by=creator,
        state=state,
        region=Region.objects.get(code=region_code),
        institution_kind=kind,
        evaluation_types=["skill_level"],
        applicant_name=unit.name,
        applicant_address=unit.address,
        institution_name=name,
        institution_address=f"{unit.address}（评价中心）",
        legal_rep_name=LEGAL_REP_NAME,
        head_name=HEAD_NAME,
        created_at=timezone.now(),
    )
    app.legal_rep_id_number = LEGAL_REP_ID_NUMBER
    app.legal_rep_phone = LEGAL_REP_PHONE
    app.head_phone = HEAD_PHONE
    app.head_id_number = "110105194912310021"
    app.save()
    return app


def make_filing(
    *,
    name: str = "巫溪县养老服务职业技能评价中心",
    region_code: str = "500238",
    authority_code: str | None = None,
    kind: str = InstitutionKind.SOCIAL_ORG,
    status: str = "active",
    scope: dict[str, list[int]] | None = None,
    unit: ApplicantUnit | None = None,
    code: str | None = None,
    evaluation_types: list[str] | None = None,
    address: str | None = None,
    coverage: str = "巫溪县范围内",
    filed_on: dt.date = dt.date(2025, 3, 3),
) -> Filing:
    n = next(_seq)
    unit = unit or make_unit(region_code=region_code)
    authority = Authority.objects.get(code=authority_code or f"hrss-{region_code}")
    application = make_application(unit=unit, name=name, region_code=region_code, kind=kind, state=State.FILED)
    letter = "Y" if kind == InstitutionKind.EMPLOYER else "S"
    filing = Filing.objects.create(
        unit=unit,
        application=application,
        code=code or f"{letter}{region_code[2:6]}{region_code[:2]}{n:06d}",
        name=name,
        kind=kind,
        evaluation_types=evaluation_types or ["skill_level"],
        address=address or application.institution_address,
        region=Region.objects.get(code=region_code),
        authority=authority,
        coverage=coverage,
        filed_on=filed_on,
        valid_from=filed_on,
        valid_to=filed_on.replace(year=filed_on.year + 3) - dt.timedelta(days=1),
        status=status,
    )
    for occupation_code, levels in (scope if scope is not None else {"4-10-01-05": [5, 4, 3]}).items():
        FilingScope.objects.create(
            filing=filing, occupation=Occupation.objects.get(code=occupation_code), levels=sorted(levels, reverse=True)
        )
    return filing
