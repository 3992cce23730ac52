"""Writes of the certificate registry: evaluation batches and revocation. Imports are in ``imports.py``.

Each service validates, writes in one transaction and records the audit entry in it. An institution acts
only for its own unit's filing, staff only for filings of their region and below (CQ-4 "谁评价，谁发证，谁负责").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.models import EvaluationType, Filing
from skillreg.occupations.models import Occupation

from .context import load_facts
from .models import Certificate, CertificateStatus
from .rows import LEVEL_NAMES, validity_faults


def check_actor_for_filing(actor: Any, filing: Filing) -> None:
    """Institution users act for their own unit, staff for their region and below; a string actor is the
    system (command line)."""
    if isinstance(actor, str):
        return
    if scope.is_institution(actor) and actor.unit_id == filing.unit_id:
        return
    if scope.supervises(actor, filing):
        return
    # Administrators and superusers write no certificate data (issue 12 item 2).
    raise PermissionDeniedError("无权为该评价机构办理此事项", code="CERT_NOT_ALLOWED")


def _int(value: Any, label: str, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}应为整数", code="BATCH_COUNT_INVALID", field=field) from None
    if number < 0:
        raise ValidationFailed(f"{label}不能为负数", code="BATCH_COUNT_INVALID", field=field)
    return number


def batch_create(
    *,
    filing: Filing,
    actor: Any,
    number: str,
    occupation_code: str,
    level: int,
    starts_on: dt.date,
    ends_on: dt.date,
    applicants: int,
    passes: int,
    evaluation_type: str = EvaluationType.SKILL_LEVEL,
) -> EvaluationPlan:
    """Register an evaluation batch (评价计划) inside the filed scope, validity and outside rectification."""
    check_actor_for_filing(actor, filing)
    errors: list[ValidationFailed] = []
    number = (number or "").strip()
    if not number or len(number) > 40:
        errors.append(
            ValidationFailed("请填写评价计划编号（不超过40字）", code="BATCH_NUMBER_REQUIRED", field="number")
        )
    facts = load_facts(filing)
    occ = facts.occupations.get((occupation_code or "").strip())
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        errors.append(ValidationFailed("等级应为1–5", code="LEVEL_INVALID", field="level"))
    if occ is None:
        errors.append(
            ValidationFailed("职业编码不在《职业分类大典》目录中", code="OCCUPATION_UNKNOWN", field="occupation")
        )
    else:
        filed = facts.scope.get(occ.code) or (facts.scope.get(occ.parent_code) if occ.parent_code else None)
        if filed is None:
            errors.append(
                ValidationFailed(
                    f"{occ.code} {occ.name} 不在本机构备案范围内", code="OCCUPATION_OUT_OF_SCOPE", field="occupation"
                )
            )
        elif 1 <= level <= 5 and level not in filed:
            errors.append(
                ValidationFailed(
                    f"本机构 {occ.name} 未备案{LEVEL_NAMES[level]}", code="LEVEL_OUT_OF_SCOPE", field="level"
                )
            )
    if evaluation_type not in filing.evaluation_types:
        errors.append(
            ValidationFailed("本机构未备案该评价类型", code="EVALUATION_TYPE_NOT_FILED", field="evaluation_type")
        )
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        errors.append(ValidationFailed("请填写评价开始和结束日期", code="BATCH_DATES_REQUIRED", field="starts_on"))
    elif ends_on < starts_on:
        errors.append(ValidationFailed("评价结束日期不能早于开始日期", code="BATCH_DATES_INVALID", field="ends_on"))
    else:
        for day, field in ((starts_on, "starts_on"), (ends_on, "ends_on")):
            for code, message in validity_faults(facts, day):
                if code != "CERT_DURING_RECTIFICATION":
                    errors.append(ValidationFailed(message, code=code, field=field))
        for start, end in facts.rectifications:
            if start <= ends_on and (end is None or starts_on <= end):
                errors.append(
                    ValidationFailed(
                        "评价日期与整改期重叠，整改期内不得开展评价活动",
                        code="BATCH_DURING_RECTIFICATION",
                        field="starts_on",
                    )
                )
                break
    try:
        applicants = _int(applicants, "报考人数", "applicants")
        passes = _int(passes, "合格人数", "passes")
        if passes > applicants:
            errors.append(
                ValidationFailed("合格人数不能多于报考人数", code="BATCH_PASSES_GT_APPLICANTS", field="passes")
            )
    except ValidationFailed as exc:
        errors.append(exc)
    if errors:
        raise ValidationFailed(
            "评价计划信息有误，请按提示修改", code="BATCH_INVALID", errors=[e.as_dict() for e in errors]
        )
    try:
        with transaction.atomic():
            batch = EvaluationPlan.objects.create(
                filing=filing,
                number=number,
                occupation=Occupation.objects.get(pk=occ.id),  # type: ignore[union-attr]
                level=level,
                evaluation_type=evaluation_type,
                starts_on=starts_on,
                ends_on=ends_on,
                applicants=applicants,
                passes=passes,
                created_at=clock.now(),
                created_by=None if isinstance(actor, str) else actor,
            )
            audit_record(
                actor=actor,
                action="certificate.batch.create",
                obj=batch,
                summary=f"{filing.name} 登记评价计划 {number}",
                after={
                    "number": number,
                    "occupation": occupation_code,
                    "level": level,
                    "dates": [starts_on, ends_on],
                    "applicants": applicants,
                    "passes": passes,
                },
                rule="CQ-4",
            )
    except IntegrityError:
        raise ValidationFailed("本机构已有相同编号的评价计划", code="BATCH_NUMBER_TAKEN", field="number") from None
    return batch


def batch_record_results(*, batch: EvaluationPlan, actor: Any, applicants: int, passes: int) -> EvaluationPlan:
    """Record the final applicant and pass counts of a batch; passes never below the certificates registered."""
    check_actor_for_filing(actor, batch.filing)
    applicants = _int(applicants, "报考人数", "applicants")
    passes = _int(passes, "合格人数", "passes")
    if passes > applicants:
        raise ValidationFailed("合格人数不能多于报考人数", code="BATCH_PASSES_GT_APPLICANTS", field="passes")
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=batch.pk)
        issued = Certificate.objects.filter(batch=locked, status=CertificateStatus.VALID).count()
        if passes < issued:
            raise ValidationFailed(
                f"该评价计划已登记{issued}张有效证书，合格人数不能少于证书数",
                code="BATCH_PASSES_LT_CERTIFICATES",
                field="passes",
            )
        before = {"applicants": locked.applicants, "passes": locked.passes}
        locked.applicants, locked.passes = applicants, passes
        locked.save(update_fields=["applicants", "passes"])
        audit_record(
            actor=actor,
            action="certificate.batch.results",
            obj=locked,
            summary=f"评价计划 {locked.number} 报考 {applicants} 人，合格 {passes} 人",
            before=before,
            after={"applicants": applicants, "passes": passes},
        )
    return locked


def certificates_publish_staged(*, job_id: int, id_from: int, id_to: int) -> int:
    """An all-or-nothing import's staged rows (ids in ``[id_from, id_to)``) become valid, once the job's
    ``done`` status is committed (``staging.publish`` calls this a bounded window at a time; issue 12, item 3).
    No audit record of its own: the job's final record is the decision being carried out."""
    with transaction.atomic():
        return Certificate.objects.filter(
            import_job_id=job_id, status=CertificateStatus.STAGED, id__gte=id_from, id__lt=id_to
        ).update(status=CertificateStatus.VALID)


