"""Fixtures for receipt tests. Who may see what:

- ``own_user``: an institution user of the filing's own unit — sees its receipt.
- ``other_unit_user``: an institution user of another unit — sees nothing (404).
- ``chongqing_staff``: staff of the Chongqing city bureau (500000), above 巫溪县 — sees it.
- ``wuxi_staff``: staff of the 巫溪县 bureau (500238), the filing authority — sees it.
- ``guizhou_staff``: staff of the Guizhou provincial department (520000) — must see nothing of Chongqing (404).
- ``huainan_staff``: staff of 淮南市 (340400) — sees nothing of Chongqing (404).
- ``sysadmin_user``: a system admin — sees no receipt (admins hold no case data, issue 12 item 2).
- ``expert_user``: an expert — receipts are not among an expert's assignments (404).
"""

from __future__ import annotations

import pytest

from skillreg.portal.tests import factories


@pytest.fixture
def filing(db):
    """A 巫溪县 (500238, Chongqing) filing with 养老护理员 5–3 and 电工 5–4."""
    return factories.make_filing(
        name="巫溪县养老服务职业技能评价中心",
        region_code="500238",
        scope={"4-10-01-05": [5, 4, 3], "6-31-01-03": [5, 4]},
    )


@pytest.fixture
def own_user(filing):
    return factories.make_user(role="institution", unit=filing.unit)


@pytest.fixture
def other_unit_user(db):
    return factories.make_user(role="institution", unit=factories.make_unit(region_code="500238"))


@pytest.fixture
def chongqing_staff(db):
    return factories.make_user(role="staff", authority_code="hrss-500000")


@pytest.fixture
def wuxi_staff(db):
    return factories.make_user(role="staff", authority_code="hrss-500238")


@pytest.fixture
def guizhou_staff(db):
    return factories.make_user(role="staff", authority_code="hrss-520000")


@pytest.fixture
def huainan_staff(db):
    return factories.make_user(role="staff", authority_code="hrss-340400")


@pytest.fixture
def sysadmin_user(db):
    return factories.make_user(role="admin")


@pytest.fixture
def expert_user(db):
    return factories.make_user(role="expert")
