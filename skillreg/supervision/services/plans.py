"""双随机、一公开 (CQ-25, AH-4.3; 国办发〔2015〕58号): the inspector register, plans with a committed seed, the draw.

``plan_create`` generates the seed and publishes its SHA-256 in the plan notice; ``plan_draw`` (the only writer of
``InspectionPlan.status``) takes the registers as of the plan's date, runs the pure ``draw.run_draw``, stores the
register snapshot, the result and the revealed seed, creates the assignments and publishes the result notice."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit
from skillreg.institutions.models import Filing

from .. import basis, draw
from ..models import (
    Inspection,
    InspectionAssignment,
    InspectionPlan,
    InspectionSource,
    InspectorConflict,
    InspectorEntry,
    Notice,
    NoticeKind,
    NoticeTopic,
    PlanStatus,
)
from ..registers import inspectable_register, inspector_register
from .notices import notice_publish

PLAN_NOTICE_SUFFIX = "（随机抽查计划）"  # the published notice's title is the plan's title and this
# the plan's title, and the published notice's title with the suffix, both fit their column
PLAN_TITLE_MAX = min(column_limit(InspectionPlan, "title"), column_limit(Notice, "title") - len(PLAN_NOTICE_SUFFIX))


def _ensure_staff(actor: Any) -> None:
    if not scope.is_staff_member(actor) or not getattr(actor, "authority_id", None):
        raise PermissionDeniedError("仅监管部门工作人员可以管理双随机抽查", code="PLAN_NOT_ALLOWED")


def inspector_enrol(*, user: Any, number: str, actor: Any, employer_uscc: str = "") -> InspectorEntry:
    """Put an inspector-role user on the actor's authority's register of inspectors."""
    _ensure_staff(actor)
    if not scope.is_inspector(user):
        raise ValidationFailed("只能将检查人员账号列入检查人员名录", code="INSPECTOR_ROLE_REQUIRED", field="user")
    number = (number or "").strip()
    if not number:
        raise ValidationFailed("请填写人员编号", code="INSPECTOR_NUMBER_REQUIRED", field="number")
    try:
        with transaction.atomic():
            entry = InspectorEntry.objects.create(
                authority=actor.authority, user=user, number=number, employer_uscc=(employer_uscc or "").strip()
            )
            audit_record(actor=actor, action="inspector.enrol", obj=entry, summary=f"检查人员 {number} 列入名录")
    except IntegrityError:
        raise ValidationFailed("该人员编号或人员已在名录中", code="INSPECTOR_DUPLICATE", field="number") from None
    return entry


def inspector_conflict_declare(*, entry: InspectorEntry, filing: Filing, reason: str, actor: Any) -> InspectorConflict:
    """A declared conflict or prior relationship (回避): the inspector is never drawn for that institution."""
    _ensure_staff(actor)
    if entry.authority_id != actor.authority_id or not scope.supervises(actor, filing):
        raise PermissionDeniedError("不在本机关管理范围内", code="PLAN_NOT_ALLOWED")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写回避原因", code="CONFLICT_REASON_REQUIRED", field="reason")
    check_length(reason, limit=column_limit(InspectorConflict, "reason"), field="reason", label="回避原因")
    with transaction.atomic():
        conflict, _ = InspectorConflict.objects.get_or_create(
            inspector=entry, filing=filing, defaults={"reason": reason}
        )
        audit_record(
            actor=actor, action="inspector.conflict", obj=conflict, summary=f"{entry.number} 回避 {filing.code}"
        )
    return conflict


def plan_create(
    *,
    title: str,
    items: str,
    inspect_on: dt.date,
    actor: Any,
    sample_size: int | None = None,
    ratio_permille: int | None = None,
    per_target: int = 2,
    institution_kind: str = "",
    publicity_days: int = 1,
) -> InspectionPlan:
    """Create the plan and publish it with the SHA-256 of a fresh seed (the commitment)."""
    _ensure_staff(actor)
    title, items = (title or "").strip(), (items or "").strip()
    if not title:
        raise ValidationFailed("请填写计划名称", code="PLAN_TITLE_REQUIRED", field="title")
    if not items:
        raise ValidationFailed("请填写检查事项", code="PLAN_ITEMS_REQUIRED", field="items")
    check_length(title, limit=PLAN_TITLE_MAX, field="title", label="计划名称")
    try:
        draw.sample_size(1, draw.Params(size=sample_size, ratio_permille=ratio_permille, per_target=per_target))
    except draw.DrawError as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="sample_size") from None
    if per_target < 1:
        raise ValidationFailed("每个检查对象至少选派 1 名检查人员", code="DRAW_SAMPLE_INVALID", field="per_target")
    seed = secrets.token_hex(32)
    commitment = draw.seed_hash(seed)
    with transaction.atomic():
        sample = f"抽查数量 {sample_size} 家" if sample_size else f"抽查比例 {ratio_permille / 10:g}%"  # type: ignore[operator]
        notice = notice_publish(
            kind=NoticeKind.ANNOUNCEMENT,
            topic=NoticeTopic.INSPECTION_PLAN,
            title=f"{title}{PLAN_NOTICE_SUFFIX}",
            body=(
                f"检查事项：{items}\n名录基准日：{inspect_on:%Y-%m-%d}\n{sample}，每个检查对象随机选派检查人员 "
                f"{per_target} 名，实行回避。\n随机种子 SHA-256 承诺值：{commitment}\n"
                "抽取完成后公布随机种子、所用名录和抽取结果，任何人可据此复核。"
            ),
            legal_basis=basis.legal_basis("inspection_draw", region=actor.authority.region),
            actor=actor,
            ends_on=clock.today() + dt.timedelta(days=max(publicity_days, 1) - 1),
        )
        plan = InspectionPlan.objects.create(
            authority=actor.authority,
            title=title,
            items=items,
            inspect_on=inspect_on,
            institution_kind=institution_kind,
            sample_size=sample_size,
            ratio_permille=ratio_permille,
            per_target=per_target,
            seed_hash=commitment,
            seed=seed,
            plan_notice=notice,
            created_at=clock.now(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="plan.create",
            obj=plan,
            summary=f"发布双随机抽查计划：{plan.title}",
            after={"seed_hash": commitment, "inspect_on": inspect_on},
            rule="CQ-25",
        )
    return plan


def plan_params(plan: InspectionPlan) -> draw.Params:
    return draw.Params(size=plan.sample_size, ratio_permille=plan.ratio_permille, per_target=plan.per_target)


def plan_draw(*, plan: InspectionPlan, actor: Any) -> InspectionPlan:
    """Draw once: registers as of ``plan.inspect_on``, the committed seed, the pure draw; publish the result."""
    _ensure_staff(actor)
    if plan.authority_id != actor.authority_id:
        raise PermissionDeniedError("只有制定计划的机关可以抽取", code="PLAN_NOT_ALLOWED")
    with transaction.atomic():
        locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.COMMITTED:
            raise TransitionNotAllowed("该计划已抽取，不能重复抽取", code="PLAN_ALREADY_DRAWN")
        targets = inspectable_register(locked.authority, locked.inspect_on, locked.institution_kind)
        inspectors = inspector_register(locked.authority)
        try:
            result = draw.run_draw(str(locked.seed), targets, inspectors, plan_params(locked))
        except draw.DrawError as exc:
            raise ValidationFailed(exc.message, code=exc.code) from None
        filings = {f.code: f for f in Filing.objects.filter(code__in=[c for c, _ in result.assignments])}
        entries = {e.number: e for e in InspectorEntry.objects.filter(authority=locked.authority)}
        order = 0
        for code, keys in result.assignments:
            for key in keys:
                order += 1
                InspectionAssignment.objects.create(
                    plan=locked, filing=filings[code], inspector=entries[key], order=order
                )
            # The first inspector drawn leads the inspection (CQ-26 checklist and conclusion).
            Inspection.objects.create(
                filing=filings[code],
                plan=locked,
                inspector=entries[keys[0]],
                source=InspectionSource.RANDOM,
                created_at=clock.now(),
            )
        names = {t.code: t.name for t in targets}
        lines = [f"{i}. {names[c]}（{c}）：检查人员 {'、'.join(k)}" for i, (c, k) in enumerate(result.assignments, 1)]
        notice = notice_publish(
            kind=NoticeKind.ANNOUNCEMENT,
            topic=NoticeTopic.INSPECTION_RESULT,
            title=f"{locked.title}（随机抽取结果）",
            body=(
                f"随机种子：{locked.seed}\n种子 SHA-256：{locked.seed_hash}（与计划公布的承诺值一致）\n"
                f"名录摘要 SHA-256：{result.register_digest}\n抽取结果：\n" + "\n".join(lines)
            ),
            legal_basis=basis.legal_basis("inspection_draw", region=locked.authority.region),
            actor=actor,
        )
        locked.status = PlanStatus.DRAWN
        locked.registers = {
            "targets": [[t.code, t.unit, t.name] for t in targets],
            "inspectors": [[i.key, i.unit, sorted(i.conflicts), i.name] for i in inspectors],
        }
        locked.result = result.as_json()
        locked.register_digest = result.register_digest
        locked.result_notice = notice
        locked.drawn_at = clock.now()
        locked.save(update_fields=["status", "registers", "result", "register_digest", "result_notice", "drawn_at"])
        audit_record(
            actor=actor,
            action="plan.draw",
            obj=locked,
            summary=f"双随机抽取：{locked.title}，抽中 {len(result.assignments)} 家",
            before={"status": PlanStatus.COMMITTED},
            after={"status": PlanStatus.DRAWN, "register_digest": result.register_digest},
            rule="CQ-25",
        )
    return locked
