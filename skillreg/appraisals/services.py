"""Writes of periodic evaluation (AH-4.2, HN-2) and of the Huainan self-check (HN-2, 附件1).

``appraisal_start`` opens the draft of one institution and year with the scheme in force and the pre-filled items;
``appraisal_score`` saves the staff's scores; ``appraisal_confirm`` is the one writer of ``Appraisal.status``
(draft → confirmed, row lock, history row and audit record in one transaction). ``self_check_submit`` stores the
institution's yearly self-check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import length_error

from . import workflow
from .models import Appraisal, AppraisalHistory, AppraisalStatus, SelfCheck
from .providers import prefill
from .scheme import grade_for, scheme_for, total
from .selfcheck import CODES, ITEMS

NOTE_MAX = 500  # a scorer's note, a self-check gap (stored in JSON: the limit is ours)
REMEDY_MAX = 5000  # SelfCheck.remedy (a TextField)


def _rule(snapshot: Mapping[str, Any]) -> str:
    return "HN-2" if snapshot.get("pack") == "hn-2025" else "AH-4.2"


def _check_year(filing: Any, year: int) -> None:
    if year < filing.filed_on.year:
        raise ValidationFailed(
            f"{year}年早于该机构的备案年度（{filing.filed_on.year}年），不能评估",
            code="YEAR_BEFORE_FILING",
            field="year",
        )
    if year > clock.today().year:
        raise ValidationFailed(f"{year}年度尚未开始，不能评估", code="YEAR_IN_FUTURE", field="year")


def _ensure_staff(actor: Any, filing: Any) -> None:
    if not scope.is_staff_member(actor) or not scope.supervises(actor, filing):
        raise PermissionDeniedError("仅该机构的监管部门工作人员可以评估", code="APPRAISAL_NOT_ALLOWED")


def appraisal_start(*, filing: Any, year: int, actor: Any) -> Appraisal:
    """The draft of ``filing``'s periodic evaluation for ``year`` (the existing one if already started)."""
    _ensure_staff(actor, filing)
    _check_year(filing, year)
    existing = Appraisal.objects.filter(filing=filing, year=year).first()
    if existing is not None:
        return existing
    scheme = scheme_for(filing.region.code, min(dt.date(year, 12, 31), clock.today()))
    if scheme is None:
        raise ValidationFailed("该地区适用的规范性文件未规定定期评估方案", code="NO_APPRAISAL_SCHEME")
    snapshot = scheme.snapshot()
    scores: dict[str, Any] = {}
    for item in snapshot["items"]:
        p = prefill(item.get("prefill"), filing, year, item["max_score"])
        scores[item["code"]] = {
            "score": p.score if p else None,
            "note": "",
            "prefill": p.as_dict() if p else None,
        }
    now = clock.now()
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(
                filing=filing,
                year=year,
                authority_id=actor.authority_id,
                scheme=snapshot,
                scheme_version=snapshot["version"],
                scores=scores,
                created_at=now,
                created_by=actor,
                updated_at=now,
            )
            AppraisalHistory.objects.create(appraisal=appraisal, to_status=AppraisalStatus.DRAFT, at=now, actor=actor)
            audit_record(
                actor=actor,
                action="appraisal.start",
                obj=appraisal,
                summary=f"开始{filing.name}{year}年度定期评估（{snapshot['label']}第{snapshot['version']}版）",
                after={"year": year, "scheme_version": snapshot["version"]},
                rule=_rule(snapshot),
            )
    except IntegrityError:  # started at the same moment by someone else
        return Appraisal.objects.get(filing=filing, year=year)
    return appraisal


