"""The register of external quality supervisors (外部质量督导员名录, 人社职司便函〔2020〕53号): enrol (selection,
term, areas, login account), trainings, declared conflicts, and ``supervisor_transition`` — the only writer of
``ExternalSupervisor.status``. Each in one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit
from skillreg.core.validators import clean_id_number
from skillreg.institutions.models import Filing

from ..models import (
    ConflictKind,
    ExternalSupervisor,
    SupervisorConflict,
    SupervisorStatus,
    SupervisorStatusChange,
    SupervisorTraining,
)
from ..workflow import SUPERVISOR_TRANSITIONS
from ._common import ensure_own_register, ensure_staff


def _required(value: str, message: str, code: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code, field=field)
    return value


def _fits(value: str, model: Any, field: str, label: str) -> str:
    """``value`` when it fits ``model.field``'s column, else ``TEXT_TOO_LONG`` (never cut)."""
    return check_length(value, limit=column_limit(model, field), field=field, label=label)


def supervisor_enrol(
    *,
    actor: Any,
    number: str,
    name: str,
    id_number: str,
    unit_name: str,
    selected_on: dt.date,
    selection_basis: str,
    term_from: dt.date,
    term_to: dt.date,
    phone: str = "",
    unit_uscc: str = "",
    occupations: Iterable[Any] = (),
    regions: Iterable[Any] = (),
    user: Any = None,
) -> ExternalSupervisor:
    """Put a selected person on the actor's authority's register for a term, for some occupations / regions
    (none = every occupation / the authority's whole region)."""
    ensure_staff(actor)
    number = _required(number, "请填写督导员编号", "SUPERVISOR_NUMBER_REQUIRED", "number")
    _fits(number, ExternalSupervisor, "number", "督导员编号")
    name = _fits(_required(name, "请填写姓名", "SUPERVISOR_NAME_REQUIRED", "name"), ExternalSupervisor, "name", "姓名")
    id_number = clean_id_number(id_number, field="id_number")
    unit_name = _required(unit_name, "请填写工作单位", "SUPERVISOR_UNIT_REQUIRED", "unit_name")
    _fits(unit_name, ExternalSupervisor, "unit_name", "工作单位")
    selection_basis = _required(selection_basis, "请填写遴选依据", "SUPERVISOR_BASIS_REQUIRED", "selection_basis")
    _fits(selection_basis, ExternalSupervisor, "selection_basis", "遴选依据")
    phone = (phone or "").strip()
    if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise ValidationFailed("手机号应为11位数字", code="SUPERVISOR_PHONE_INVALID", field="phone")
    if term_to < term_from:
        raise ValidationFailed("聘期止不能早于聘期起", code="SUPERVISOR_TERM_INVALID", field="term_to")
    if selected_on > term_from:
        raise ValidationFailed("遴选日期不能晚于聘期起", code="SUPERVISOR_SELECTION_AFTER_TERM", field="selected_on")
    regions = list(regions)
    for region in regions:
        if not scope.region_contains(actor.authority, region):
            raise ValidationFailed(
                f"督导地区“{region.name}”不在本机关管辖范围内", code="SUPERVISOR_REGION_OUTSIDE", field="regions"
            )
    if user is not None and not scope.is_quality_supervisor(user):
        raise ValidationFailed("登录账号须为质量督导员账号", code="SUPERVISOR_ACCOUNT_ROLE", field="user")
    try:
        with transaction.atomic():
            sup = ExternalSupervisor.objects.create(
                authority=actor.authority,
                number=number,
                name=name,
                id_number=id_number,
                phone=phone,
                unit_name=unit_name,
                unit_uscc=(unit_uscc or "").strip().upper(),
                selected_on=selected_on,
                selection_basis=selection_basis,
                term_from=term_from,
                term_to=term_to,
                user=user,
                created_at=clock.now(),
                created_by=actor,
            )
            sup.occupations.set(list(occupations))
            sup.regions.set(regions)
            SupervisorStatusChange.objects.create(
                supervisor=sup, to_status=SupervisorStatus.ACTIVE, reason="遴选聘任", at=clock.now(), by=actor
            )
            audit_record(
                actor=actor,
                action="quality.supervisor_enrol",
                obj=sup,
                summary=f"外部质量督导员 {number} {name} 列入名录",
                after={"number": number, "term_from": term_from, "term_to": term_to, "status": sup.status},
            )
    except IntegrityError:
        raise ValidationFailed(
            "该督导员编号或该人员已在本机关名录中（或登录账号已关联其他督导员）",
            code="SUPERVISOR_DUPLICATE",
            field="number",
        ) from None
    return sup


