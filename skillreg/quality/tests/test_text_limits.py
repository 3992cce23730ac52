"""Quality supervision refuses what is too long instead of cutting it (each limit is its column's max_length):
a report's problems, a training's title, a conflict's or a status change's reason, a recusal reason."""

from __future__ import annotations

import pytest

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import ValidationFailed
from skillreg.core.textlimits import column_limit
from skillreg.deadlines.tests.conftest import at
from skillreg.quality.models import (
    AssignmentStatus,
    ExternalSupervisor,
    QualityReport,
    ReportProblem,
    SupervisorAssignment,
    SupervisorConflict,
    SupervisorStatus,
    SupervisorStatusChange,
    SupervisorTraining,
)
from skillreg.quality.services.assignments import assignment_recuse
from skillreg.quality.services.register import conflict_declare, supervisor_transition, training_record

from .conftest import TODAY, enrol
from .test_services import _report, drawn

pytestmark = pytest.mark.django_db


def _too_long(exc: pytest.ExceptionInfo[ValidationFailed], field: str, limit: int) -> None:
    assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == field
    assert f"不能超过 {limit} 字（现为 {limit + 1} 字）" in exc.value.message


def test_a_problem_over_its_column_is_refused_and_nothing_is_filed(plan, wuxi_officer, supervisors):
    a = SupervisorAssignment.objects.get(draw=drawn(plan, wuxi_officer))
    limit = column_limit(ReportProblem, "description")
    with pytest.raises(ValidationFailed) as exc:
        _report(a, a.supervisor.user, problems=["考评人员未佩戴工作证", "问" * (limit + 1)])
    _too_long(exc, "problems", limit)
    assert exc.value.details["errors"][0]["message"].startswith("第2条问题")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ASSIGNED and not QualityReport.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="quality.report").exists()
    report = _report(a, a.supervisor.user, problems=["问" * limit])
    assert report.problems.get().description == "问" * limit


def test_register_texts_over_their_columns_are_refused_and_at_the_limit_kept(wuxi_officer, supervisors, cq_filing):
    sup = supervisors[0]
    title_max = column_limit(SupervisorTraining, "title")
    reason_max = column_limit(SupervisorStatusChange, "reason")
    conflict_max = column_limit(SupervisorConflict, "reason")
    with at(TODAY):
        with pytest.raises(ValidationFailed) as exc:
            training_record(supervisor=sup, trained_on=TODAY, title="训" * (title_max + 1), hours=8, actor=wuxi_officer)
        _too_long(exc, "title", title_max)
        with pytest.raises(ValidationFailed) as exc:
            supervisor_transition(supervisor=sup, action="suspend", reason="因" * (reason_max + 1), actor=wuxi_officer)
        _too_long(exc, "reason", reason_max)
        with pytest.raises(ValidationFailed) as exc:
            conflict_declare(
                supervisor=sup, filing=cq_filing, kind="other", reason="亲" * (conflict_max + 1), actor=wuxi_officer
            )
        _too_long(exc, "reason", conflict_max)
        assert not SupervisorTraining.objects.exists() and not SupervisorConflict.objects.exists()
        sup.refresh_from_db()
        assert sup.status == SupervisorStatus.ACTIVE
        assert not AuditRecord.objects.filter(
            action__in=["quality.training", "quality.supervisor_status", "quality.conflict"]
        ).exists()
        row = training_record(supervisor=sup, trained_on=TODAY, title="训" * title_max, hours=8, actor=wuxi_officer)
        supervisor_transition(supervisor=sup, action="suspend", reason="因" * reason_max, actor=wuxi_officer)
    assert row.title == "训" * title_max
    assert SupervisorStatusChange.objects.filter(supervisor=sup).latest("at").reason == "因" * reason_max


def test_enrolment_refuses_a_unit_name_over_its_column(wuxi_officer):
    limit = column_limit(ExternalSupervisor, "unit_name")
    with at(TODAY), pytest.raises(ValidationFailed) as exc:
        enrol(wuxi_officer, 77, unit_name="单" * (limit + 1))
    _too_long(exc, "unit_name", limit)
    assert not ExternalSupervisor.objects.filter(number="WX-DD-077").exists()


def test_a_recusal_reason_over_its_column_is_refused_and_the_assignment_stays(plan, wuxi_officer, supervisors):
    a = SupervisorAssignment.objects.get(draw=drawn(plan, wuxi_officer))
    limit = column_limit(SupervisorAssignment, "recusal_reason")
    with at(TODAY):
        with pytest.raises(ValidationFailed) as exc:
            assignment_recuse(assignment=a, reason="亲" * (limit + 1), actor=a.supervisor.user)
        _too_long(exc, "reason", limit)
        a.refresh_from_db()
        assert a.status == AssignmentStatus.ASSIGNED and not SupervisorConflict.objects.exists()
        assignment_recuse(assignment=a, reason="亲" * limit, actor=a.supervisor.user)
    a.refresh_from_db()
    assert a.recusal_reason == "亲" * limit
    assert SupervisorConflict.objects.get(supervisor=a.supervisor).reason == "亲" * limit
