"""Inspections (CQ-26, CQ-28): opened by a draw or proposed by another department; concluded by their inspector
with the checklist, findings and evidence. "Ordered to rectify" or "serious" opens the rectification (CQ-30) in the
same transaction. ``inspection_conclude`` is the only writer of ``Inspection.status``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit, length_error, raise_length_errors

from .. import basis
from ..checklist import CQ26_ITEMS
from ..models import Conclusion, Inspection, InspectionEvidence, InspectionSource, InspectionStatus, InspectorEntry
from ._files import attach_stored, stored_uploads
from .credit import credit_record
from .rectification import rectification_order

CHECKLIST_NOTE_MAX = 500  # the note of one checklist item (stored in Inspection.checklist's JSON)


def inspection_propose(
    *, filing: Any, inspector: InspectorEntry, department: str, proposal: str, actor: Any
) -> Inspection:
    """有关部门建议检查 (CQ-28): staff of the supervising region open an inspection on another department's proposal."""
    if not scope.supervises(actor, filing):
        raise PermissionDeniedError("该机构不在本机关监管范围内", code="INSPECTION_NOT_ALLOWED")
    if inspector.authority_id != actor.authority_id or not inspector.active:
        raise ValidationFailed("请选择本机关名录中的检查人员", code="INSPECTOR_INVALID", field="inspector")
    department, proposal = (department or "").strip(), (proposal or "").strip()
    if not department or not proposal:
        raise ValidationFailed("请填写建议部门和建议检查事由", code="PROPOSAL_REQUIRED", field="proposal")
    if (
        inspector.employer_uscc
        and inspector.employer_uscc == filing.unit.uscc
        or inspector.conflicts.filter(filing=filing).exists()
    ):
        raise ValidationFailed("该检查人员须回避该机构", code="INSPECTOR_RECUSED", field="inspector")
    department = check_length(
        (department or "").strip(), limit=column_limit(Inspection, "proposed_by"), field="department", label="建议部门"
    )
    with transaction.atomic():
        inspection = Inspection.objects.create(
            filing=filing,
            inspector=inspector,
            source=InspectionSource.PROPOSED,
            proposed_by=department,
            proposal=proposal,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="inspection.propose",
            obj=inspection,
            summary=f"{department}建议检查 {filing.name}（{filing.code}）",
            rule="CQ-28",
        )
    return inspection


def inspection_conclude(
    *,
    inspection: Inspection,
    actor: Any,
    checklist: Mapping[str, Mapping[str, Any]],
    findings: str,
    conclusion: str,
    requirements: str = "",
    due_on: dt.date | None = None,
    files: Sequence[tuple[Any, str]] = (),
) -> Inspection:
    """Record the checklist, findings and conclusion. Every CQ-26 item must be answered; a conclusion other than
    "compliant" needs findings, requirements and a rectification period, and opens the rectification."""
    if not scope.is_inspector(actor) or inspection.inspector.user_id != actor.pk:
        raise PermissionDeniedError("只有本次检查的检查人员可以作出检查结论", code="INSPECTION_NOT_ALLOWED")
    if conclusion not in Conclusion.values:
        raise ValidationFailed("请选择检查结论", code="CONCLUSION_REQUIRED", field="conclusion")
    missing = [label for key, label in CQ26_ITEMS if key not in checklist]
    if missing:
        raise ValidationFailed(
            f"请逐项填写检查项目，尚缺：{missing[0]}", code="CHECKLIST_INCOMPLETE", field="checklist"
        )
    findings = (findings or "").strip()
    items = {
        key: {"ok": bool(checklist[key].get("ok")), "note": str(checklist[key].get("note", ""))}
        for key, _label in CQ26_ITEMS
    }
    raise_length_errors(
        [
            e
            for key, label in CQ26_ITEMS
            if (e := length_error(str(items[key]["note"]), limit=CHECKLIST_NOTE_MAX, field=f"note_{key}", label=label))
            is not None
        ]
    )
    failed = [k for k, v in items.items() if not v["ok"]]
    if conclusion == Conclusion.COMPLIANT and failed:
        raise ValidationFailed(
            "有检查项目不符合要求，结论不能为“未发现问题”", code="CONCLUSION_INCONSISTENT", field="conclusion"
        )
    if conclusion != Conclusion.COMPLIANT and not findings:
        raise ValidationFailed("请填写检查发现的问题", code="FINDINGS_REQUIRED", field="findings")
    if conclusion != Conclusion.COMPLIANT and (not (requirements or "").strip() or due_on is None):
        raise ValidationFailed(
            "责令整改须写明整改要求和整改期限", code="RECTIFICATION_TERMS_REQUIRED", field="requirements"
        )
    with stored_uploads(files, subdir="inspections") as stored, transaction.atomic():
        locked = Inspection.objects.select_for_update().select_related("inspector").get(pk=inspection.pk)
        if locked.status != InspectionStatus.OPEN:
            raise TransitionNotAllowed("该检查已作出结论", code="INSPECTION_CONCLUDED")
        rect = None
        if conclusion != Conclusion.COMPLIANT:
            rect = rectification_order(
                filing=locked.filing,
                reason=findings,
                requirements=requirements,
                due_on=due_on,
                actor=actor,
                inspection=locked,
            )
        locked.status = InspectionStatus.CONCLUDED
        locked.checklist = items
        locked.findings = findings
        locked.conclusion = conclusion
        locked.rectification = rect
        locked.concluded_at = clock.now()
        locked.save(update_fields=["status", "checklist", "findings", "conclusion", "rectification", "concluded_at"])
        attach_stored(InspectionEvidence, stored, inspection=locked)
        credit_record(
            filing=locked.filing,
            kind={"compliant": "inspection_compliant", "rectify": "inspection_rectify"}.get(
                conclusion, "inspection_serious"
            ),
            on=clock.today(),
            basis=basis.legal_basis("inspection", filing=locked.filing),
            source=locked,
            note=findings[:300],
        )
        audit_record(
            actor=actor,
            action="inspection.conclude",
            obj=locked,
            summary=f"检查结论：{locked.get_conclusion_display()}（{locked.filing.code}）",
            before={"status": InspectionStatus.OPEN},
            after={"status": InspectionStatus.CONCLUDED, "conclusion": conclusion, "failed_items": failed},
            rule="CQ-26",
        )
    return locked
