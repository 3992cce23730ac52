"""Builders of the lifecycle tests: filings made by the real filing service on a given day."""

from __future__ import annotations

import pytest

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at, file_on, sweep_on  # noqa: F401  (re-exported helpers)


@pytest.fixture
def gz_institution(db):
    """An institution user of a Guiyang (520100) unit: the Guizhou packs (GZ-8..16) apply to it."""
    return testing.make_institution_user("gz_org", region_code="520100", seed=7)


@pytest.fixture
def gz_officer(db):
    """A Guiyang city HRSS officer: files and supervises Guiyang institutions."""
    return testing.make_staff("gy_officer", "hrss-520100", display_name="贵阳市经办人")