def _parse_scores(appraisal: Appraisal, data: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """``data``: item code → (score text, note). Every error at once; nothing is written when one fails."""
    errors = []
    out = {}
    for item in appraisal.scheme["items"]:
        code = item["code"]
        current = dict(appraisal.scores.get(code) or {})
        raw, note = data.get(code, ("", ""))
        raw, note = (raw or "").strip(), (note or "").strip()
        too_long = length_error(note, limit=NOTE_MAX, field=f"note_{code}", label=f"{item['label']}的评分理由")
        if too_long:
            errors.append(too_long)
            continue
        score: int | None = None
        if raw:
            try:
                score = int(raw)
            except ValueError:
                errors.append({"field": f"score_{code}", "message": f"{item['label']}：评分应为整数"})
                continue
            if not 0 <= score <= item["max_score"]:
                errors.append(
                    {"field": f"score_{code}", "message": f"{item['label']}：评分应在0至{item['max_score']}分之间"}
                )
                continue
        pre = current.get("prefill") or {}
        if score is not None and not note and (pre.get("score") is None or pre.get("score") != score):
            why = (
                "系统无预填数据"
                if not pre
                else "与系统预填分不同"
                if pre.get("score") is not None
                else "系统仅提供数据"
            )
            errors.append({"field": f"note_{code}", "message": f"{item['label']}：{why}，请说明评分理由"})
            continue
        current.update(score=score, note=note)
        out[code] = current
    if errors:
        raise ValidationFailed("评分有误，请按提示修改", code="APPRAISAL_SCORES_INVALID", errors=errors)
    return out


def appraisal_score(*, appraisal: Appraisal, data: Mapping[str, tuple[str, str]], actor: Any) -> Appraisal:
    _ensure_staff(actor, appraisal.filing)
    with transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if locked.status != AppraisalStatus.DRAFT:
            raise TransitionNotAllowed("评估结果已确认，不能再修改评分", code="APPRAISAL_CONFIRMED")
        scores = _parse_scores(locked, data)
        before = {c: v.get("score") for c, v in locked.scores.items()}
        points = total(locked.scheme, {c: v["score"] for c, v in scores.items()})
        Appraisal.objects.filter(pk=locked.pk).update(
            scores=scores,
            total=Decimal(str(points)) if points is not None else None,
            grade=grade_for(locked.scheme, points) if points is not None else "",
            updated_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="appraisal.score",
            obj=locked,
            summary=f"{locked.filing.name}{locked.year}年度定期评估评分"
            + (f"：{points:g}分" if points is not None else ""),
            before=before,
            after={c: v["score"] for c, v in scores.items()},
            rule=_rule(locked.scheme),
        )
    locked.refresh_from_db()
    return locked


def appraisal_confirm(*, appraisal: Appraisal, actor: Any) -> Appraisal:
    """draft → confirmed, once; every item must be scored (an item without data carries the scorer's note)."""
    _ensure_staff(actor, appraisal.filing)
    with transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if not workflow.allowed(locked.status, workflow.CONFIRMED):
            raise TransitionNotAllowed("该年度定期评估结果已确认，不能重复确认", code="APPRAISAL_ALREADY_CONFIRMED")
        missing = [
            {"field": f"score_{i['code']}", "message": f"{i['label']}：尚未评分"}
            for i in locked.scheme["items"]
            if (locked.scores.get(i["code"]) or {}).get("score") is None
        ]
        if missing:
            raise ValidationFailed("尚有评估项未评分，不能确认", code="APPRAISAL_INCOMPLETE", errors=missing)
        now = clock.now()
        Appraisal.objects.filter(pk=locked.pk).update(
            status=AppraisalStatus.CONFIRMED, confirmed_at=now, confirmed_by=actor, updated_at=now
        )
        AppraisalHistory.objects.create(
            appraisal=locked, from_status=locked.status, to_status=AppraisalStatus.CONFIRMED, at=now, actor=actor
        )
        audit_record(
            actor=actor,
            action="appraisal.confirm",
            obj=locked,
            summary=f"确认{locked.filing.name}{locked.year}年度定期评估结果：{locked.total}分，{locked.grade}",
            before={"status": locked.status},
            after={"status": AppraisalStatus.CONFIRMED, "total": str(locked.total), "grade": locked.grade},
            rule=_rule(locked.scheme),
        )
    locked.refresh_from_db()
    return locked


def self_check_submit(
    *, filing: Any, year: int, answers: Mapping[str, tuple[bool, str]], remedy: str, actor: Any
) -> SelfCheck:
    """The institution's self-check for ``year`` against HN 附件1 (HN-2); a resubmission replaces the answers."""
    if not scope.is_institution(actor) or getattr(actor, "unit_id", None) != filing.unit_id:
        raise PermissionDeniedError("仅本机构用户可以填报自查", code="SELF_CHECK_NOT_ALLOWED")
    _check_year(filing, year)
    scheme = scheme_for(filing.region.code, min(dt.date(year, 12, 31), clock.today()))
    if scheme is None or not scheme.asks_self_check:  # only where the rules ask for one (HN-2)
        raise ValidationFailed("该机构适用的管理办法未要求年度自查", code="SELF_CHECK_NOT_REQUIRED", field="year")
    errors = []
    stored: dict[str, Any] = {}
    for item in ITEMS:
        met, note = answers.get(item.code, (True, ""))
        note = (note or "").strip()
        too_long = length_error(note, limit=NOTE_MAX, field=f"note_{item.code}", label=f"{item.label}的说明")
        if too_long:
            errors.append(too_long)
        elif not met and not note:
            errors.append({"field": f"note_{item.code}", "message": f"{item.label}：不符合的，请说明差距"})
        stored[item.code] = {"met": bool(met), "note": note}
    remedy = (remedy or "").strip()
    too_long = length_error(remedy, limit=REMEDY_MAX, field="remedy", label="补缺补差措施")
    if too_long:
        errors.append(too_long)
    elif any(not a["met"] for a in stored.values()) and not remedy:
        errors.append({"field": "remedy", "message": "有不符合项的，请填写补缺补差措施"})
    if errors:
        raise ValidationFailed("自查表有误，请按提示修改", code="SELF_CHECK_INVALID", errors=errors)
    assert set(stored) == set(CODES)  # noqa: S101
    now = clock.now()
    with transaction.atomic():
        previous = SelfCheck.objects.select_for_update().filter(filing=filing, year=year).first()
        before = previous.answers if previous else None
        check, _created = SelfCheck.objects.update_or_create(
            filing=filing,
            year=year,
            defaults={"answers": stored, "remedy": remedy, "submitted_at": now, "submitted_by": actor},
        )
        audit_record(
            actor=actor,
            action="appraisal.self_check",
            obj=check,
            summary=f"提交{year}年度通用条件自查（不符合{check.unmet}项）",
            before=before,
            after=stored,
            rule="HN-2",
        )
    return check