def training_record(
    *, supervisor: ExternalSupervisor, trained_on: dt.date, title: str, hours: int, actor: Any, certificate_no: str = ""
) -> SupervisorTraining:
    ensure_own_register(actor, supervisor)
    title = _fits(
        _required(title, "请填写培训内容", "TRAINING_TITLE_REQUIRED", "title"), SupervisorTraining, "title", "培训内容"
    )
    certificate_no = _fits((certificate_no or "").strip(), SupervisorTraining, "certificate_no", "培训证书编号")
    if trained_on > clock.today():
        raise ValidationFailed("培训日期不能晚于今天", code="TRAINING_DATE_IN_FUTURE", field="trained_on")
    if not hours or hours < 1:
        raise ValidationFailed("学时至少为 1", code="TRAINING_HOURS_INVALID", field="hours")
    with transaction.atomic():
        row = SupervisorTraining.objects.create(
            supervisor=supervisor,
            trained_on=trained_on,
            title=title,
            hours=hours,
            certificate_no=certificate_no,
            recorded_at=clock.now(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="quality.training",
            obj=supervisor,
            summary=f"{supervisor.number} 参加培训：{row.title}",
            after={"trained_on": trained_on, "hours": hours},
        )
    return row


def conflict_declare(
    *, supervisor: ExternalSupervisor, filing: Filing, kind: str, reason: str, actor: Any
) -> SupervisorConflict:
    """A declared conflict or prior relationship with a filed institution: never sent to its plans."""
    ensure_own_register(actor, supervisor)
    if not scope.supervises(actor, filing):
        raise PermissionDeniedError("该机构不在本机关监管范围内", code="QUALITY_NOT_ALLOWED")
    if kind not in ConflictKind.values:
        raise ValidationFailed("请选择回避事由", code="CONFLICT_KIND_INVALID", field="kind")
    reason = _required(reason, "请填写回避说明", "CONFLICT_REASON_REQUIRED", "reason")
    _fits(reason, SupervisorConflict, "reason", "回避说明")
    try:
        with transaction.atomic():
            row = SupervisorConflict.objects.create(
                supervisor=supervisor,
                filing=filing,
                kind=kind,
                reason=reason,
                declared_at=clock.now(),
                declared_by=actor,
            )
            audit_record(
                actor=actor,
                action="quality.conflict",
                obj=supervisor,
                summary=f"{supervisor.number} 回避 {filing.code}",
                after={"filing": filing.code, "kind": kind},
            )
    except IntegrityError:
        raise ValidationFailed("已登记该机构的回避", code="CONFLICT_DUPLICATE", field="filing") from None
    return row


def supervisor_transition(
    *, supervisor: ExternalSupervisor, action: str, reason: str, actor: Any
) -> ExternalSupervisor:
    """Suspend, reinstate or dismiss: the only writer of ``ExternalSupervisor.status``."""
    ensure_own_register(actor, supervisor)
    t = SUPERVISOR_TRANSITIONS.get(action)
    if t is None:
        raise ValidationFailed("未知的操作", code="SUPERVISOR_ACTION_UNKNOWN", field="action")
    reason = _fits(
        _required(reason, "请填写原因", "SUPERVISOR_REASON_REQUIRED", "reason"),
        SupervisorStatusChange,
        "reason",
        "原因",
    )
    with transaction.atomic():
        locked = ExternalSupervisor.objects.select_for_update().get(pk=supervisor.pk)
        if locked.status not in t.sources:
            raise TransitionNotAllowed(
                f"督导员当前状态为“{locked.get_status_display()}”，不能{t.label}", code="SUPERVISOR_TRANSITION"
            )
        before = locked.status
        locked.status = t.target
        locked.save(update_fields=["status"])
        SupervisorStatusChange.objects.create(
            supervisor=locked, from_status=before, to_status=t.target, reason=reason, at=clock.now(), by=actor
        )
        audit_record(
            actor=actor,
            action="quality.supervisor_status",
            obj=locked,
            summary=f"{locked.number} {t.label}：{reason}",
            before={"status": before},
            after={"status": t.target, "reason": reason},
        )
    return locked
