"""The credit ledger and published grades (CQ-29): events written by the services, grade with its factors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import CreditEvent
from skillreg.supervision.services.complaints import complaint_answer, complaint_submit
from skillreg.supervision.services.credit import credit_publish, credit_score

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.mark.req("CQ-29")
def test_a_verified_complaint_lowers_the_published_grade_with_its_factor(
    client, cq_filing, wuxi_officer, wuxi_institution
):
    with at(DAY):
        first = credit_publish(actor=wuxi_officer)
        assert [g.grade for g in first] == ["A"]
        with pytest.raises(TransitionNotAllowed):
            credit_publish(actor=wuxi_officer)
        c = complaint_submit(filing_code=cq_filing.code, category="fees", body="乱收费", submission_key="c").complaint
        complaint_answer(complaint=c, outcome="verified", answer="属实", actor=wuxi_officer)
        assert CreditEvent.objects.filter(filing=cq_filing).count() == 1
    with at(DAY + dt.timedelta(days=1)):
        second = credit_publish(actor=wuxi_officer)
    assert second[0].grade == "B" and second[0].points == 90
    assert second[0].factors[0]["label"] == "投诉举报经查属实" and "第二十七条" in second[0].factors[0]["basis"]
    assert "B级" in second[0].notice.body
    page = client.get(reverse("notices:credit", args=[cq_filing.code])).content.decode()
    assert "投诉举报经查属实" in page and "B级（基本守信）" in page and "A级（守信）" in page
    assert credit_score(cq_filing, DAY - dt.timedelta(days=1)).grade == "A"  # as of a past day
    with pytest.raises(PermissionDeniedError):
        credit_publish(actor=wuxi_institution)
