"""The supervisor's report from the site (督导报告, 人社职司便函〔2020〕53号): on-site record, problems found, photos,
verdict — once per assignment; staff may open a rectification (supervision's ``rectification_order``, CQ-30)
from a problem found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import column_limit, length_error, raise_length_errors
from skillreg.core.uploads import remove_stored, store_upload
from skillreg.supervision.services.rectification import rectification_order

from ..models import AssignmentStatus, QualityReport, ReportPhoto, ReportProblem, SupervisorAssignment, Verdict
from ._common import ensure_staff
from .assignments import assignment_transition

MAX_PHOTOS = 12
PHOTO_TYPES = {"image/jpeg", "image/png"}


def report_file(
    *,
    assignment: SupervisorAssignment,
    actor: Any,
    onsite_record: str,
    verdict: str,
    problems: Sequence[str] = (),
    photos: Sequence[tuple[IO[bytes], str]] = (),
) -> QualityReport:
    """File the report of ``assignment`` (its supervisor only, once, from the plan's first day on)."""
    if not scope.is_quality_supervisor(actor) or assignment.supervisor.user_id != actor.pk:
        raise PermissionDeniedError("只有被选派的质量督导员可以提交督导报告", code="REPORT_NOT_ALLOWED")
    if assignment.status == AssignmentStatus.REPORTED:
        raise TransitionNotAllowed("已提交过本计划的督导报告，不能重复提交", code="REPORT_ALREADY_FILED")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise TransitionNotAllowed("该选派已撤回（回避），不能提交督导报告", code="ASSIGNMENT_TRANSITION")
    if clock.today() < assignment.plan.starts_on:
        raise ValidationFailed(
            f"评价活动自 {assignment.plan.starts_on:%Y-%m-%d} 开始，开始后才能提交现场督导报告",
            code="REPORT_BEFORE_EVALUATION",
        )
    onsite_record = (onsite_record or "").strip()
    if not onsite_record:
        raise ValidationFailed("请填写现场督导记录", code="REPORT_RECORD_REQUIRED", field="onsite_record")
    if verdict not in Verdict.values:
        raise ValidationFailed("请选择督导结论", code="REPORT_VERDICT_REQUIRED", field="verdict")
    found = [p.strip() for p in problems if p and p.strip()]
    limit = column_limit(ReportProblem, "description")
    raise_length_errors(
        [
            e
            for n, p in enumerate(found, start=1)
            if (e := length_error(p, limit=limit, field="problems", label=f"第{n}条问题")) is not None
        ]
    )
    if verdict != Verdict.COMPLIANT and not found:
        raise ValidationFailed(
            "结论为存在问题时，请逐条填写发现的问题", code="REPORT_PROBLEMS_REQUIRED", field="problems"
        )
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"照片最多 {MAX_PHOTOS} 张", code="REPORT_TOO_MANY_PHOTOS", field="photos")
    stored = []
    try:
        for fileobj, name in photos:
            s = store_upload(fileobj, name, subdir="quality")
            stored.append(s)
            if s.content_type not in PHOTO_TYPES:
                raise ValidationFailed(
                    f"“{name}”不是照片（按文件内容识别），现场照片仅接受 JPG、PNG",
                    code="REPORT_PHOTO_TYPE",
                    field="photos",
                )
        with transaction.atomic():
            assignment_transition(assignment=assignment, action="report", actor=actor)
            report = QualityReport.objects.create(
                assignment=assignment,
                onsite_record=onsite_record,
                verdict=verdict,
                filed_at=clock.now(),
                filed_by=actor,
            )
            for i, text in enumerate(found, start=1):
                ReportProblem.objects.create(report=report, seq=i, description=text)
            for s in stored:
                ReportPhoto.objects.create(
                    report=report,
                    storage_name=s.storage_name,
                    original_name=s.original_name,
                    content_type=s.content_type,
                    size=s.size,
                    sha256=s.sha256,
                )
            audit_record(
                actor=actor,
                action="quality.report",
                obj=report,
                summary=f"提交评价计划 {assignment.plan.number} 的督导报告",
                after={"verdict": verdict, "problems": len(found), "files": len(stored)},
            )
    except BaseException:
        for s in stored:
            remove_stored(s.storage_name)
        raise
    return report


def problem_open_rectification(
    *, problem: ReportProblem, actor: Any, requirements: str, due_on: dt.date | None = None
) -> ReportProblem:
    """Staff order the plan's institution to rectify (CQ-30) on the ground of this problem."""
    ensure_staff(actor)
    plan = problem.report.assignment.plan
    if problem.rectification_id:
        raise TransitionNotAllowed("已据此问题责令整改", code="PROBLEM_ALREADY_RECTIFYING")
    with transaction.atomic():
        rect = rectification_order(
            filing=plan.filing,
            reason=f"质量督导发现（评价计划 {plan.number}）：{problem.description}",
            requirements=requirements,
            due_on=due_on,
            actor=actor,
        )
        locked = ReportProblem.objects.select_for_update().get(pk=problem.pk)
        locked.rectification = rect
        locked.save(update_fields=["rectification"])
        audit_record(
            actor=actor,
            action="quality.problem_rectify",
            obj=locked.report,
            summary=f"据督导发现的问题 {locked.seq} 责令 {plan.filing.name} 整改",
            after={"seq": locked.seq, "due_on": due_on},
            rule="CQ-30",
        )
    return locked
