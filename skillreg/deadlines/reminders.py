"""Which reminders are due today. Each has a dedupe key naming what it is about, so the inbox keeps
one message per recipient and key however often (or late) the sweep runs.

Offsets are settings (the packs set deadlines, not reminder habits):
``SKILLREG_STAFF_REMINDER_WORKING_DAYS`` (default 1: staff one working day before a case deadline) and
``SKILLREG_RENEWAL_REMINDER_DAYS`` (default (60, 30): institutions before the renewal deadline).
A reminder whose day was missed (downtime) is still sent while its deadline has not passed; of the
renewal reminders only the latest one due is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from skillreg.accounts.scope import Role
from skillreg.applications.models import Application
from skillreg.institutions.models import Filing
from skillreg.notifications.services import Notice

from .clocks import DueCache
from .exits import LIVE_STATUSES, renewal_due, renewal_outcome, renewals_by_unit
from .limits import LimitResolver, open_report_windows
from .scan import RunningClock


def staff_offset() -> int:
    return int(getattr(settings, "SKILLREG_STAFF_REMINDER_WORKING_DAYS", 1))


def renewal_offsets() -> tuple[int, ...]:
    return tuple(sorted((int(x) for x in getattr(settings, "SKILLREG_RENEWAL_REMINDER_DAYS", (60, 30))), reverse=True))


def _url(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _users(role: str, field: str, ids: Iterable[int | None]) -> dict[int, list[int]]:
    """Active users of ``role`` grouped by ``field`` (authority_id or unit_id)."""
    out: dict[int, list[int]] = defaultdict(list)
    filters = {f"{field}__in": [i for i in ids if i is not None]}
    rows = get_user_model().objects.filter(is_active=True, role=role, **filters).values_list(field, "pk")
    for key, pk in rows:
        out[key].append(pk)
    return out


def reminder_day(due: dt.date, cache: DueCache, working_days: int) -> dt.date:
    day = due
    for _ in range(working_days):
        day = cache.previous_workday(day)
    return day


def case_reminders(clocks: Iterable[RunningClock], *, today: dt.date, cache: DueCache) -> list[Notice]:
    """Staff of the handling authority, one working day before each case deadline; the institution
    too before its own supplement deadline."""
    offset = staff_offset()
    due_soon: dict[tuple[int, dt.date], list[RunningClock]] = defaultdict(list)
    for rc in clocks:
        if rc.due.provisional and rc.due.date < today:
            continue
        if reminder_day(rc.due.date, cache, offset) <= today <= rc.due.date:
            due_soon[(rc.application_id, rc.due.date)].append(rc)
    if not due_soon:
        return []
    ids = {app_id for app_id, _ in due_soon}
    apps = {
        a["pk"]: a
        for a in Application.objects.filter(pk__in=ids).values(
            "pk", "public_id", "number", "institution_name", "authority_id", "unit_id"
        )
    }
    staff = _users(Role.STAFF, "authority_id", {a["authority_id"] for a in apps.values()})
    institution = _users(Role.INSTITUTION, "unit_id", {a["unit_id"] for a in apps.values()})
    notices: list[Notice] = []
    for (app_id, due), rcs in due_soon.items():
        app = apps[app_id]
        labels = "；".join(sorted({rc.limit.label for rc in rcs}))
        rules = "；".join(sorted({rc.limit.basis for rc in rcs}))  # 文号 and article, never an ID (issue 11)
        start = rcs[0].start
        flag = "（暂定：所跨年度放假安排未确认）" if any(rc.due.provisional for rc in rcs) else ""
        key = f"case-due:{app_id}:{start.isoformat()}:{due.isoformat()}"
        subject = f"期限提醒：{app['number'] or ''} {app['institution_name']} {due:%m月%d日}届满"
        body = f"{labels}（{rules}），自 {start:%Y-%m-%d} 起算，{due:%Y-%m-%d} 届满{flag}。"
        link = _url("staff:case", pid=app["public_id"])
        notices += [Notice(uid, key, subject, body, link) for uid in staff.get(app["authority_id"], [])]
        own = [rc for rc in rcs if rc.start_event == "supplement_notice_sent"]
        if own:
            text = (
                f"您的申请（{app['number'] or ''}）补正期限至 {due:%Y-%m-%d} 届满，"
                f"逾期未补正的视为放弃申请（{own[0].limit.basis}）。{flag}"
            )
            link = _url("apply:detail", pid=app["public_id"])
            notices += [Notice(uid, key, "补正期限提醒", text, link) for uid in institution.get(app["unit_id"], [])]
    return notices


def renewal_reminders(*, today: dt.date, resolver: LimitResolver, cache: DueCache) -> list[Notice]:
    """Institutions 60 and 30 days before the renewal deadline (CQ-14), unless they have applied."""
    offsets = renewal_offsets()
    if not offsets:
        return []
    horizon = today + dt.timedelta(days=max(offsets) + 60)
    rows = list(
        Filing.objects.filter(status__in=LIVE_STATUSES, valid_to__gte=today, valid_to__lte=horizon).values_list(
            "pk", "unit_id", "region__code", "name", "code", "filed_on", "valid_to"
        )
    )
    candidates = []
    for pk, unit_id, region_code, name, code, filed_on, valid_to in rows:
        limit, due = renewal_due(valid_to, resolver.limits(region_code, valid_to), cache)
        marks = [off for off in offsets if due.date - dt.timedelta(days=off) <= today <= due.date]
        if marks:
            candidates.append((pk, unit_id, name, code, filed_on, valid_to, limit, due, min(marks)))
    if not candidates:
        return []
    renewals = renewals_by_unit({c[1] for c in candidates})
    users = _users(Role.INSTITUTION, "unit_id", {c[1] for c in candidates})
    notices = []
    for pk, unit_id, name, code, filed_on, valid_to, limit, due, mark in candidates:
        if renewal_outcome(filed_on, valid_to, renewals.get(unit_id, []))[0] in ("pending", "renewed"):
            continue
        rule = f"（{limit.label}，{limit.basis}）" if limit else ""
        body = (
            f"{name}（备案编码 {code}）备案有效期至 {valid_to:%Y-%m-%d}。需要延续的，请于 {due.date:%Y-%m-%d} 前"
            f"提交延续申请{rule}；有效期满未申请延续的，评价资格自动终止。"
        )
        key = f"renewal:{pk}:{valid_to.isoformat()}:{mark}"
        link = _url("apply:list")
        subject = f"备案延续提醒：距延续申请截止还有 {mark} 天以内"
        notices += [Notice(uid, key, subject, body, link) for uid in users.get(unit_id, [])]
    return notices


def report_window_reminders(*, today: dt.date) -> list[Notice]:
    """Institutions when an annual-report window opens (AH-4.2, HN-2), while it is open."""
    regions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, unit_id, region_code, name in Filing.objects.filter(status__in=LIVE_STATUSES).values_list(
        "pk", "unit_id", "region__code", "name"
    ):
        regions[region_code].append((pk, unit_id, name))
    pending: list[tuple[Any, int, int, str]] = []
    for region_code, filings in regions.items():
        for obligation in open_report_windows(region_code, today):
            pending += [(obligation, pk, unit_id, name) for pk, unit_id, name in filings]
    if not pending:
        return []
    users = _users(Role.INSTITUTION, "unit_id", {p[2] for p in pending})
    notices = []
    for ob, pk, unit_id, name in pending:
        w = ob.window
        years = "、".join(f"{y}年度" for y in ob.report_years)
        body = (
            f"{name}：请于 {ob.opens:%Y-%m-%d} 至 {ob.due:%Y-%m-%d} 期间"
            f"向{w.submit_to or '备案机关'}报送{years}工作总结"
            f"（{w.source.document}{w.source.article}）。"
        )
        key = f"report-window:{w.id}:{ob.opens.isoformat()}:{pk}"
        notices += [Notice(uid, key, f"年度工作总结报送窗口已开启（{years}）", body) for uid in users.get(unit_id, [])]
    return notices
