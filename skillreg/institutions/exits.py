"""Exit of a filed institution (GZ-13 voluntary, GZ-14 automatic, GZ-15 ordered, CQ-30/31) and its wrap-up.

Every status change goes through the lifecycle (``institutions.status.filing_transition``); the
``deadlines.FilingExit`` row records what the law or a person decided (kind, last day of evaluation
activity, wrap-up deadline). Convention: ``terminates_on`` is the last day on which the institution
could evaluate and certify; the status moves to ``wrap_up`` effective the day after.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.sequences import next_value
from skillreg.core.textlimits import check_length
from skillreg.deadlines.clocks import DueCache
from skillreg.deadlines.limits import LimitResolver, TimeLimit
from skillreg.deadlines.models import FilingExit
from skillreg.deadlines.scan import local_date
from skillreg.workcalendar.calendar import Due
from skillreg.workcalendar.selectors import get_calendar

from . import access
from .lifecycle import LIVE
from .models import Filing, FilingStatus
from .status import REASON_MAX, filing_transition

ANNOUNCEMENT_MAX = 5000  # FilingExit.announcement (a TextField): the published announcement
ARCHIVES_NOTE_MAX = 2000  # FilingExit.archives_note (a TextField): how the archives were handed over

LIVE_STATUSES = tuple(LIVE)
FAILED_RENEWAL = {"refused", "not_accepted", "abandoned", "withdrawn"}


@dataclass(frozen=True)
class RenewalRow:
    unit_id: int
    for_filing_id: int | None
    state: str
    submitted_on: dt.date
    ended_on: dt.date | None


def renewals_by_unit(unit_ids: Iterable[int]) -> dict[int, list[RenewalRow]]:
    """Submitted renewal applications (延续) of the given units, in one query."""
    from skillreg.applications.models import Application, ApplicationType

    out: dict[int, list[RenewalRow]] = defaultdict(list)
    rows = Application.objects.filter(
        application_type=ApplicationType.RENEWAL, unit_id__in=list(unit_ids), submitted_at__isnull=False
    ).values_list("unit_id", "for_filing_id", "state", "submitted_at", "decided_at")
    for unit_id, for_filing_id, state, submitted_at, decided_at in rows:
        if submitted_at is None:  # excluded by the filter; keeps the type checker informed
            continue
        ended = local_date(decided_at) if decided_at else None
        out[unit_id].append(RenewalRow(unit_id, for_filing_id, state, local_date(submitted_at), ended))
    return out


def renewal_outcome(
    filed_on: dt.date, valid_to: dt.date, renewals: list[RenewalRow], filing_id: int | None = None
) -> tuple[str, dt.date | None]:
    """("none" | "pending" | "renewed" | "failed", submitted or ended date) for one filing.

    Only renewals of this filing submitted during its validity count: one submitted after the
    expiry is not a renewal of this filing (GZ-14: 有效期满未提交续期申请).
    """
    own = [
        r
        for r in renewals
        if filed_on <= r.submitted_on <= valid_to and (filing_id is None or r.for_filing_id in (None, filing_id))
    ]
    if any(r.state == "filed" for r in own):
        return "renewed", max(r.submitted_on for r in own if r.state == "filed")
    live = [r for r in own if r.state not in FAILED_RENEWAL]
    if live:
        return "pending", min(r.submitted_on for r in live)
    if own:
        return "failed", max((r.ended_on or valid_to) for r in own)
    return "none", None


def validity_limit(limits: dict[str, TimeLimit]) -> TimeLimit | None:
    return limits.get("filing_validity")


def renewal_due(
    filing_valid_to: dt.date, limits: dict[str, TimeLimit], cache: DueCache
) -> tuple[TimeLimit | None, Due]:
    """The last day to apply for renewal: CQ-14 expiry − 30 days; without such a rule, the expiry."""
    limit = limits.get("renewal_application")
    if limit is None:
        return None, Due(filing_valid_to, False)
    return limit, cache.for_limit(limit, filing_valid_to)


def _exit_audit(actor: Any, action: str, filing: Filing, exit_: FilingExit, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=filing,
        summary=summary,
        after={
            "kind": exit_.kind,
            "terminates_on": exit_.terminates_on,
            "wrapup_due_on": exit_.wrapup_due_on,
            "reason": exit_.reason,
        },
        rule=exit_.requirement,
    )


def filing_expire(
    *,
    filing_id: int,
    today: dt.date | None = None,
    resolver: LimitResolver | None = None,
    cache: DueCache | None = None,
) -> FilingExit | None:
    """Validity ended without a (successful) renewal application → automatic termination (GZ-14).

    Moves the filing to ``wrap_up`` and opens the wrap-up period. Returns None when nothing is due
    (still valid, renewal pending or granted, already ended by an earlier or concurrent sweep).
    """
    resolver = resolver or LimitResolver()
    cache = cache or DueCache(get_calendar())
    today = today or clock.today()
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("region").filter(pk=filing_id).first()
        if filing is None or filing.status not in LIVE or not today > filing.valid_to:
            return None
        state, on = renewal_outcome(
            filing.filed_on, filing.valid_to, renewals_by_unit([filing.unit_id])[filing.unit_id], filing.pk
        )
        if state in ("pending", "renewed"):
            return None
        terminates_on = max(filing.valid_to, on) if state == "failed" and on else filing.valid_to
        if not today > terminates_on:
            return None
        limits = resolver.limits(filing.region.code, terminates_on)
        wrapup = limits.get("automatic_exit_wrapup")
        due = cache.for_limit(wrapup, terminates_on) if wrapup else None
        validity = limits.get("filing_validity")
        rule = wrapup.requirement if wrapup else (validity.requirement if validity else "")
        why = "有效期满未提交续期申请" if state == "none" else "续期申请未获通过"
        if FilingExit.objects.filter(filing=filing, kind=FilingExit.Kind.AUTOMATIC).exists():
            return None
        exit_ = FilingExit.objects.create(
            filing=filing,
            kind=FilingExit.Kind.AUTOMATIC,
            requirement=rule,
            reason=f"{why}（有效期至 {filing.valid_to:%Y-%m-%d}），评价资格自动终止。",
            terminates_on=terminates_on,
            wrapup_due_on=due.date if due else None,
            wrapup_provisional=bool(due and due.provisional),
            wrapup_rule=wrapup.requirement if wrapup else "",
            created_at=clock.now(),
        )
        basis = wrapup.citation if wrapup else (validity.citation if validity else "")
        filing_transition(
            filing=filing,
            action="expire",
            actor=None,
            effective_on=terminates_on + dt.timedelta(days=1),
            reason=exit_.reason,
            rule=rule,
            basis=basis,
            source="sweep",
            data={
                "valid_to": filing.valid_to,
                "terminates_on": terminates_on,
                "wrapup_due_on": due.date if due else None,
                "wrapup_provisional": bool(due and due.provisional),
                "basis": basis,
            },
        )
    return exit_


def filing_renewal_settle(*, filing_id: int, today: dt.date | None = None) -> bool:
    """A renewal that ended without success while the old validity still runs: back to the window (or
    active). After the expiry ``filing_expire`` handles it instead. Idempotent."""
    from .validity import renewal_window_opens

    today = today or clock.today()
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("region").get(pk=filing_id)
        if filing.status != FilingStatus.RENEWAL_PENDING or today > filing.valid_to:
            return False
        state, _on = renewal_outcome(
            filing.filed_on, filing.valid_to, renewals_by_unit([filing.unit_id])[filing.unit_id], filing.pk
        )
        if state in ("pending", "renewed"):
            return False
        target = (
            FilingStatus.EXPIRING
            if renewal_window_opens(filing.region.code, filing.valid_to) <= today
            else FilingStatus.ACTIVE
        )
        filing_transition(
            filing=filing,
            action="renewal_ended",
            actor=None,
            effective_on=today,
            target=target,
            reason="延续申请已办结但未获延续，原备案有效期内仍可开展评价",
            source="sweep",
        )
    return True


def _check_exit_actor(actor: Any, filing: Filing) -> str:
    """The institution itself (its own unit) or staff of the filing authority may file a voluntary exit."""
    if access.is_own_unit(actor, filing):
        return "applicant"
    if access.is_filing_authority(actor, filing):
        return "staff"
    raise PermissionDeniedError("只有本机构或备案机关的经办人员可以提出退出申请", code="NOT_FILING_AUTHORITY")


def filing_exit_voluntary(
    *, filing: Filing, actor: Any, notice_on: dt.date | None = None, terminates_on: dt.date, reason: str = ""
) -> FilingExit:
    """A written voluntary-exit application (GZ-13: at least 30 days ahead; CQ-31: report and apply to
    cancel). The status moves to ``wrap_up`` when ``terminates_on`` has passed (the sweep)."""
    who = _check_exit_actor(actor, filing)
    notice_on = notice_on or clock.today()
    if who == "applicant" and notice_on != clock.today():
        raise ValidationFailed("申请日期即提交之日", code="EXIT_DATES_INVALID", field="notice_on")
    if filing.status not in LIVE:
        raise TransitionNotAllowed("该备案已终止或注销，不能申请自愿退出", code="FILING_NOT_LIVE")
    if filing.status == FilingStatus.RENEWAL_PENDING:
        raise TransitionNotAllowed(
            "本机构的延续申请正在办理中：请先撤回延续申请，再申请自愿退出", code="EXIT_RENEWAL_PENDING"
        )
    if terminates_on < notice_on:
        raise ValidationFailed("拟终止日不能早于申请日", code="EXIT_DATES_INVALID", field="terminates_on")
    reason = check_length((reason or "").strip(), limit=REASON_MAX, field="reason", label="退出原因")
    limits = LimitResolver().limits(filing.region.code, notice_on)
    limit = limits.get("voluntary_exit_notice")
    if limit is not None:
        last_notice = DueCache(get_calendar()).for_limit(limit, terminates_on)
        if notice_on > last_notice.date:
            raise ValidationFailed(
                f"{limit.label}：拟终止日 {terminates_on:%Y-%m-%d} 须在书面申请日后至少 {limit.length_label}"
                f"（最迟应于 {last_notice.date:%Y-%m-%d} 提交申请）",
                code="EXIT_NOTICE_TOO_SHORT",
                field="terminates_on",
            )
    with transaction.atomic():
        Filing.objects.select_for_update().get(pk=filing.pk)
        if FilingExit.objects.filter(filing=filing).exists():
            raise TransitionNotAllowed("该机构已有退出记录", code="EXIT_EXISTS")
        exit_ = FilingExit.objects.create(
            filing=filing,
            kind=FilingExit.Kind.VOLUNTARY,
            requirement=limit.requirement if limit else "CQ-31",
            reason=reason or "评价机构自愿终止评价工作",
            notice_on=notice_on,
            terminates_on=terminates_on,
            created_at=clock.now(),
            created_by=actor,
        )
        _exit_audit(
            actor,
            "filing.exit_voluntary",
            filing,
            exit_,
            f"自愿退出申请：{filing.name}，拟于 {terminates_on:%Y-%m-%d} 终止评价活动",
        )
    return exit_


def filing_exit_take_effect(*, exit_id: int, today: dt.date | None = None) -> bool:
    """A voluntary exit whose last day has passed moves the filing to ``wrap_up`` (idempotent)."""
    today = today or clock.today()
    with transaction.atomic():
        exit_ = FilingExit.objects.select_for_update().select_related("filing").get(pk=exit_id)
        filing = Filing.objects.select_for_update().get(pk=exit_.filing_id)
        if exit_.kind != FilingExit.Kind.VOLUNTARY or filing.status not in LIVE or not today > exit_.terminates_on:
            return False
        filing_transition(
            filing=filing,
            action="exit_voluntary",
            actor=None,
            effective_on=exit_.terminates_on + dt.timedelta(days=1),
            reason=exit_.reason,
            rule=exit_.requirement,
            source="sweep",
        )
    return True


def filing_exit_order(
    *,
    filing: Filing,
    actor: Any,
    reason: str,
    wrapup_due_on: dt.date,
    announcement: str = "",
    ordered_on: dt.date | None = None,
) -> FilingExit:
    """责令终止 (GZ-15): serious violation or failed rectification. Evaluation stops on ``ordered_on``
    (its last day is the day before), the filing leaves the public catalogue's live list, and the
    announcement is published; the wrap-up deadline is set by the decision ("在规定时限内")."""
    if not access.is_filing_authority(actor, filing):
        raise PermissionDeniedError("只有备案机关可以责令终止评价活动", code="NOT_FILING_AUTHORITY")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写责令终止的事实和理由", code="EXIT_REASON_REQUIRED", field="reason")
    check_length(reason, limit=REASON_MAX, field="reason", label="责令终止的事实和理由")
    announcement = check_length(
        (announcement or "").strip(), limit=ANNOUNCEMENT_MAX, field="announcement", label="公告内容"
    )
    ordered_on = ordered_on or clock.today()
    if ordered_on > clock.today():
        raise ValidationFailed("责令终止日期不能晚于今天", code="EXIT_DATES_INVALID", field="ordered_on")
    if wrapup_due_on < ordered_on:
        raise ValidationFailed("收尾工作期限不能早于责令终止日期", code="EXIT_DATES_INVALID", field="wrapup_due_on")
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.status not in LIVE:
            raise TransitionNotAllowed("该备案已终止或注销", code="FILING_NOT_LIVE")
        if FilingExit.objects.filter(filing=locked, kind=FilingExit.Kind.ORDERED).exists():
            raise TransitionNotAllowed("该机构已被责令终止", code="EXIT_EXISTS")
        # A pending voluntary exit is overtaken by the order.
        FilingExit.objects.filter(filing=locked, kind=FilingExit.Kind.VOLUNTARY, terminates_on__gte=ordered_on).delete()
        exit_ = FilingExit.objects.create(
            filing=locked,
            kind=FilingExit.Kind.ORDERED,
            requirement="GZ-15",
            reason=reason,
            notice_on=ordered_on,
            terminates_on=ordered_on - dt.timedelta(days=1),
            wrapup_due_on=wrapup_due_on,
            wrapup_rule="GZ-15",
            announcement=announcement,
            created_at=clock.now(),
            created_by=actor,
        )
        filing_transition(
            filing=locked,
            action="order_exit",
            actor=actor,
            effective_on=ordered_on,
            reason=reason,
            rule="GZ-15",
            source="staff",
        )
        from skillreg.supervision.services.notices import exit_notice_publish

        exit_notice_publish(
            filing=locked, reason=reason, ordered_on=ordered_on, actor=actor, announcement=exit_.announcement
        )  # GZ-15 "予以公告": the public notice, in the same transaction as the order
        _exit_audit(actor, "filing.exit_order", locked, exit_, f"责令 {locked.name}（{locked.code}）终止评价活动")
    filing.refresh_from_db(fields=["status"])
    return exit_


# ----------------------------------------------------------------------------- wrap-up


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str


def wrap_up_checklist(exit_: FilingExit) -> list[ChecklistItem]:
    """What the institution must finish before it stops (GZ-13..15), computed from the registry."""
    from skillreg.certificates.models import CertificateCount
    from skillreg.evaluations.models import EvaluationPlan

    # Certificates of every status issued by the last day, per evaluation plan: sums of the count summary (kept in
    # step with the certificates; issue 16), not a count of the institution's certificates.
    reported: dict[int, int] = {
        batch_id: n or 0
        for batch_id, n in CertificateCount.objects.filter(
            filing_id=exit_.filing_id, issue_date__lte=exit_.terminates_on
        )
        .values("batch_id")
        .annotate(n=Sum("n"))
        .values_list("batch_id", "n")
        .order_by()
    }
    batches = EvaluationPlan.objects.filter(filing_id=exit_.filing_id, ends_on__lte=exit_.terminates_on).order_by(
        "number"
    )
    # (a plan without a pass count is not short; comparing with None raised TypeError before)
    short = [(b.number, b.passes, reported.get(b.id, 0)) for b in batches if reported.get(b.id, 0) < (b.passes or 0)]
    total = sum(reported.values())
    open_batches = EvaluationPlan.objects.filter(
        filing_id=exit_.filing_id, starts_on__lte=exit_.terminates_on, ends_on__gt=exit_.terminates_on
    ).count()
    items = [
        ChecklistItem(
            "certificates",
            "证书数据上报",
            not short,
            f"已上报 {total} 本（发证日期不晚于 {exit_.terminates_on:%Y-%m-%d}）"
            + (
                "；尚未报齐的评价计划："
                + "、".join(f"{n}（合格 {p} 人，已报 {r} 本）" for n, p, r in short[:10])
                + ("等" if len(short) > 10 else "")
                if short
                else "；各评价计划的合格人数均已报齐"
            ),
        ),
        ChecklistItem(
            "open_batches",
            "终止日后未结束的评价计划",
            open_batches == 0,
            "无" if open_batches == 0 else f"有 {open_batches} 个评价计划在终止日后才结束，终止日后不得再发证",
        ),
        ChecklistItem(
            "archives",
            "资料整理归档",
            bool(exit_.archives_note),
            exit_.archives_note or "待备案机关确认资料已整理归档、移交",
        ),
    ]
    return items


def filing_wrap_up_complete(*, exit_: FilingExit, actor: Any, archives_note: str) -> FilingExit:
    """The filing authority confirms the wrap-up (certificate data reported, archives handed over): the
    filing is terminated and a 终止评价活动通知书 number is allocated (GZ-16)."""
    filing = exit_.filing
    if not access.is_filing_authority(actor, filing):
        raise PermissionDeniedError("只有备案机关可以确认收尾工作", code="NOT_FILING_AUTHORITY")
    archives_note = (archives_note or "").strip()
    if not archives_note:
        raise ValidationFailed("请填写资料整理归档、移交情况", code="ARCHIVES_NOTE_REQUIRED", field="archives_note")
    check_length(archives_note, limit=ARCHIVES_NOTE_MAX, field="archives_note", label="资料整理归档、移交情况")
    with transaction.atomic():
        locked = FilingExit.objects.select_for_update().get(pk=exit_.pk)
        if locked.wrapup_completed_at is not None:
            raise TransitionNotAllowed("收尾工作已确认", code="WRAPUP_ALREADY_COMPLETED")
        locked.archives_note = archives_note
        items = wrap_up_checklist(locked)
        missing = [i for i in items if i.key == "certificates" and not i.done]
        if missing:
            raise ValidationFailed(
                f"证书数据尚未报齐，不能确认收尾：{missing[0].detail}", code="WRAPUP_CERTIFICATES_MISSING"
            )
        year = clock.today().year
        locked.notice_number = f"ZZ{filing.region.code[:2]}{year}{next_value(f'termination-notice-{year}'):05d}"
        locked.wrapup_completed_at = clock.now()
        locked.wrapup_completed_by = actor
        locked.save(update_fields=["archives_note", "notice_number", "wrapup_completed_at", "wrapup_completed_by"])
        filing_transition(
            filing=filing,
            action="complete_wrap_up",
            actor=actor,
            reason=f"{locked.get_kind_display()}，收尾工作已完成（终止评价活动通知书 {locked.notice_number}）",
            rule="GZ-16",
            source="staff",
        )
    return locked
