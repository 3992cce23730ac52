"""Fixtures for the public directory tests."""

from __future__ import annotations

import pytest

from skillreg.institutions.models import InstitutionKind

from . import factories


@pytest.fixture
def wuxi_filing(db):
    """A Chongqing (巫溪县 500238) social-org institution filing 养老护理员 and 电工."""
    return factories.make_filing(
        name="巫溪县养老服务职业技能评价中心",
        region_code="500238",
        scope={"4-10-01-05": [5, 4, 3], "6-31-01-03": [5, 4]},
    )


@pytest.fixture
def huainan_filing(db):
    """An Anhui employer in 淮南市田家庵区 (340403), below the city 淮南市 (340400); filed by the city."""
    return factories.make_filing(
        name="淮南电力技能评价站",
        region_code="340403",
        authority_code="hrss-340400",
        kind=InstitutionKind.EMPLOYER,
        scope={"6-31-01-03": [5, 4, 3, 2, 1]},
        coverage="本企业职工",
    )
