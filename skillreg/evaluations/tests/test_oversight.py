"""Evaluation oversight gaps found in review (issue 14 follow-up): results only once the evaluation is over, and
an examiner — one person, known by the blind index of the ID number — booked at overlapping times at two
institutions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.evaluations import selectors, services
from skillreg.evaluations.models import EvaluationPlan, PlanStatus, RosterEntry
from skillreg.supervision.models import Notice

from .conftest import SCOPE, at, file_with_examiner_ids, person, report, roster_csv, when

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


# ----------------------------------------------------------------------------- 2. one examiner, two institutions

ID_X = testing.make_id_number("500238", "19800101", 71)  # registered with both institutions
ID_Y = testing.make_id_number("500101", "19810202", 72)


@pytest.fixture
def two_filings(wuxi_institution, wuxi_officer, other_institution, cq_centre_officer):
    """Wuxi's filing registers 考评030 with ID_X; the other (万州, filed by the city centre) registers a 考评030
    too — same name and certificate code, another person (ID_Y) — and registers ID_X as its 考评031."""
    a = file_with_examiner_ids(wuxi_institution, wuxi_officer, {"考评030": ID_X})
    b = file_with_examiner_ids(
        other_institution, cq_centre_officer, {"考评030": ID_Y, "考评031": ID_X}, region_code="500101"
    )
    return a, b


def one(code_name: str, cert: str) -> list[dict[str, str]]:
    return [{"name": code_name, "certificate_code": cert}]


@pytest.mark.req("CQ-4")
def test_the_same_person_cannot_be_booked_at_overlapping_times_at_two_institutions(
    two_filings, wuxi_institution, other_institution
):
    a, b = two_filings
    mine = report(a, wuxi_institution, number="A-1", starts_at=when(DAY, 9), ends_at=when(DAY, 17),
                  examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    assert mine.examiners[0]["id_index"] and ID_X not in str(mine.examiners)  # the blind index, not the number
    # another person with the same name and certificate code at the other institution: not a clash
    report(b, other_institution, number="B-1", starts_at=when(DAY, 9), ends_at=when(DAY, 17),
           examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    # the same person (ID_X), registered there as 考评031: refused, without naming Wuxi's plan
    count, audit = EvaluationPlan.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        report(b, other_institution, number="B-2", starts_at=when(DAY, 13), ends_at=when(NEXT, 12),
               examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip
    errors = exc.value.details["errors"]
    assert [e["code"] for e in errors] == ["PLAN_EXAMINER_DOUBLE_BOOKED"]
    assert errors[0]["message"] == "考评人员“考评031”：该考评人员在同一时间已安排其他评价活动"
    assert "A-1" not in str(errors) and a.name not in str(errors)
    assert (EvaluationPlan.objects.count(), AuditRecord.objects.count()) == (count, audit)
    # the same day at another time is allowed (and listed as an anomaly, below)
    later = report(b, other_institution, number="B-3", starts_at=when(DAY, 18), ends_at=when(DAY, 20),
                   examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip
    assert later.status == PlanStatus.REPORTED
    # a withdrawn plan frees the examiner
    services.plan_withdraw(plan=mine, actor=wuxi_institution)
    report(b, other_institution, number="B-4", starts_at=when(DAY, 9), ends_at=when(DAY, 12),
           examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip


def test_acknowledging_is_refused_when_the_examiner_was_booked_elsewhere_meanwhile(
    two_filings, wuxi_institution, other_institution, wuxi_officer
):
    a, b = two_filings
    mine = report(a, wuxi_institution, number="A-1", starts_at=when(DAY, 9), ends_at=when(DAY, 17),
                  examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    theirs = report(b, other_institution, number="B-1", starts_at=when(DAY, 9), ends_at=when(DAY, 17),
                    examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    # as if both had been reported at the same moment: B's plan books ID_X too
    index = mine.examiners[0]["id_index"]
    EvaluationPlan.objects.filter(pk=theirs.pk).update(examiners=[{**theirs.examiners[0], "id_index": index}])
    audit = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.plan_acknowledge(plan=mine, actor=wuxi_officer)
    assert exc.value.code == "PLAN_INVALID"
    assert [e["code"] for e in exc.value.details["errors"]] == ["PLAN_EXAMINER_DOUBLE_BOOKED"]
    assert "该考评人员在同一时间已安排其他评价活动" in exc.value.details["errors"][0]["message"]
    mine.refresh_from_db()
    assert mine.status == PlanStatus.REPORTED and AuditRecord.objects.count() == audit


@pytest.mark.req("CQ-4")
def test_cross_institution_clashes_are_listed_for_staff_in_scope(
    client, two_filings, wuxi_institution, other_institution, wuxi_officer, cq_centre_officer, guizhou_officer
):
    a, b = two_filings
    mine = report(a, wuxi_institution, number="A-1", starts_at=when(DAY, 9), ends_at=when(DAY, 12),
                  examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    theirs = report(b, other_institution, number="B-3", starts_at=when(DAY, 14), ends_at=when(DAY, 17),
                    examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip
    report(
        b,
        other_institution,
        number="B-1",
        starts_at=when(DAY, 9),
        ends_at=when(DAY, 12),
        examiners=one("考评030", "KP6-31-01-030"),
    )  # fmt: skip  (a namesake: not listed)
    centre = [x for x in selectors.anomalies(cq_centre_officer) if x.kind == "examiner_elsewhere"]
    assert [(sorted(p.number for p in x.plans), x.visible) for x in centre] == [(["A-1", "B-3"], {mine.pk, theirs.pk})]
    assert all(name in centre[0].detail for name in ("考评030", "考评031", "同日"))
    wuxi = [x for x in selectors.anomalies(wuxi_officer) if x.kind == "examiner_elsewhere"]
    assert [x.visible for x in wuxi] == [{mine.pk}]  # 万州's plan is not Wuxi's to open
    assert not [x for x in selectors.anomalies(guizhou_officer) if x.kind == "examiner_elsewhere"]
    client.force_login(wuxi_officer)
    html = client.get(reverse("evaluations:anomalies") + "?kind=examiner_elsewhere").content.decode()
    assert "同一考评人员同日在两家机构评价" in html and "B-3" in html and "不在本机关监管范围内" in html
    assert reverse("evaluations:plan", args=[theirs.pk]) not in html
    assert reverse("evaluations:plan", args=[mine.pk]) in html


def test_an_examiner_id_number_is_kept_encrypted_masked_and_checked(wuxi_institution):
    from skillreg.applications.models import Person
    from skillreg.applications.services import application_save_draft
    from skillreg.core.errors import ValidationFailed as VF

    payload = testing.draft_payload(occupations=SCOPE)
    examiner = next(p for p in payload["people"] if p["name"] == "考评030")
    examiner["id_number"] = "500238198001011230"  # wrong check digit
    with pytest.raises(VF) as exc:
        application_save_draft(actor=wuxi_institution, **payload)
    assert any(e["field"] == "people[7].id_number" or "身份证" in e["message"] for e in exc.value.details["errors"])
    examiner["id_number"] = ID_X
    app = application_save_draft(actor=wuxi_institution, **payload)
    person_row = Person.objects.get(application=app, name="考评030")
    assert person_row.id_number == ID_X and person_row.id_number_bidx
    raw = Person.objects.filter(pk=person_row.pk).values_list("id_number", flat=True).get()
    assert ID_X not in str(raw)  # encrypted at rest
    # the edit form shows it masked; posted back unchanged, the stored number stays
    from skillreg.core.crypto import mask_id_number

    examiner["id_number"] = mask_id_number(ID_X)
    app = application_save_draft(actor=wuxi_institution, application=app, **payload)
    assert Person.objects.get(application=app, name="考评030").id_number == ID_X


def test_a_minimum_gap_between_two_bookings_is_a_setting(two_filings, wuxi_institution, other_institution, settings):
    a, b = two_filings
    report(a, wuxi_institution, number="A-1", starts_at=when(DAY, 9), ends_at=when(DAY, 12),
           examiners=one("考评030", "KP6-31-01-030"))  # fmt: skip
    settings.SKILLREG_EXAMINER_MIN_GAP_MINUTES = 90  # 12:00 → 13:00 leaves no time to travel
    with pytest.raises(ValidationFailed) as exc:
        report(b, other_institution, number="B-1", starts_at=when(DAY, 13), ends_at=when(DAY, 17),
               examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip
    assert "该考评人员在同一时间已安排其他评价活动" in str(exc.value.details["errors"])
    settings.SKILLREG_EXAMINER_MIN_GAP_MINUTES = 0
    report(b, other_institution, number="B-1", starts_at=when(DAY, 13), ends_at=when(DAY, 17),
           examiners=one("考评031", "KP6-31-01-031"))  # fmt: skip


def test_the_calendar_opens_with_its_month_filled_in(client, wuxi_officer):
    client.force_login(wuxi_officer)
    html = client.get(reverse("evaluations:calendar")).content.decode()
    assert "评价日历 2026年6月" in html and 'value="2026-06"' in html
