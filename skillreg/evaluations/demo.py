"""Demo evaluation plans through the real services (``manage.py demo``): every certificate the demo registers
belongs to a plan that was reported, acknowledged, publicised and whose results and roster were filed; and a
few plans in other states — one reported and waiting, one returned, one late, and one that books an examiner
twice on one day (the anomaly list shows it)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from skillreg.accounts import scope
from skillreg.core import clock

from . import services
from .checks import registered_examiners
from .models import EvaluationPlan
from .selectors import plan_choices

SHANGHAI = ZoneInfo("Asia/Shanghai")


def staff_for(filing: Any) -> Any:
    """A staff member of the filing authority (the demo's reviewer)."""
    users = get_user_model().objects.filter(authority=filing.authority, is_active=True).order_by("id")
    return next((u for u in users if scope.is_staff_member(u) and scope.supervises(u, filing)), None)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def report(
    filing: Any,
    user: Any,
    *,
    number: str,
    occupation: Any,
    level: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    hours: tuple[int, int] = (9, 17),
    examiners: int = 2,
    skip: int = 0,
    venue: int = -1,
    times: tuple[dt.datetime, dt.datetime] | None = None,
) -> EvaluationPlan:
    choices = plan_choices(filing, starts_on)
    on_version = filing.versions.order_by("-number").first()
    chosen = registered_examiners(on_version, occupation, level)[skip : skip + examiners]
    return services.plan_report(
        filing=filing,
        actor=user,
        number=number,
        occupation_code=occupation.code,
        level=level,
        starts_at=times[0] if times else _at(starts_on, hours[0]),
        ends_at=times[1] if times else _at(ends_on or starts_on, hours[1]),
        venue=choices.venues[venue] if choices.venues else filing.address,
        expected_candidates=20,
        examiners=[{"name": e["name"], "certificate_code": e.get("certificate_code", "")} for e in chosen],
        supervisors=choices.supervisors[:1],
        video_link="https://video.example.gov.cn/live/" + number,
    )


def _ended_times(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """09:00 on the first day to 17:00 on the last, or — when the last day is today and 17:00 has not come —
    ending just before "now" (the demo files the results right after; the demo's filings start today, so the
    plan cannot move to yesterday)."""
    start, end = _at(starts_on, 9), _at(ends_on, 17)
    now = clock.now()
    if end < now:
        return start, end
    end = max(now - dt.timedelta(seconds=1), _at(ends_on, 0) + dt.timedelta(seconds=1)).replace(microsecond=0)
    if starts_on == ends_on:
        start = max(_at(ends_on, 0), min(start, end - dt.timedelta(hours=2)))
    return start, end


def held_plan(
    filing: Any,
    user: Any,
    *,
    number: str,
    occupation: Any,
    level: int,
    starts_on: dt.date,
    ends_on: dt.date,
    holders: list[tuple[str, str]],
    applicants: int,
    accept: bool = True,
) -> EvaluationPlan:
    """A plan taken through every step up to filed (and accepted) results whose roster is ``holders``. Results
    are filed only once the evaluation is over: a plan held today ends before "now" (``_ended_times``)."""
    staff = staff_for(filing)
    times = _ended_times(starts_on, ends_on)
    plan = report(
        filing,
        user,
        number=number,
        occupation=occupation,
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        times=times,
    )
    plan = services.plan_acknowledge(plan=plan, actor=staff)
    services.results_publish(
        plan=plan,
        actor=user,
        body="合格人员名单：" + "、".join(f"{name}（证件号码后四位 {id_[-4:]}）" for name, id_ in holders),
    )
    roster = [
        {
            "holder_name": name,
            "id_type": "居民身份证",
            "id_number": id_,
            "occupation_code": occupation.code,
            "level": level,
        }
        for name, id_ in holders
    ]
    plan = services.results_file(plan=plan, actor=user, applicants=applicants, passes=len(holders), roster=roster)
    if accept:
        plan = services.results_accept(plan=plan, actor=staff)
    return plan


def certified_plan(
    filing: Any, user: Any, *, items: list[dict[str, Any]], number: str, occupation: Any, level: int,
    day: dt.date, applicants: int,
) -> Any:  # fmt: skip
    """A plan held on ``day`` whose roster is exactly the holders of ``items`` (``held_plan``), then those
    certificates reported to the registry all or nothing; returns the import job."""
    from skillreg.certificates.imports import certificates_report

    held_plan(
        filing,
        user,
        number=number,
        occupation=occupation,
        level=level,
        starts_on=day,
        ends_on=day,
        holders=[(str(it["holder_name"]), str(it["id_number"])) for it in items],
        applicants=applicants,
    )
    job, _rows = certificates_report(filing=filing, actor=user, items=items, mode="all_or_nothing")
    return job


def load_demo_plans(filing: Any, user: Any, occupation: Any, level: int) -> None:
    """Plans in several states for the first demo institution (from the day after tomorrow on)."""
    today = clock.today()
    staff = staff_for(filing)
    waiting = report(
        filing, user, number="DEMO-02", occupation=occupation, level=level, starts_on=today + dt.timedelta(days=30)
    )
    del waiting  # reported: in the staff review queue
    returned = report(
        filing, user, number="DEMO-03", occupation=occupation, level=level, starts_on=today + dt.timedelta(days=40)
    )
    services.plan_return(plan=returned, actor=staff, reason="演示：考评人员安排不足，请补充后重新报备")
    late = report(
        filing, user, number="DEMO-04", occupation=occupation, level=level, starts_on=today + dt.timedelta(days=3)
    )
    services.plan_acknowledge(plan=late, actor=staff)
    # The same examiner in the morning and in the afternoon of one day, at two venues: an anomaly to look at
    day = today + dt.timedelta(days=20)
    report(
        filing, user, number="DEMO-05", occupation=occupation, level=level, starts_on=day, hours=(8, 11), examiners=1
    )
    report(
        filing, user, number="DEMO-06", occupation=occupation, level=level, starts_on=day, hours=(14, 17), examiners=1
    )
