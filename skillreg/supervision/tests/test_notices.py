"""Public notices (公示/公告) and objections (CQ-11 公示, CQ-12 published, CQ-30 announced)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import NoticeKind, NoticeTopic, ObjectionStatus
from skillreg.supervision.selectors import objection_for_staff, objection_lookup, objections_for_staff, public_notices
from skillreg.supervision.services.notices import notice_publish, objection_answer, objection_submit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _publicity(officer, **kw):
    with at(DAY):
        return notice_publish(
            kind=NoticeKind.PUBLICITY,
            topic=NoticeTopic.SELECTION,
            title="社会培训评价组织遴选结果公示",
            body="拟遴选以下机构……",
            legal_basis="渝人社发〔2020〕128号 第十一条",
            actor=officer,
            **kw,
        )


@pytest.mark.req("CQ-11")
def test_objection_in_period_is_tracked_by_code_and_answered(wuxi_officer, guizhou_officer):
    notice = _publicity(wuxi_officer)
    assert (notice.starts_on, notice.ends_on) == (DAY, DAY + dt.timedelta(days=4))
    with at(notice.ends_on, 23):  # the last day counts, Shanghai time
        lodged = objection_submit(
            notice=notice, body="该机构场地不符合要求", submission_key="k1", name="王某", contact="13900000000"
        )
    assert lodged.query_code and not lodged.repeated
    assert objection_lookup(lodged.objection.tracking_no, lodged.query_code) == lodged.objection
    assert objection_lookup(lodged.objection.tracking_no, "WRONG123") is None
    assert objection_lookup(lodged.objection.tracking_no, lodged.query_code.lower()) is not None
    with pytest.raises(PermissionDeniedError):
        objection_answer(objection=lodged.objection, answer="x", actor=guizhou_officer)
    assert not objections_for_staff(guizhou_officer).exists()
    answered = objection_answer(
        objection=objection_for_staff(wuxi_officer, lodged.objection.pk),
        answer="经核查，场地符合要求",
        actor=wuxi_officer,
    )
    assert answered.status == ObjectionStatus.ANSWERED
    with pytest.raises(TransitionNotAllowed):
        objection_answer(objection=answered, answer="again", actor=wuxi_officer)


@pytest.mark.req("CQ-11")
def test_objection_after_the_period_or_to_an_announcement_is_refused(wuxi_officer):
    notice = _publicity(wuxi_officer)
    with at(notice.ends_on + dt.timedelta(days=1), 0), pytest.raises(ValidationFailed) as exc:
        objection_submit(notice=notice, body="迟到的异议", submission_key="late")
    assert exc.value.code == "OBJECTION_AFTER_PERIOD" and "结束" in exc.value.message
    with at(DAY):
        ann = notice_publish(
            kind=NoticeKind.ANNOUNCEMENT,
            topic=NoticeTopic.OTHER,
            title="公告",
            body="正文",
            legal_basis="依据",
            actor=wuxi_officer,
        )
        with pytest.raises(ValidationFailed) as exc:
            objection_submit(notice=ann, body="x", submission_key="ann")
    assert exc.value.code == "OBJECTION_NOT_PUBLICITY"


def test_double_submit_lodges_one_anonymous_objection(wuxi_officer):
    notice = _publicity(wuxi_officer)
    with at(DAY):
        first = objection_submit(notice=notice, body="异议", submission_key="same")
        second = objection_submit(notice=notice, body="异议", submission_key="same")
    assert second.repeated and second.objection == first.objection and second.query_code == ""
    assert first.objection.anonymous and notice.objections.count() == 1


def test_a_notice_starts_today_or_later_and_needs_its_fields(wuxi_officer, wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        _publicity(wuxi_officer, starts_on=DAY - dt.timedelta(days=1))
    assert exc.value.code == "NOTICE_START_IN_PAST"
    with pytest.raises(ValidationFailed) as exc:
        _publicity(wuxi_officer, ends_on=DAY - dt.timedelta(days=1))
    assert exc.value.code == "NOTICE_PERIOD_INVALID"
    with pytest.raises(PermissionDeniedError):
        _publicity(wuxi_institution)
    future = _publicity(wuxi_officer, starts_on=DAY + dt.timedelta(days=3))
    with at(DAY):
        assert future not in public_notices()
        with pytest.raises(ValidationFailed) as exc:
            objection_submit(notice=future, body="x", submission_key="early")
    assert exc.value.code == "OBJECTION_BEFORE_PERIOD"


def test_attachments_are_type_checked_and_nothing_is_half_written(wuxi_officer, settings):
    with pytest.raises(ValidationFailed) as exc:
        _publicity(wuxi_officer, attachments=[(testing.upload(b"MZ\x90\x00 not a pdf", "a.pdf"), "a.pdf")])
    assert exc.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    with at(DAY):
        assert not public_notices().exists()
