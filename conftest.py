"""Named fixtures shared by the whole suite. Each says who it is and what it may see."""

from __future__ import annotations

import pytest

from skillreg.core import testing


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads of each test go to a fresh temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def wuxi_institution(db):
    """An institution user of a Wuxi county (500238) unit: sees only its own unit's applications."""
    return testing.make_institution_user("wuxi_org", region_code="500238", seed=1)


@pytest.fixture
def other_institution(db):
    """An institution user of another Chongqing unit: must see nothing of wuxi_institution's."""
    return testing.make_institution_user("other_org", region_code="500101", seed=2)


@pytest.fixture
def huainan_institution(db):
    """An institution user of a unit in 田家庵区, Huainan (340403)."""
    return testing.make_institution_user("huainan_org", region_code="340403", seed=3)


@pytest.fixture
def wuxi_officer(db):
    """A Wuxi county HRSS officer: cases of 500238 only; decides county-managed cases (CQ-6)."""
    return testing.make_staff("wuxi_officer", "hrss-500238", display_name="巫溪县经办人")


@pytest.fixture
def cq_centre_officer(db):
    """A Chongqing city centre officer: sees every Chongqing case; decides city-managed cases (CQ-6)."""
    return testing.make_staff("cq_centre", "center-500000", display_name="市鉴定中心审核人")


@pytest.fixture
def guizhou_officer(db):
    """A Guizhou provincial officer: must see nothing of Chongqing or Anhui."""
    return testing.make_staff("gz_officer", "hrss-520000", display_name="贵州省厅审核人")


@pytest.fixture
def huainan_county_officer(db):
    return testing.make_staff("tja_officer", "hrss-340403", display_name="田家庵区初审人")


@pytest.fixture
def huainan_city_officer(db):
    return testing.make_staff("hn_officer", "hrss-340400", display_name="淮南市审核人")


@pytest.fixture
def anhui_officer(db):
    return testing.make_staff("ah_officer", "hrss-340000", display_name="安徽省厅审批人")


@pytest.fixture
def expert(db):
    """An evaluation expert: sees only the cases assigned to them."""
    return testing.make_expert("expert_zhang", "张专家")
