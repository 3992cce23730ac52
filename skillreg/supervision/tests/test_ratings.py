"""好差评 (国办发〔2019〕51号): the applicant rates an ended case once; a poor rating opens a follow-up with its
own deadline and state machine; staff of the authority's region see the ratings, statistics and follow-ups."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skillreg.applications.services.review import application_withdraw
from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at, submit_on
from skillreg.supervision.models import FollowUpStatus, RatingFollowUp, ServiceRating
from skillreg.supervision.selectors import followups_for_staff, rating_statistics, ratings_for_staff
from skillreg.supervision.services.ratings import followup_due_on, followup_transition, rating_submit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)  # a Tuesday


def _ended(user):
    """A case of ``user``'s unit submitted and then withdrawn: it has ended (撤回 is an end state)."""
    app = submit_on(user, DAY - dt.timedelta(days=7))
    with at(DAY - dt.timedelta(days=6)):
        application_withdraw(application=app, actor=user, reason="材料需要重新准备")
    app.refresh_from_db()
    return app


@pytest.fixture
def case(wuxi_institution):
    return _ended(wuxi_institution)


def test_a_good_rating_is_kept_once_and_opens_nothing(case, wuxi_institution):
    with at(DAY):
        r = rating_submit(application=case, grade=5, comment="", actor=wuxi_institution)
        assert r.get_grade_display() == "非常满意" and not r.is_poor
        assert not RatingFollowUp.objects.exists()
        with pytest.raises(TransitionNotAllowed) as exc:
            rating_submit(application=case, grade=1, comment="再评一次", actor=wuxi_institution)
    assert exc.value.code == "RATING_ALREADY_GIVEN"
    assert ServiceRating.objects.count() == 1
    assert AuditRecord.objects.filter(action="rating.submit").count() == 1


def test_bad_ratings_are_refused_with_a_message(case, wuxi_institution, other_institution):
    app = case
    with at(DAY):
        with pytest.raises(PermissionDeniedError):
            rating_submit(application=app, grade=4, comment="", actor=other_institution)
        for grade in ("", "6", "x", None):
            with pytest.raises(ValidationFailed) as exc:
                rating_submit(application=app, grade=grade, comment="", actor=wuxi_institution)
            assert exc.value.code == "RATING_GRADE_INVALID" and exc.value.field == "grade"
        with pytest.raises(ValidationFailed) as exc:
            rating_submit(application=app, grade=2, comment="  ", actor=wuxi_institution)
        assert exc.value.code == "RATING_COMMENT_REQUIRED"
        with pytest.raises(ValidationFailed) as exc:
            rating_submit(application=app, grade=3, comment="长" * 1001, actor=wuxi_institution)
        assert exc.value.code == "RATING_COMMENT_TOO_LONG"
    assert not ServiceRating.objects.exists()


def test_an_open_case_cannot_be_rated(wuxi_institution):
    with at(DAY):
        draft = testing.make_complete_draft(wuxi_institution)
        with pytest.raises(TransitionNotAllowed) as exc:
            rating_submit(application=draft, grade=4, comment="", actor=wuxi_institution)
    assert exc.value.code == "RATING_CASE_OPEN"


def test_a_poor_rating_opens_a_follow_up_handled_by_the_region(
    case, wuxi_institution, wuxi_officer, cq_centre_officer, guizhou_officer, settings
):
    settings.SKILLREG_RATING_FOLLOWUP_WORKING_DAYS = 15
    with at(DAY):
        r = rating_submit(application=case, grade=2, comment="补正通知不清楚", actor=wuxi_institution)
    f = r.follow_up
    assert f.status == FollowUpStatus.OPEN
    # 15 working days after Tuesday 2026-12-01: three weeks later, Tuesday 2026-12-22.
    assert f.due_on == followup_due_on(DAY) == dt.date(2026, 12, 22)
    assert r in ratings_for_staff(wuxi_officer) and r in ratings_for_staff(cq_centre_officer)
    assert not ratings_for_staff(guizhou_officer).exists() and not followups_for_staff(guizhou_officer).exists()
    assert not ratings_for_staff(wuxi_institution).exists()
    with at(DAY), pytest.raises(PermissionDeniedError):
        followup_transition(follow_up=f, action="visit", note="x", actor=guizhou_officer)
    with at(DAY), pytest.raises(TransitionNotAllowed) as exc:
        followup_transition(follow_up=f, action="close", note="x", actor=wuxi_officer)
    assert exc.value.code == "FOLLOWUP_TRANSITION_NOT_ALLOWED"
    with at(DAY), pytest.raises(ValidationFailed) as exc:
        followup_transition(follow_up=f, action="visit", note=" ", actor=wuxi_officer)
    assert exc.value.code == "FOLLOWUP_NOTE_REQUIRED"
    stats = rating_statistics(wuxi_officer)
    assert stats[0]["poor"] == 1 and stats[0]["open_followups"] == 1 and stats[0]["overdue_followups"] == 0
    with at(DAY + dt.timedelta(days=1)):
        f = followup_transition(follow_up=f, action="visit", note="已电话回访，情况属实", actor=wuxi_officer)
    assert f.status == FollowUpStatus.RECTIFYING and f.visit_note == "已电话回访，情况属实"
    with at(dt.date(2026, 12, 23)):
        assert rating_statistics(wuxi_officer)[0]["overdue_followups"] == 1
        f = followup_transition(follow_up=f, action="close", note="已修订补正告知书模板并反馈", actor=wuxi_officer)
    assert f.status == FollowUpStatus.CLOSED and f.closed_at is not None
    assert [e.to_status for e in f.events.all()] == ["awaiting_visit", "in_rectification", "fed_back"]
    with at(dt.date(2026, 12, 23)), pytest.raises(TransitionNotAllowed):
        followup_transition(follow_up=f, action="close", note="again", actor=wuxi_officer)
    assert rating_statistics(wuxi_officer)[0]["open_followups"] == 0
    assert AuditRecord.objects.filter(action__startswith="rating.followup_").count() == 2


