"""Evaluation oversight gaps found in review (issue 14 follow-up): results only once the evaluation is over, and
an examiner — one person, known by the blind index of the ID number — booked at overlapping times at two
institutions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import TransitionNotAllowed
from skillreg.evaluations import services
from skillreg.evaluations.models import EvaluationPlan, PlanStatus, RosterEntry
from skillreg.supervision.models import Notice

from .conftest import at, person, report, roster_csv, when

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 7, 15)  # 30 days after the fixtures' today
NEXT = DAY + dt.timedelta(days=1)


def acknowledged(filing, user, officer, **over):
    return services.plan_acknowledge(plan=report(filing, user, **over), actor=officer)


# ----------------------------------------------------------------------------- 1. results after the evaluation


@pytest.mark.req("CQ-4")
def test_results_are_refused_until_the_last_evaluation_time_has_passed(filing, wuxi_institution, wuxi_officer):
    plan = acknowledged(filing, wuxi_institution, wuxi_officer, starts_at=when(DAY, 9), ends_at=when(DAY, 17))
    people = [person(n) for n in range(1, 3)]
    audit = AuditRecord.objects.count()
    for moment in (when(dt.date(2026, 6, 15), 10), when(DAY, 17) - dt.timedelta(minutes=1)):
        with time_machine.travel(moment, tick=False):
            with pytest.raises(TransitionNotAllowed) as exc:
                services.results_publish(plan=plan, actor=wuxi_institution, body="合格人员名单：学员零零一")
            assert exc.value.code == "PLAN_NOT_ENDED"
            assert "评价尚未结束" in exc.value.message and "2026-07-15 17:00" in exc.value.message
            with pytest.raises(TransitionNotAllowed) as exc:
                services.results_file(
                    plan=plan, actor=wuxi_institution, applicants=3, passes=2, roster=roster_csv(people)
                )
            assert exc.value.code == "PLAN_NOT_ENDED"
    # nothing written: no notice, no roster, no error workbook, no audit record, the status unchanged
    plan.refresh_from_db()
    assert (plan.status, plan.results_notice_id, plan.roster_errors) == (PlanStatus.ACKNOWLEDGED, None, "")
    assert Notice.objects.count() == RosterEntry.objects.count() == 0
    assert AuditRecord.objects.count() == audit
    with at(DAY, 17, tick=False):  # at the end time the evaluation is over
        services.results_publish(plan=plan, actor=wuxi_institution, body="合格人员名单：学员零零一")
        plan = services.results_file(
            plan=plan, actor=wuxi_institution, applicants=3, passes=2, roster=roster_csv(people)
        )
    assert plan.status == PlanStatus.RESULTS_FILED


def test_a_plan_without_times_is_over_after_its_last_day(filing):
    from skillreg.occupations.models import Occupation

    plan = EvaluationPlan(
        filing=filing,
        number="OLD-1",
        occupation=Occupation.objects.get(code="6-31-01-03"),
        level=4,
        starts_on=dt.date(2026, 6, 14),
        ends_on=dt.date(2026, 6, 15),
    )
    assert services.evaluation_over_at(plan) == when(dt.date(2026, 6, 16), 0)
    with at(dt.date(2026, 6, 15), 23, tick=False):
        assert not services.evaluation_over(plan)
    with at(dt.date(2026, 6, 16), 0, tick=False):
        assert services.evaluation_over(plan)


def test_the_plan_page_says_when_results_can_be_filed(client, filing, wuxi_institution, wuxi_officer):
    plan = acknowledged(filing, wuxi_institution, wuxi_officer, starts_at=when(DAY, 9), ends_at=when(DAY, 17))
    client.force_login(wuxi_institution)
    html = client.get(reverse("evaluations:plan", args=[plan.pk])).content.decode()
    assert "评价尚未结束" in html and "2026-07-15 17:00" in html
    assert 'id="publish"' not in html and 'id="results"' not in html  # no form that can only be refused
    # a form posted from a page opened earlier (or by hand) is refused with the message, nothing written
    r = client.post(reverse("evaluations:publish", args=[plan.pk]), {"body": "合格人员名单：学员零零一"}, follow=True)
    assert "评价尚未结束" in r.content.decode()
    assert Notice.objects.count() == 0
    with at(DAY, 18):
        client.force_login(wuxi_institution)  # a month later: a new session
        html = client.get(reverse("evaluations:plan", args=[plan.pk])).content.decode()
    assert "评价尚未结束" not in html and 'id="publish"' in html and "（评价已结束）" in html
