"""Demo identities look real and cover every jurisdiction, born before and after 1997 (issue 11)."""

from __future__ import annotations

import pytest

from skillreg.applications.demo import CASES, load_demo
from skillreg.applications.models import Application
from skillreg.core.validators import clean_id_number

pytestmark = pytest.mark.django_db


def test_every_jurisdiction_has_people_born_before_and_after_1997():
    load_demo()
    births: dict[str, set[bool]] = {}
    for app in Application.objects.select_related("region"):
        for number in (app.legal_rep_id_number, app.head_id_number):
            assert clean_id_number(number) == number
            assert number[:2] == app.region.code[:2]  # registered in the case's own province
            births.setdefault(app.region.code[:2], set()).add(int(number[6:10]) < 1997)
        assert app.legal_rep_name not in ("王法人", "") and app.head_name not in ("李负责", "")
    assert set(births) == {c.region[:2] for c in CASES} == {"50", "34", "52"}
    assert all(v == {True, False} for v in births.values()), births
