"""Register, draw, designation, report and rectification through the services (issue 14 part 2;
人社职司便函〔2020〕53号). Bad input: own institution, nobody eligible, term expired, report twice, 50 MB photo."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from skillreg.audit.models import AuditRecord
from skillreg.core import testing
from skillreg.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.institutions.models import FilingStatus
from skillreg.quality import selectors
from skillreg.quality.models import (
    AssignmentStatus,
    ConflictKind,
    QualityReport,
    ReportPhoto,
    SupervisorAssignment,
    SupervisorStatus,
)
from skillreg.quality.services.assignments import (
    assignment_designate,
    assignment_recuse,
    draw_commit,
    draw_run,
)
from skillreg.quality.services.register import conflict_declare, supervisor_transition, training_record
from skillreg.quality.services.reports import problem_open_rectification, report_file

from .conftest import PLAN_START, TODAY, enrol, make_plan

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def drawn(plan, officer, count=1):
    with at(TODAY):
        return draw_run(row=draw_commit(plan=plan, count=count, actor=officer), actor=officer)


def test_register_encrypts_and_masks_personal_data(wuxi_officer, supervisors):
    sup = supervisors[0]
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM quality_externalsupervisor WHERE id = %s", [sup.pk])
        raw_id, raw_phone = cur.fetchone()
    assert str(sup.id_number) not in raw_id and "13900000001" not in raw_phone
    assert AuditRecord.objects.filter(action="quality.supervisor_enrol").count() == 3


def test_bad_id_number_is_refused(wuxi_officer):
    with pytest.raises(ValidationFailed) as exc:
        enrol(wuxi_officer, 9, id_number="500238199801011230")
    assert exc.value.field == "id_number"


def test_term_must_be_ordered(wuxi_officer):
    with pytest.raises(ValidationFailed) as exc:
        enrol(wuxi_officer, 9, term_from=dt.date(2027, 1, 1), term_to=dt.date(2026, 1, 1))
    assert exc.value.code == "SUPERVISOR_TERM_INVALID"


def test_other_authority_cannot_manage_the_register(supervisors, guizhou_officer):
    with pytest.raises(PermissionDeniedError):
        training_record(
            supervisor=supervisors[0], trained_on=dt.date(2026, 1, 1), title="培训", hours=8, actor=guizhou_officer
        )
    assert not selectors.supervisors_for(guizhou_officer).exists()


@pytest.mark.req("CQ-3")
def test_draw_is_reproducible_and_excludes_the_conflicted(plan, wuxi_officer, supervisors, cq_filing):
    with at(TODAY):
        conflict_declare(
            supervisor=supervisors[0],
            filing=cq_filing,
            kind=ConflictKind.PRIOR,
            reason="曾任该校教师",
            actor=wuxi_officer,
        )
    row = drawn(plan, wuxi_officer, count=2)
    chosen = set(row.result["chosen"])
    assert chosen == {"WX-DD-002", "WX-DD-003"}
    assert ["WX-DD-001", "recused"] in row.result["excluded"]
    assert SupervisorAssignment.objects.filter(plan=plan).count() == 2
    check = selectors.draw_check(row)
    assert check.ok
    assert not selectors.draw_check(row, "another seed").seed_matches
    with pytest.raises(TransitionNotAllowed):
        with at(TODAY):
            draw_run(row=row, actor=wuxi_officer)


def test_supervisor_of_the_institutions_own_unit_is_refused(plan, wuxi_officer, supervisors, cq_filing):
    with at(dt.date(2026, 1, 20)):
        own = enrol(wuxi_officer, 7, unit_name=cq_filing.unit.name, unit_uscc=cq_filing.unit.uscc)
    with at(TODAY), pytest.raises(ValidationFailed) as exc:
        assignment_designate(plan=plan, supervisor=own, reason="熟悉该职业", actor=wuxi_officer)
    assert exc.value.code == "SUPERVISOR_OWN_INSTITUTION"
    assert "不能选派其督导本单位的评价活动" in exc.value.message
    assert not SupervisorAssignment.objects.filter(supervisor=own).exists()


def test_no_eligible_supervisor_writes_nothing(plan, wuxi_officer, cq_filing):
    with at(dt.date(2026, 1, 20)):
        enrol(wuxi_officer, 7, unit_uscc=cq_filing.unit.uscc)
        enrol(wuxi_officer, 8, term_to=dt.date(2026, 5, 31))
    with at(TODAY):
        row = draw_commit(plan=plan, count=1, actor=wuxi_officer)
        with pytest.raises(ValidationFailed) as exc:
            draw_run(row=row, actor=wuxi_officer)
    assert exc.value.code == "DRAW_NOT_ENOUGH_SUPERVISORS"
    assert "聘期未覆盖评价日期 1 名" in exc.value.message and "须回避" in exc.value.message
    row.refresh_from_db()
    assert not row.drawn and not SupervisorAssignment.objects.exists()


def test_expired_term_is_refused_by_name(plan, wuxi_officer):
    with at(dt.date(2026, 1, 20)):
        old = enrol(wuxi_officer, 8, term_to=dt.date(2026, 5, 31))
    with at(TODAY), pytest.raises(ValidationFailed) as exc:
        assignment_designate(plan=plan, supervisor=old, reason="指定", actor=wuxi_officer)
    assert exc.value.code == "SUPERVISOR_TERM_EXPIRED" and "2026-05-31" in exc.value.message


def test_suspended_and_booked_supervisors_are_left_out(plan, wuxi_officer, supervisors, cq_filing):
    with at(TODAY):
        supervisor_transition(supervisor=supervisors[0], action="suspend", reason="本人申请", actor=wuxi_officer)
        with pytest.raises(TransitionNotAllowed):
            supervisor_transition(supervisor=supervisors[0], action="suspend", reason="再次", actor=wuxi_officer)
    first = drawn(plan, wuxi_officer, count=1)
    other = make_plan(cq_filing, number="P2026-002", start=dt.date(2026, 6, 11), end=dt.date(2026, 6, 12))
    second = drawn(other, wuxi_officer, count=1)
    assert first.result["chosen"] != second.result["chosen"]
    assert [first.result["chosen"][0], "booked"] in second.result["excluded"]
    supervisors[0].refresh_from_db()
    assert supervisors[0].status == SupervisorStatus.SUSPENDED


def test_plan_must_be_acknowledged(plan, wuxi_officer, supervisors):
    from skillreg.evaluations.models import EvaluationPlan, PlanStatus

    EvaluationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.REPORTED)
    plan.refresh_from_db()
    with at(TODAY), pytest.raises(TransitionNotAllowed) as exc:
        draw_commit(plan=plan, count=1, actor=wuxi_officer)
    assert exc.value.code == "PLAN_NOT_ACKNOWLEDGED"


def test_staff_of_another_region_cannot_draw(plan, guizhou_officer):
    with at(TODAY), pytest.raises(PermissionDeniedError):
        draw_commit(plan=plan, count=1, actor=guizhou_officer)


def _report(assignment, user, **kw):
    args = {"onsite_record": "考场秩序良好，视频监控正常。", "verdict": "minor", "problems": ["考评人员未佩戴工作证"]}
    args.update(kw)
    with at(PLAN_START):
        return report_file(assignment=assignment, actor=user, **args)


def test_report_once_with_photo_then_rectification(plan, wuxi_officer, supervisors, cq_filing):
    row = drawn(plan, wuxi_officer)
    a = SupervisorAssignment.objects.get(draw=row)
    user = a.supervisor.user
    report = _report(a, user, photos=[(io.BytesIO(PNG), "现场.png")])
    a.refresh_from_db()
    assert a.status == AssignmentStatus.REPORTED and report.photos.count() == 1
    with pytest.raises(TransitionNotAllowed) as exc:
        _report(a, user)
    assert exc.value.code == "REPORT_ALREADY_FILED" and "不能重复提交" in exc.value.message
    assert QualityReport.objects.count() == 1
    problem = report.problems.get()
    with at(PLAN_START):
        problem_open_rectification(
            problem=problem, requirements="规范考评人员管理", due_on=dt.date(2026, 7, 10), actor=wuxi_officer
        )
    problem.refresh_from_db()
    cq_filing.refresh_from_db()
    assert problem.rectification is not None and cq_filing.status == FilingStatus.RECTIFYING
    with pytest.raises(TransitionNotAllowed):
        with at(PLAN_START):
            problem_open_rectification(problem=problem, requirements="再次", actor=wuxi_officer)


def test_a_50_mb_photo_is_refused_and_nothing_is_kept(plan, wuxi_officer, supervisors, settings):
    row = drawn(plan, wuxi_officer)
    a = SupervisorAssignment.objects.get(draw=row)
    big = io.BytesIO(PNG + b"\x00" * (50 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        _report(a, a.supervisor.user, photos=[(big, "大照片.png")])
    assert exc.value.code == "UPLOAD_TOO_LARGE"
    a.refresh_from_db()
    assert (
        a.status == AssignmentStatus.ASSIGNED
        and not QualityReport.objects.exists()
        and not ReportPhoto.objects.exists()
    )


def test_a_pdf_is_not_a_photo(plan, wuxi_officer, supervisors):
    a = SupervisorAssignment.objects.get(draw=drawn(plan, wuxi_officer))
    with pytest.raises(ValidationFailed) as exc:
        _report(a, a.supervisor.user, photos=[(io.BytesIO(testing.PDF_BYTES), "记录.pdf")])
    assert exc.value.code == "REPORT_PHOTO_TYPE"
    assert not QualityReport.objects.exists()


def test_only_the_assigned_supervisor_reports(plan, wuxi_officer, supervisors):
    a = SupervisorAssignment.objects.get(draw=drawn(plan, wuxi_officer))
    other = next(s for s in supervisors if s.pk != a.supervisor_id)
    with pytest.raises(PermissionDeniedError):
        _report(a, other.user)
    assert not selectors.assignments_for_supervisor(other.user).exists()
    assert selectors.assignments_for_supervisor(a.supervisor.user).count() == 1


def test_problems_required_when_verdict_is_not_compliant(plan, wuxi_officer, supervisors):
    a = SupervisorAssignment.objects.get(draw=drawn(plan, wuxi_officer))
    with pytest.raises(ValidationFailed) as exc:
        _report(a, a.supervisor.user, problems=[])
    assert exc.value.code == "REPORT_PROBLEMS_REQUIRED"


def test_recusal_after_the_draw_and_a_supplementary_draw(plan, wuxi_officer, supervisors):
    first = drawn(plan, wuxi_officer)
    a = SupervisorAssignment.objects.get(draw=first)
    with at(TODAY):
        assignment_recuse(assignment=a, reason="与该校负责人系亲属", actor=a.supervisor.user)
    second = drawn(plan, wuxi_officer)
    assert second.result["chosen"] != first.result["chosen"]
    assert [a.supervisor.number, "recused"] in second.result["excluded"]
    with pytest.raises(TransitionNotAllowed):
        _report(a, a.supervisor.user)


def test_institution_sees_internal_supervisors_and_the_external_only_after(plan, wuxi_officer, supervisors, cq_filing):
    drawn(plan, wuxi_officer)
    internal = selectors.internal_supervisors(cq_filing, plan.starts_on)
    assert len(internal.names) == 3
    assert selectors.sent_after_the_fact(plan, today=plan.ends_on) == []
    assert len(selectors.sent_after_the_fact(plan, today=plan.ends_on + dt.timedelta(days=1))) == 1


@pytest.mark.req("WX-6.2.2")
def test_wuxi_minimum_of_internal_supervisors_comes_from_the_pack(cq_filing):
    internal = selectors.internal_supervisors(cq_filing, dt.date(2026, 6, 10))
    assert internal.required == 2 and not internal.short
    assert "六、（二）2" in internal.basis


@pytest.mark.req("GZ-6.6")
def test_guizhou_minimum_is_three(db):
    from skillreg.deadlines.tests.conftest import file_on

    gz_institution = testing.make_institution_user("gz_org", region_code="520100", seed=7)
    gz_officer = testing.make_staff("gy_officer", "hrss-520100", display_name="贵阳市经办人")
    filing = file_on(gz_institution, gz_officer, dt.date(2026, 3, 2))
    internal = selectors.internal_supervisors(filing, dt.date(2026, 6, 10))
    assert internal.required == 3 and "第六条第（六）项" in internal.basis


def test_errors_are_domain_errors_with_chinese_messages(plan, wuxi_officer):
    with at(TODAY), pytest.raises(DomainError) as exc:
        draw_commit(plan=plan, count=0, actor=wuxi_officer)
    assert exc.value.code == "DRAW_SAMPLE_INVALID" and "选派人数" in exc.value.message


def test_verification_command(plan, wuxi_officer, supervisors):
    from django.core.management import CommandError, call_command

    row = drawn(plan, wuxi_officer)
    out = io.StringIO()
    call_command("quality_draw_verify", str(row.pk), stdout=out)
    assert "复核通过" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("quality_draw_verify", str(row.pk), "--seed", "guess", stdout=io.StringIO())


@pytest.mark.req("CQ-7.3")
def test_chongqing_asks_for_supervisors_without_a_number(cq_centre_officer):
    from skillreg.deadlines.tests.conftest import file_on

    user = testing.make_institution_user("cq_city_org", region_code="500101", seed=31)
    filing = file_on(user, cq_centre_officer, dt.date(2026, 3, 2))
    internal = selectors.internal_supervisors(filing, dt.date(2026, 6, 10))
    assert internal.required is None and internal.review_only and not internal.short
    assert "渝人社发〔2020〕128号" in internal.basis and "第七条第（三）项" in internal.basis
