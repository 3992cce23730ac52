"""Filing validity, renewal and exit: automatic termination on expiry (GZ-14) and voluntary exit (GZ-13).

A filing whose validity ended without a renewal application (or whose renewal failed) loses its
evaluation qualification automatically: its status becomes ``expired`` and a ``FilingExit`` records
the termination and the wrap-up period of the packs in force (GZ-14: 15 days in Guizhou).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from skillreg.applications.models import Application, ApplicationType, State
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.workcalendar.calendar import Due
from skillreg.workcalendar.selectors import get_calendar

from .clocks import DueCache
from .limits import LimitResolver, TimeLimit
from .models import FilingExit
from .scan import local_date

LIVE_STATUSES = (FilingStatus.ACTIVE, FilingStatus.RECTIFYING)
FAILED_RENEWAL = {State.REFUSED, State.NOT_ACCEPTED, State.ABANDONED, State.WITHDRAWN}


@dataclass(frozen=True)
class RenewalRow:
    unit_id: int
    state: str
    submitted_on: dt.date
    ended_on: dt.date | None


def renewals_by_unit(unit_ids: Iterable[int]) -> dict[int, list[RenewalRow]]:
    """Submitted renewal applications (延续) of the given units, in one query."""
    out: dict[int, list[RenewalRow]] = defaultdict(list)
    rows = Application.objects.filter(
        application_type=ApplicationType.RENEWAL, unit_id__in=list(unit_ids), submitted_at__isnull=False
    ).values_list("unit_id", "state", "submitted_at", "decided_at")
    for unit_id, state, submitted_at, decided_at in rows:
        if submitted_at is None:  # excluded by the filter; keeps the type checker informed
            continue
        ended = local_date(decided_at) if decided_at else None
        out[unit_id].append(RenewalRow(unit_id, state, local_date(submitted_at), ended))
    return out


def renewal_outcome(filed_on: dt.date, valid_to: dt.date, renewals: list[RenewalRow]) -> tuple[str, dt.date | None]:
    """("none" | "pending" | "renewed" | "failed", submitted or ended date) for one filing.

    Only renewals submitted during the validity (filed_on..valid_to) count: one submitted after the
    expiry is not a renewal of this filing (GZ-14: 有效期满未提交续期申请).
    """
    own = [r for r in renewals if filed_on <= r.submitted_on <= valid_to]
    if any(r.state == State.FILED for r in own):
        return "renewed", max(r.submitted_on for r in own if r.state == State.FILED)
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


def filing_expire(
    *,
    filing_id: int,
    today: dt.date | None = None,
    resolver: LimitResolver | None = None,
    cache: DueCache | None = None,
) -> FilingExit | None:
    """Validity ended without a (successful) renewal application → automatic termination (GZ-14).

    Sets the filing's status to ``expired`` and opens the wrap-up period. Returns None when nothing
    is due (still valid, renewal pending, already expired by an earlier or concurrent sweep).
    """
    resolver = resolver or LimitResolver()
    cache = cache or DueCache(get_calendar())
    today = today or clock.today()
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("region").filter(pk=filing_id).first()
        if filing is None or filing.status not in LIVE_STATUSES or not today > filing.valid_to:
            return None
        state, on = renewal_outcome(
            filing.filed_on, filing.valid_to, renewals_by_unit([filing.unit_id])[filing.unit_id]
        )
        if state in ("pending", "renewed"):
            return None
        terminates_on = max(filing.valid_to, on) if state == "failed" and on else filing.valid_to
        if not today > terminates_on:
            return None
        limits = resolver.limits(filing.region.code, terminates_on)
        wrapup = limits.get("automatic_exit_wrapup")
        due = cache.for_limit(wrapup, terminates_on) if wrapup else None
        validity = validity_limit(limits)
        rule = wrapup.requirement if wrapup else (validity.requirement if validity else "")
        why = "有效期满未提交续期申请" if state == "none" else "续期申请未获通过"
        changed = Filing.objects.filter(pk=filing.pk, status__in=LIVE_STATUSES).update(status=FilingStatus.EXPIRED)
        if changed != 1:
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
        audit_record(
            actor=None,
            action="filing.expire",
            obj=filing,
            summary=f"{filing.name}（{filing.code}）{why}，评价资格自动终止"
            + (f"，应于 {due.date:%Y-%m-%d} 前完成收尾工作" if due else ""),
            before={"status": filing.status},
            after={
                "status": FilingStatus.EXPIRED,
                "valid_to": filing.valid_to,
                "terminates_on": terminates_on,
                "wrapup_due_on": due.date if due else None,
                "wrapup_provisional": bool(due and due.provisional),
                "basis": wrapup.citation if wrapup else (validity.citation if validity else ""),
            },
            rule=rule,
        )
        filing.status = FilingStatus.EXPIRED
    return exit_


def filing_exit_voluntary(
    *, filing: Filing, actor: Any, notice_on: dt.date, terminates_on: dt.date, reason: str = ""
) -> FilingExit:
    """Record an institution's written voluntary-exit application (GZ-13: at least 30 days ahead;
    CQ-31: report and apply to cancel). The filing authority's staff record it."""
    if getattr(actor, "role", "") != "staff" or actor.authority_id != filing.authority_id:
        raise PermissionDeniedError("只有备案机关的经办人员可以登记退出申请", code="NOT_FILING_AUTHORITY")
    if filing.status not in LIVE_STATUSES:
        raise TransitionNotAllowed("该备案已不在有效期内，不能登记自愿退出", code="FILING_NOT_LIVE")
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
    elif terminates_on < notice_on:
        raise ValidationFailed("拟终止日不能早于申请日", code="EXIT_DATES_INVALID", field="terminates_on")
    with transaction.atomic():
        if FilingExit.objects.filter(filing=filing, kind=FilingExit.Kind.VOLUNTARY).exists():
            raise TransitionNotAllowed("该机构已登记自愿退出申请", code="EXIT_EXISTS")
        exit_ = FilingExit.objects.create(
            filing=filing,
            kind=FilingExit.Kind.VOLUNTARY,
            requirement=limit.requirement if limit else "CQ-31",
            reason=(reason or "评价机构自愿终止评价工作").strip()[:2000],
            notice_on=notice_on,
            terminates_on=terminates_on,
            created_at=clock.now(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="filing.exit_voluntary",
            obj=filing,
            summary=f"登记自愿退出申请：{filing.name}，拟于 {terminates_on:%Y-%m-%d} 终止评价活动",
            after={"notice_on": notice_on, "terminates_on": terminates_on},
            rule=exit_.requirement,
        )
    return exit_
