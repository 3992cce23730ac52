"""Writes of evaluation plans (issue 14): report, acknowledge / return, withdraw, live links (WX-7.3),
results notice, results and roster, results review. Each validates first, then writes in one transaction
with its audit record; status moves go through ``workflow.plan_transition`` only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length
from skillreg.core.uploads import remove_stored, store_upload
from skillreg.institutions.models import EvaluationType, Filing
from skillreg.institutions.selectors import filing_timeline
from skillreg.occupations.models import Occupation

from . import roster as roster_io
from .checks import examiner_key, person_index, plan_faults, with_person_index
from .models import ACTIVE, EvaluationPlan, PlanStatus, RosterEntry
from .workflow import next_status, plan_transition

RULE = "CQ-4"
LINKS_NOTE_MAX = 2000  # the live links' note (a TextField): the form's maxlength is the same


def report_days_before() -> int:
    """A plan reported fewer than this many days before it starts is flagged late (docs/decisions.md)."""
    return int(getattr(settings, "SKILLREG_PLAN_REPORT_DAYS_BEFORE", 15))


def results_publicity_days() -> int:
    return int(getattr(settings, "SKILLREG_RESULTS_PUBLICITY_DAYS", 5))


def evaluation_over_at(plan: EvaluationPlan) -> dt.datetime:
    """When the plan's evaluation is over: its end time, or — on plans registered without times — the end of
    its last evaluation day (midnight after ``ends_on``, Asia/Shanghai)."""
    if plan.ends_at is not None:
        return plan.ends_at
    return timezone.make_aware(dt.datetime.combine(plan.ends_on + dt.timedelta(days=1), dt.time(0)))


def evaluation_over(plan: EvaluationPlan) -> bool:
    return clock.now() >= evaluation_over_at(plan)


def _ensure_over(plan: EvaluationPlan) -> None:
    """Results (the pass list and the roster) exist only once the evaluation is over (docs/decisions.md)."""
    if not evaluation_over(plan):
        over = timezone.localtime(evaluation_over_at(plan))
        raise TransitionNotAllowed(
            f"评价尚未结束（评价结束时间 {over:%Y-%m-%d %H:%M}），评价结束后方可公示和报备评价结果",
            code="PLAN_NOT_ENDED",
        )


def _own_institution(actor: Any, filing: Filing) -> None:
    if isinstance(actor, str):
        return
    if scope.is_institution(actor) and actor.unit_id == filing.unit_id:
        return
    raise PermissionDeniedError("仅本评价机构可以办理此事项", code="PLAN_NOT_ALLOWED")


def _staff(actor: Any, filing: Filing) -> None:
    if not scope.is_staff_member(actor) or not scope.supervises(actor, filing):
        raise PermissionDeniedError("该评价机构不在本机关监管范围内", code="PLAN_NOT_ALLOWED")


def _aware(value: Any, field: str, label: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    raise ValidationFailed(f"请填写{label}", code="PLAN_TIME_REQUIRED", field=field)


def examiner_gap() -> dt.timedelta:
    """Two bookings of one examiner closer than this clash too (``SKILLREG_EXAMINER_MIN_GAP_MINUTES``, default 0:
    only overlapping times clash; the law sets no travel or rest time, docs/decisions.md)."""
    return dt.timedelta(minutes=int(getattr(settings, "SKILLREG_EXAMINER_MIN_GAP_MINUTES", 0)))


def overlapping_plans(plan_like: Any, *, exclude: int | None = None) -> list[EvaluationPlan]:
    """Active plans whose evaluation time overlaps [starts_at, ends_at) widened by ``examiner_gap()`` (dates when
    times are missing)."""
    gap = examiner_gap()
    qs = EvaluationPlan.objects.filter(
        status__in=ACTIVE, starts_on__lte=plan_like.ends_on, ends_on__gte=plan_like.starts_on
    ).select_related("filing")
    if exclude:
        qs = qs.exclude(pk=exclude)
    out = []
    for other in qs:
        if plan_like.starts_at and plan_like.ends_at and other.starts_at and other.ends_at:
            if not (other.starts_at < plan_like.ends_at + gap and plan_like.starts_at < other.ends_at + gap):
                continue
        out.append(other)
    return out


def double_bookings(plan_like: Any, filing: Filing, *, exclude: int | None = None) -> list[ValidationFailed]:
    """Examiners of this plan already booked at an overlapping time: in another plan of the institution (an
    examiner of the filing by certificate code, else by name), or — the same person, by the blind index of the
    ID number registered with each filing — in a plan of another institution. The other institution's plan is
    not named (it is not the institution's to see); docs/decisions.md, "Evaluation oversight"."""
    mine = {examiner_key(e): e for e in plan_like.examiners}
    people = {person_index(e): e for e in plan_like.examiners if person_index(e)}
    out: list[ValidationFailed] = []
    told: set[tuple[str, int]] = set()
    for other in overlapping_plans(plan_like, exclude=exclude):
        for e in other.examiners:
            key, index = examiner_key(e), person_index(e)
            if other.filing_id == filing.pk and (key in mine or index in people):
                me = mine.get(key) or people[index]
                if (examiner_key(me), other.pk) in told:
                    continue
                told.add((examiner_key(me), other.pk))
                out.append(
                    ValidationFailed(
                        f"考评人员“{me.get('name', '')}”在 {other.filing.name} 的评价计划 {other.number}"
                        f"（{other.starts_on:%Y-%m-%d}至{other.ends_on:%Y-%m-%d}）中已有安排，时间重叠",
                        code="PLAN_EXAMINER_DOUBLE_BOOKED",
                        field="examiners",
                    )
                )
            elif other.filing_id != filing.pk and index and index in people:
                me = people[index]
                if (examiner_key(me), 0) in told:  # once per person, however many plans elsewhere
                    continue
                told.add((examiner_key(me), 0))
                out.append(
                    ValidationFailed(
                        f"考评人员“{me.get('name', '')}”：该考评人员在同一时间已安排其他评价活动",
                        code="PLAN_EXAMINER_DOUBLE_BOOKED",
                        field="examiners",
                    )
                )
    return out


class _PlanLike:
    def __init__(self, **kw: Any):
        self.__dict__.update(kw)


def plan_report(
    *,
    filing: Filing,
    actor: Any,
    number: str,
    occupation_code: str,
    level: Any,
    starts_at: Any,
    ends_at: Any,
    venue: str,
    expected_candidates: Any,
    examiners: list[dict[str, Any]],
    supervisors: list[str],
    evaluation_type: str = EvaluationType.SKILL_LEVEL,
    video_link: str = "",
    data_link: str = "",
    plan: EvaluationPlan | None = None,
) -> EvaluationPlan:
    """Report an evaluation plan (评价计划报备) — a new one, or a returned one again with corrections.

    Refused with every fault at once (``PLAN_INVALID`` with ``errors``) when it fails the automatic checks
    for any evaluation day (scope, validity, rectification, wrap-up, examiners, venue) or double-books an
    examiner. Reported fewer than ``SKILLREG_PLAN_REPORT_DAYS_BEFORE`` days before it starts: flagged late."""
    _own_institution(actor, filing)
    if plan is not None and next_status(plan.status, "report") is None:
        raise TransitionNotAllowed("该评价计划已报备，不能重复报备", code="PLAN_ALREADY_REPORTED")
    errors: list[ValidationFailed] = []
    number = (number or "").strip()
    if not number or len(number) > 40:
        errors.append(ValidationFailed("请填写评价计划编号（不超过40字）", code="PLAN_NUMBER_REQUIRED", field="number"))
    occ = Occupation.objects.select_related("parent").filter(code=(occupation_code or "").strip()).first()
    if occ is None:
        errors.append(
            ValidationFailed("职业编码不在《职业分类大典》目录中", code="OCCUPATION_UNKNOWN", field="occupation")
        )
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        errors.append(ValidationFailed("等级应为1–5", code="LEVEL_INVALID", field="level"))
    if evaluation_type not in EvaluationType.values:
        errors.append(ValidationFailed("请选择评价类型", code="PLAN_TYPE_INVALID", field="evaluation_type"))
    start = end = None
    try:
        start, end = _aware(starts_at, "starts_at", "评价开始时间"), _aware(ends_at, "ends_at", "评价结束时间")
        if end <= start:
            errors.append(ValidationFailed("评价结束时间应晚于开始时间", code="PLAN_TIMES_INVALID", field="ends_at"))
            start = end = None
    except ValidationFailed as exc:
        errors.append(exc)
    try:
        expected = int(expected_candidates)
        if expected < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(
            ValidationFailed("预计参评人数应为正整数", code="PLAN_CANDIDATES_INVALID", field="expected_candidates")
        )
        expected = 0
    venue = (venue or "").strip()
    if not venue:
        errors.append(ValidationFailed("请选择评价场地", code="PLAN_VENUE_REQUIRED", field="venue"))
    examiners = [
        {"name": str(e.get("name", "")).strip(), "certificate_code": str(e.get("certificate_code", "")).strip()}
        for e in examiners or []
        if str(e.get("name", "")).strip()
    ]
    if not examiners:
        errors.append(ValidationFailed("请选择考评人员", code="PLAN_EXAMINERS_REQUIRED", field="examiners"))
    supervisors = [str(s).strip() for s in supervisors or [] if str(s).strip()]
    if not supervisors:
        errors.append(ValidationFailed("请选择内部质量督导员", code="PLAN_SUPERVISORS_REQUIRED", field="supervisors"))
    if occ is not None and 1 <= level <= 5 and start is not None and end is not None:
        local = timezone.localtime
        starts_on, ends_on = local(start).date(), local(end).date()
        errors += plan_faults(
            filing=filing,
            occupation=occ,
            level=level,
            evaluation_type=evaluation_type,
            starts_on=starts_on,
            ends_on=ends_on,
            venue=venue,
            examiners=examiners,
            supervisors=supervisors,
        )
        examiners = with_person_index(filing_timeline(filing).on(starts_on).version, examiners)
        like = _PlanLike(starts_on=starts_on, ends_on=ends_on, starts_at=start, ends_at=end, examiners=examiners)
        errors += double_bookings(like, filing, exclude=plan.pk if plan else None)
    if errors:
        raise ValidationFailed(
            "评价计划未通过核验，请按提示修改", code="PLAN_INVALID", errors=[e.as_dict() for e in errors]
        )
    if occ is None or start is None or end is None:  # unreachable: each has added an error above
        raise ValidationFailed("评价计划信息不完整", code="PLAN_INVALID")
    now = clock.now()
    starts_on, ends_on = timezone.localtime(start).date(), timezone.localtime(end).date()
    late = (starts_on - timezone.localtime(now).date()).days < report_days_before()
    values = {
        "number": number,
        "occupation": occ,
        "level": level,
        "evaluation_type": evaluation_type,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "starts_at": start,
        "ends_at": end,
        "venue": venue,
        "expected_candidates": expected,
        "examiners": examiners,
        "supervisors": supervisors,
        "video_link": (video_link or "").strip(),
        "data_link": (data_link or "").strip(),
        "reported_at": now,
        "reported_late": late,
        "report_checks": [{"passed": True, "days": (ends_on - starts_on).days + 1}],
    }
    try:
        with transaction.atomic():
            if plan is None:
                plan = EvaluationPlan.objects.create(
                    filing=filing, created_at=now, created_by=None if isinstance(actor, str) else actor, **values
                )
            else:
                plan = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
            fields = {k: v for k, v in values.items() if k != "number" or plan.number != v}
            plan_transition(
                plan=plan,
                action="report",
                actor=actor,
                fields=fields,
                audit_after={
                    "number": number,
                    "occupation": occ.code,
                    "level": level,
                    "dates": [starts_on, ends_on],
                    "venue": venue,
                    "examiners": len(examiners),
                    "late": late,
                },
                rule=RULE,
            )
    except IntegrityError:
        raise ValidationFailed("本机构已有相同编号的评价计划", code="PLAN_NUMBER_TAKEN", field="number") from None
    return plan


def _locked(plan: EvaluationPlan) -> EvaluationPlan:
    return EvaluationPlan.objects.select_for_update().select_related("filing", "occupation").get(pk=plan.pk)


def plan_acknowledge(*, plan: EvaluationPlan, actor: Any) -> EvaluationPlan:
    """Staff acknowledge a reported plan; refused while one of its examiners is booked at an overlapping time
    in another plan (of this or another institution: a plan reported meanwhile), as at report time."""
    _staff(actor, plan.filing)
    with transaction.atomic():
        locked = _locked(plan)
        clashes = (
            double_bookings(locked, locked.filing, exclude=locked.pk) if locked.status == PlanStatus.REPORTED else []
        )
        if clashes:
            raise ValidationFailed(
                "考评人员时间冲突，不能确认该评价计划，请退回机构调整",
                code="PLAN_INVALID",
                errors=[e.as_dict() for e in clashes],
            )
        return plan_transition(plan=locked, action="acknowledge", actor=actor, rule=RULE)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise ValidationFailed("请填写退回理由（不超过1000字）", code="PLAN_REASON_REQUIRED", field="reason")
    return reason


def plan_return(*, plan: EvaluationPlan, actor: Any, reason: str) -> EvaluationPlan:
    _staff(actor, plan.filing)
    reason = _reason(reason)
    with transaction.atomic():
        return plan_transition(plan=_locked(plan), action="return", actor=actor, reason=reason, rule=RULE)


def plan_withdraw(*, plan: EvaluationPlan, actor: Any, reason: str = "") -> EvaluationPlan:
    _own_institution(actor, plan.filing)
    with transaction.atomic():
        return plan_transition(plan=_locked(plan), action="withdraw", actor=actor, reason=(reason or "").strip())


def plan_links_update(
    *,
    plan: EvaluationPlan,
    actor: Any,
    video_link: str,
    data_link: str,
    note: str = "",
    evidence: tuple[IO[bytes], str] | None = None,
) -> EvaluationPlan:
    """WX-7.3: the plan's links to the venue video and the evaluation data system, and the evidence that they
    were connected (a screenshot or a document). The system stores links and evidence, never video."""
    _own_institution(actor, plan.filing)
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import URLValidator

    check = URLValidator(schemes=["http", "https", "rtsp"])
    errors = []
    for value, field in ((video_link, "video_link"), (data_link, "data_link")):
        value = (value or "").strip()
        if value:
            try:
                check(value)
            except DjangoValidationError:
                errors.append(
                    ValidationFailed(
                        "链接格式不正确（应以 http://、https:// 或 rtsp:// 开头）",
                        code="PLAN_LINK_INVALID",
                        field=field,
                    )
                )
    if errors:
        raise ValidationFailed("接入信息有误", code="PLAN_LINK_INVALID", errors=[e.as_dict() for e in errors])
    note = check_length((note or "").strip(), limit=LINKS_NOTE_MAX, field="note", label="说明")
    stored = store_upload(evidence[0], evidence[1], subdir="evaluation-evidence") if evidence else None
    try:
        with transaction.atomic():
            locked = _locked(plan)
            if locked.status in (PlanStatus.WITHDRAWN, PlanStatus.CLOSED):
                raise TransitionNotAllowed("该评价计划已结束，不能修改接入信息", code="PLAN_CLOSED")
            locked.video_link, locked.data_link = (video_link or "").strip(), (data_link or "").strip()
            locked.links_note = note
            update = ["video_link", "data_link", "links_note", "links_updated_at"]
            if stored is not None:
                locked.links_evidence, locked.links_evidence_name = stored.storage_name, stored.original_name
                update += ["links_evidence", "links_evidence_name"]
            locked.links_updated_at = clock.now()
            locked.save(update_fields=update)
            audit_record(
                actor=actor,
                action="evaluation.plan.links",
                obj=locked,
                summary=f"评价计划 {locked.number} 更新视频监控和考务数据接入信息",
                after={"video_link": locked.video_link, "data_link": locked.data_link, "evidence": bool(stored)},
                rule="WX-7.3",
            )
    except BaseException:
        if stored is not None:
            remove_stored(stored.storage_name)
        raise
    return locked


def results_publish(*, plan: EvaluationPlan, actor: Any, body: str = "") -> Any:
    """Publish the list of passes as a public notice (结果公示) of ``SKILLREG_RESULTS_PUBLICITY_DAYS`` days,
    through supervision's notices; names are shown with masked ID numbers only."""
    from skillreg.supervision.models import NoticeKind, NoticeTopic
    from skillreg.supervision.services.notices import headline, notice_publish

    _own_institution(actor, plan.filing)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("请填写公示的合格人员名单", code="PLAN_NOTICE_BODY_REQUIRED", field="body")
    today = clock.today()
    with transaction.atomic():
        locked = _locked(plan)
        if locked.results_notice_id:
            raise TransitionNotAllowed("该评价计划的结果已公示", code="PLAN_NOTICE_EXISTS")
        if locked.status not in (PlanStatus.ACKNOWLEDGED, PlanStatus.RESULTS_RETURNED):
            raise TransitionNotAllowed("评价计划确认后、结果报备前方可公示评价结果", code="PLAN_NOTICE_NOT_ALLOWED")
        _ensure_over(locked)
        notice = notice_publish(
            kind=NoticeKind.PUBLICITY,
            topic=NoticeTopic.EVALUATION_RESULT,
            title=headline(
                f"{locked.filing.name} {locked.occupation.name}{locked.level_label}评价结果公示（{locked.number}）",
                f"{locked.occupation.name}{locked.level_label}评价结果公示（{locked.number}）",
            ),
            body=body,
            legal_basis="《职业技能等级认定工作规程（试行）》（人社职司便函〔2020〕17号）",
            actor=actor,
            starts_on=today,
            ends_on=today + dt.timedelta(days=results_publicity_days() - 1),
            filing=locked.filing,
        )
        locked.results_notice = notice
        locked.save(update_fields=["results_notice"])
        audit_record(
            actor=actor,
            action="evaluation.results.publish",
            obj=locked,
            summary=f"评价计划 {locked.number} 公示评价结果",
            after={"notice": notice.pk, "ends_on": notice.ends_on},
        )
    return notice


def results_file(
    *,
    plan: EvaluationPlan,
    actor: Any,
    applicants: Any,
    passes: Any,
    roster: Path | IO[bytes] | list[dict[str, Any]],
) -> EvaluationPlan:
    """File the results (结果报备): applicants, passes and the roster of passes. All or nothing: a roster with
    any fault is refused with one error workbook (``plan.roster_errors``); results filed twice are refused, and
    so are results of a plan whose evaluation is not over yet (``PLAN_NOT_ENDED``, nothing written)."""
    _own_institution(actor, plan.filing)
    plan = EvaluationPlan.objects.select_related("filing", "occupation").get(pk=plan.pk)  # the current state
    if next_status(plan.status, "file_results") is None:
        code = "PLAN_RESULTS_ALREADY_FILED" if plan.results_filed_at else "PLAN_RESULTS_NOT_ALLOWED"
        raise TransitionNotAllowed(
            "该评价计划的结果已报备，不能重复报备" if plan.results_filed_at else "评价计划确认后方可报备评价结果",
            code=code,
        )
    _ensure_over(plan)
    if not plan.results_notice_id:
        raise TransitionNotAllowed("请先公示评价结果（合格人员名单），再报备结果", code="PLAN_NOTICE_REQUIRED")
    errors: list[ValidationFailed] = []
    try:
        applicants, passes = int(applicants), int(passes)
        if applicants < 0 or passes < 0:
            raise ValueError
        if passes > applicants:
            errors.append(
                ValidationFailed("合格人数不能多于报考人数", code="PLAN_PASSES_GT_APPLICANTS", field="passes")
            )
    except (TypeError, ValueError):
        raise ValidationFailed(
            "报考人数和合格人数应为非负整数", code="PLAN_COUNTS_INVALID", field="applicants"
        ) from None
    occ = plan.occupation
    codes = {occ.code} | set(Occupation.objects.filter(parent=occ).values_list("code", flat=True))
    rows, row_errors = roster_io.read(
        roster, occupation_code=occ.code, occupation_codes=codes, level=plan.level, today=clock.today()
    )
    if not row_errors and len(rows) != passes:
        row_errors.append(
            roster_io.RowError(0, "文件", "ROSTER_COUNT_MISMATCH", f"合格名册 {len(rows)} 人，与合格人数 {passes} 不符")
        )
    if row_errors or errors:
        name = roster_io.error_workbook(row_errors, plan.pk) if row_errors else ""
        with transaction.atomic():
            locked = _locked(plan)
            if name:
                if locked.roster_errors:
                    remove_stored(locked.roster_errors)
                locked.roster_errors = name
                locked.save(update_fields=["roster_errors"])
            audit_record(
                actor=actor,
                action="evaluation.results.rejected",
                obj=locked,
                summary=f"评价计划 {locked.number} 的结果报备未通过核验（{len(row_errors) + len(errors)} 处错误）",
                after={"errors": len(row_errors) + len(errors)},
                result="refused",
            )
        all_errors = [e.as_dict() for e in errors] + [
            {"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in row_errors[:200]
        ]
        raise ValidationFailed(
            f"结果报备未通过核验，共 {len(row_errors) + len(errors)} 处错误"
            + ("，请下载错误清单修改后重新报备" if name else ""),
            code="PLAN_RESULTS_INVALID",
            errors=all_errors,
            errors_count=len(row_errors) + len(errors),
        )
    occupations = dict(Occupation.objects.filter(code__in=codes).values_list("code", "id"))
    with transaction.atomic():
        locked = _locked(plan)
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(
                    plan=locked,
                    row=r.row,
                    holder_name=r.holder_name,
                    id_type=r.id_type,
                    holder_id=r.id_number,
                    holder_id_index=r.holder_id_index,
                    holder_id_masked=r.holder_id_masked,
                    occupation_id=occupations[r.occupation_code],
                    level=r.level,
                    certificate_number=r.number,
                )
                for r in rows
            ],
            batch_size=2000,
        )
        return plan_transition(
            plan=locked,
            action="file_results",
            actor=actor,
            fields={"applicants": applicants, "passes": passes, "results_filed_at": clock.now(), "roster_errors": ""},
            audit_after={"applicants": applicants, "passes": passes, "roster": len(rows)},
            rule=RULE,
        )


def results_accept(*, plan: EvaluationPlan, actor: Any) -> EvaluationPlan:
    _staff(actor, plan.filing)
    with transaction.atomic():
        return plan_transition(plan=_locked(plan), action="accept_results", actor=actor, rule=RULE)


def results_return(*, plan: EvaluationPlan, actor: Any, reason: str) -> EvaluationPlan:
    """Staff send the results back: the roster is removed with them (it is filed again, corrected), unless
    certificates of the plan are already registered against it."""
    from skillreg.certificates.models import Certificate

    _staff(actor, plan.filing)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _locked(plan)
        if Certificate.objects.filter(batch=locked).exists():
            raise TransitionNotAllowed("该评价计划已登记证书，不能退回结果", code="PLAN_HAS_CERTIFICATES")
        if next_status(locked.status, "return_results") is None:
            raise TransitionNotAllowed("评价结果不在待审核状态，不能退回", code="PLAN_TRANSITION_NOT_ALLOWED")
        RosterEntry.objects.filter(plan=locked).delete()
        return plan_transition(
            plan=locked,
            action="return_results",
            actor=actor,
            reason=reason,
            fields={"results_filed_at": None, "applicants": None, "passes": None},
            rule=RULE,
        )
