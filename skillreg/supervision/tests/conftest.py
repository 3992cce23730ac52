"""Builders of supervision tests: filings made by the real filing service, inspectors on a register."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.supervision.services.plans import inspector_enrol

FILED_ON = dt.date(2026, 3, 2)


@pytest.fixture
def cq_filing(wuxi_institution, wuxi_officer):
    """wuxi_institution's filing (Wuxi county 500238), filed by wuxi_officer on 2026-03-02, valid 3 years."""
    return file_on(wuxi_institution, wuxi_officer, FILED_ON)


@pytest.fixture
def two_filings(cq_filing, wuxi_officer):
    """cq_filing and a second Wuxi filing of another unit, both filed 2026-03-02."""
    other = testing.make_institution_user("sv_other_inst", region_code="500238", seed=77)
    return [cq_filing, file_on(other, wuxi_officer, FILED_ON)]


@pytest.fixture
def wuxi_inspectors(wuxi_officer):
    """Three inspectors J01..J03 on the Wuxi authority's register, no employer, no conflicts."""
    entries = []
    with at(FILED_ON):
        for i in range(1, 4):
            user = testing.make_admin(f"sv_inspector{i}", "inspector", display_name=f"检查员{i}")
            entries.append(inspector_enrol(user=user, number=f"J{i:02d}", actor=wuxi_officer))
    return entries
