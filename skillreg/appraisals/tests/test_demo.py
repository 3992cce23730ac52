"""The demo shows periodic evaluation (HN-2), the credit grade on a renewal case and a GZ-11 renewal draft."""

from __future__ import annotations

import pytest

from skillreg.applications.demo import load_demo
from skillreg.applications.materials import required_materials
from skillreg.applications.models import Application
from skillreg.appraisals.models import Appraisal, AppraisalStatus, SelfCheck

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_huainan_renewal_with_evaluations_and_a_guizhou_gz11_draft():
    logins = {u for u, _r, _d in load_demo()}
    assert {"pe_shungeng", "pe_qianjiang"} <= logins
    confirmed = Appraisal.objects.get(filing__unit__name="淮南舜耕职业技能培训学校", year=2025)
    assert confirmed.status == AppraisalStatus.CONFIRMED and confirmed.grade
    assert not Appraisal.objects.filter(filing=confirmed.filing, year=2026).exists()  # left for staff to score
    assert SelfCheck.objects.get(filing=confirmed.filing, year=2026).unmet == 1
    renewal = Application.objects.get(for_filing=confirmed.filing, application_type="renewal")
    assert renewal.state == "submitted"
    draft = Application.objects.get(for_filing__unit__name="贵州黔匠装备制造有限公司", application_type="renewal")
    assert "第十一条" in required_materials(draft).basis
    assert list(draft.materials.values_list("kind", flat=True)) == ["renewal_form"]
