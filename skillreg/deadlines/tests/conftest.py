"""Fixtures of the statutory-clock tests: cases built through the real services at a given moment.

Times are Asia/Shanghai wall-clock; ``at(...)`` freezes the clock there (time-machine).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from skillreg import workcalendar
from skillreg.accounts.models import Authority
from skillreg.applications import services as app_services
from skillreg.core import testing
from skillreg.deadlines.sweep import sweep
from skillreg.institutions.services import filing_create
from skillreg.workcalendar.holidays import load_holiday_year_file
from skillreg.workcalendar.services import holiday_year_import

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXTURE_2027 = Path(workcalendar.__file__).parent / "tests" / "fixtures" / "2027-test.yaml"  # invented data


def at(day: dt.date, hour: int = 10) -> time_machine.travel:
    """Freeze the clock at ``hour`` o'clock Shanghai time on ``day``."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def sweep_on(day: dt.date, hour: int = 10, **kwargs):  # type: ignore[no-untyped-def]
    with at(day, hour):
        return sweep(**kwargs)


def submit_on(user, day: dt.date, **draft):  # type: ignore[no-untyped-def]
    """A complete draft (all six CQ-8 materials) submitted by ``user`` on ``day``."""
    with at(day):
        application = testing.make_complete_draft(user, **draft)
        app_services.application_submit(application=application, actor=user)
    return application


def request_supplement_on(application, officer, day: dt.date):  # type: ignore[no-untyped-def]
    with at(day):
        return app_services.supplement_request(
            application=application, actor=officer, items=["场地设备设施等资产辅证材料：租赁合同"], note="请补正"
        )


def complete_supplement_on(application, user, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    with at(day):
        app_services.material_upload(
            application=application,
            actor=user,
            kind="assets",
            fileobj=testing.upload(testing.PDF_BYTES, "租赁合同.pdf"),
            name="租赁合同.pdf",
        )
        app_services.supplement_complete(application=application, actor=user, note="已补充租赁合同")


def file_on(user, officer, day: dt.date, **draft):  # type: ignore[no-untyped-def]
    """A filing created by the filing service on ``day`` (validity 3 years from that day)."""
    with at(day):
        application = testing.make_complete_draft(user, **draft)
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )


def import_2027() -> None:
    """Import the invented 2027 test year (1–3 January off) as an administrator would."""
    holiday_year_import(data=load_holiday_year_file(FIXTURE_2027))


@pytest.fixture
def gz_institution(db):
    """An institution user of a Guiyang (520100) unit: Guizhou packs (GZ-13/GZ-14) apply to it."""
    return testing.make_institution_user("gz_org", region_code="520100", seed=7)


@pytest.fixture
def gz_officer(db):
    """A Guiyang city HRSS officer: files and supervises Guiyang institutions."""
    return testing.make_staff("gy_officer", "hrss-520100", display_name="贵阳市经办人")


@pytest.fixture
def hefei_institution(db):
    """An institution user of a Hefei 瑶海区 (340102) unit: AH-4.2 report window (1–10 March)."""
    return testing.make_institution_user("hf_org", region_code="340102", seed=8)


@pytest.fixture
def hefei_officer(db):
    return testing.make_staff("hf_officer", "hrss-340100", display_name="合肥市经办人")