def test_statistics_count_grades_and_the_satisfaction_rate(case, wuxi_institution, wuxi_officer):
    other = testing.make_institution_user("sv_rater2", region_code="500238", seed=78)
    second = _ended(other)
    with at(DAY):
        rating_submit(application=case, grade=4, comment="", actor=wuxi_institution)
        rating_submit(application=second, grade=1, comment="办理太慢", actor=other)
    (s,) = rating_statistics(wuxi_officer)
    assert s["total"] == 2 and s["poor"] == 1 and s["satisfied_rate"] == "50.0%"
    assert dict(s["by_grade"]) == {"非常满意": 0, "满意": 1, "基本满意": 0, "不满意": 0, "非常不满意": 1}


def test_the_pages_rate_and_follow_up(client, case, wuxi_institution, wuxi_officer, other_institution):
    app = case
    url = reverse("supervision:rate_case", args=[app.pk])
    client.force_login(other_institution)
    assert client.get(url).status_code == 404
    client.force_login(wuxi_institution)
    with at(DAY):
        home = client.get(reverse("supervision:home")).content.decode()
        assert f'id="rate-{app.pk}"' in home and "未评价" in home
        bad = client.post(url, {"grade": "1", "comment": ""})
        assert bad.status_code == 422 and "请写明不满意的事项" in bad.content.decode()
        assert 'id="comment-error"' in bad.content.decode()
        ok = client.post(url, {"grade": "1", "comment": "材料被退回三次"}, follow=True)
        assert "您的评价" in ok.content.decode() and "非常不满意" in ok.content.decode()
        again = client.post(url, {"grade": "5", "comment": ""}, follow=True)
    assert ServiceRating.objects.get().grade == 1 and "每个办件只能评价一次" in again.content.decode()
    client.force_login(wuxi_officer)
    f = RatingFollowUp.objects.get()
    with at(DAY):
        page = client.get(reverse("supervision:ratings")).content.decode()
        assert "材料被退回三次" in page and f'id="followup-{f.pk}"' in page
        furl = reverse("supervision:followup", args=[f.pk])
        empty = client.post(furl, {"action": "visit", "note": ""})
        assert empty.status_code == 422 and "请填写回访核实情况" in empty.content.decode()
        client.post(furl, {"action": "visit", "note": "已回访"})
        client.post(furl, {"action": "close", "note": "已整改并电话反馈"})
    f.refresh_from_db()
    assert f.status == FollowUpStatus.CLOSED
    client.force_login(wuxi_institution)
    assert "已整改并电话反馈" in client.get(url).content.decode()


def test_staff_export_ratings_xlsx(client, case, wuxi_institution, wuxi_officer, guizhou_officer):
    with at(DAY):
        rating_submit(application=case, grade=2, comment="=HYPERLINK(1)", actor=wuxi_institution)
    client.force_login(wuxi_officer)
    response = client.get(reverse("supervision:export", args=["ratings"]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][4] == "评价等级" and rows[1][4] == "不满意" and rows[1][5] == "'=HYPERLINK(1)"
    client.force_login(guizhou_officer)
    again = client.get(reverse("supervision:export", args=["ratings"]))
    assert len(list(load_workbook(io.BytesIO(again.content)).active.iter_rows(values_only=True))) == 1
    client.force_login(wuxi_institution)
    assert client.get(reverse("supervision:export", args=["ratings"])).status_code == 404
