"""Issue 13, "Bad input and races", the items not proved elsewhere: a complaint form submitted twice lodges one
complaint and says so in Chinese; a register that changed after the draw is detectably different on re-run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import Complaint
from skillreg.supervision.selectors import draw_check
from skillreg.supervision.services.plans import inspector_enrol, plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.mark.req("CQ-27")
def test_the_same_complaint_form_posted_twice_lodges_one_complaint(client, cq_filing):
    form = {
        "submission_key": "form-key-1",
        "filing_code": cq_filing.code,
        "category": "fees",
        "body": "收取资料费未公示",
        "name": "",
        "contact": "",
    }
    with at(DAY):
        first = client.post(reverse("notices:complaint_new"), form)
        second = client.post(reverse("notices:complaint_new"), form)
    assert first.status_code == second.status_code == 200
    assert Complaint.objects.count() == 1
    no = Complaint.objects.get().tracking_no
    assert no in first.content.decode() and no in second.content.decode()
    assert 'id="query-code"' in first.content.decode() and 'id="query-code"' not in second.content.decode()
    assert "该表单已提交过，未重复受理" in second.content.decode()


@pytest.mark.req("CQ-25")
def test_a_register_changed_after_the_draw_is_detected_on_rerun(two_filings, wuxi_inspectors, wuxi_officer):
    with at(DAY):
        plan = plan_create(title="抽查", items="CQ-26", inspect_on=DAY, sample_size=1, per_target=2, actor=wuxi_officer)
        drawn = plan_draw(plan=plan, actor=wuxi_officer)
    assert draw_check(drawn).register_unchanged is True
    with at(DAY + dt.timedelta(days=1)):
        late = testing.make_admin("sv_late_inspector", "inspector", display_name="后补检查员")
        inspector_enrol(user=late, number="J09", actor=wuxi_officer)
    check = draw_check(drawn)
    # The published draw still re-runs to its result from its snapshot; today's register differs from it.
    assert check.ok and check.register_unchanged is False