def certificate_revoke(
    *, certificate: Certificate, reason: str, actor: Any, revoked_on: dt.date | None = None
) -> Certificate:
    """Revoke a certificate (撤销) with a reason; it then verifies as revoked. Never deleted."""
    check_actor_for_filing(actor, certificate.filing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤销原因", code="REVOKE_REASON_REQUIRED", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("撤销原因不超过500字", code="REVOKE_REASON_TOO_LONG", field="reason")
    today = clock.today()
    revoked_on = revoked_on or today
    if revoked_on > today or revoked_on < certificate.issue_date:
        raise ValidationFailed("撤销日期应在发证日期与今天之间", code="REVOKE_DATE_INVALID", field="revoked_on")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise TransitionNotAllowed("该证书已撤销", code="CERT_ALREADY_REVOKED")
        locked.status = CertificateStatus.REVOKED
        locked.revoked_on = revoked_on
        locked.revoked_reason = reason
        locked.revoked_by = None if isinstance(actor, str) else actor
        locked.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_by"])
        audit_record(
            actor=actor,
            action="certificate.revoke",
            obj=locked,
            summary=f"撤销证书 {locked.number}",
            before={"status": CertificateStatus.VALID},
            after={"status": CertificateStatus.REVOKED, "revoked_on": revoked_on, "reason": reason},
            rule="CQ-4",
        )
    return locked
