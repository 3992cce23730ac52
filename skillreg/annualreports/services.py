"""Writes of annual reports: start (draft pre-filled from the registry), save, submit, send back, accept — each one
transaction with its audit record; ``_transition`` is the only writer of ``AnnualReport.status`` (workflow.py).
``report_misses_record`` (the daily task) and a late submission record the miss once, in the credit ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, length_error
from skillreg.institutions.lifecycle import LIVE
from skillreg.institutions.models import Filing
from skillreg.notifications.services import Notice, notify
from skillreg.supervision.models import CreditKind
from skillreg.supervision.services.credit import credit_record

from . import selectors
from .models import AnnualReport, AnnualReportChange, AnnualReportVersion, MissKind, ReportMiss, ReportStatus
from .sections import MAX_TEXT, TEXT_FIELDS, TEXT_KEYS, level_key
from .windows import report_due
from .workflow import EDITABLE, TRANSITIONS

REASON_MAX = 500  # why a figure differs from the registry (stored in the content's JSON)
EXAMINER_NAME_MAX = 50  # an examiner line of the Huainan template: name …
EXAMINER_CODE_MAX = 60  # … and certificate code
COMMENT_MAX = 2000  # AnnualReportChange.comment (a TextField): the reviewer's comment


def _institution_of(actor: Any, filing: Filing) -> None:
    if not scope.is_institution(actor) or getattr(actor, "unit_id", None) != filing.unit_id:
        raise PermissionDeniedError("只能填报本单位评价机构的年度工作总结", code="REPORT_NOT_YOURS")


def reviews(actor: Any, report: AnnualReport) -> bool:
    """The report goes to the authority that filed the institution ("向受理备案的人力资源社会保障部门报送"):
    its staff send back and accept; authorities above read only."""
    if not scope.supervises(actor, report):
        return False
    return getattr(actor, "authority_id", None) == selectors.reviewing_authority(report).pk


def _staff_over(actor: Any, report: AnnualReport) -> None:
    if not reviews(actor, report):
        raise PermissionDeniedError("只有受理备案的机关工作人员可以审阅年度工作总结", code="REPORT_NOT_REVIEWER")


def _initial_content(figures: selectors.EvaluationFigures) -> dict[str, Any]:
    return {
        **{k: "" for k in TEXT_KEYS},
        "training_scale": None,
        "levels": [
            {
                "evaluation_type": x.evaluation_type,
                "level": x.level,
                "applicants": x.applicants,
                "passes": x.passes,
                "registry_passes": x.passes,
                "registry_applicants": x.applicants,
                "reason": "",
            }
            for x in figures.levels
        ],
        "examiners": {code: list(people) for code, people in figures.examiners.items()},
    }


def report_start(*, filing: Filing, year: int, actor: Any) -> AnnualReport:
    """The institution's report of ``year`` (created as a draft pre-filled from the registry; the existing one
    if it was started before)."""
    _institution_of(actor, filing)
    today = clock.today()
    if year < selectors.first_year(filing):
        raise ValidationFailed(
            f"本机构于 {filing.filed_on:%Y年%m月%d日} 备案，{year}年度不在备案期间内，无须报送该年度工作总结",
            code="REPORT_YEAR_BEFORE_FILING",
            field="year",
        )
    if year > today.year:
        raise ValidationFailed(f"{year}年度尚未开始，不能填报", code="REPORT_YEAR_IN_FUTURE", field="year")
    with transaction.atomic():
        existing = AnnualReport.objects.select_for_update().filter(filing=filing, year=year).first()
        if existing is not None:
            return existing
        due = report_due(filing.region.code, year)
        now = clock.now()
        report = AnnualReport.objects.create(
            filing=filing,
            unit_id=filing.unit_id,
            region_id=filing.region_id,
            year=year,
            status=ReportStatus.DRAFT,
            content=_initial_content(selectors.evaluation_figures(filing, year)),
            due_on=due.due if due else None,
            created_at=now,
            updated_at=now,
        )
        AnnualReportChange.objects.create(
            report=report, action="create", to_status=ReportStatus.DRAFT, at=now, actor=actor
        )
        audit_record(
            actor=actor, action="annualreport.create", obj=report, summary=f"{filing.name} 起草{year}年度工作总结"
        )
    return report


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        return -1
    return n


def clean_content(report: AnnualReport, data: dict[str, Any], *, for_submission: bool) -> dict[str, Any]:
    """The report content from the form's data, or ``ValidationFailed`` with one message per field
    (``details["errors"]``: ``{"field", "message"}``). Figures changed from the registry need a reason."""
    errors: list[dict[str, str]] = []

    def err(field: str, message: str, code: str = "") -> None:
        errors.append({"field": field, "message": message, **({"code": code} if code else {})})

    content: dict[str, Any] = {}
    for key, heading, label in TEXT_FIELDS:
        text = str(data.get(key) or "").strip()
        if len(text) > MAX_TEXT:
            err(key, f"{label}不能超过 {MAX_TEXT} 字（现为 {len(text)} 字）", "TEXT_TOO_LONG")
        elif for_submission and not text:
            err(key, f"请填写{heading}中的“{label}”")
        content[key] = text
    scale = _int_or_none(data.get("training_scale"))
    if scale is not None and scale < 0:
        err("training_scale", "全年累计培训规模应为不小于 0 的整数（人次）")
    elif scale is None and for_submission:
        err("training_scale", "请填写全年累计培训规模（人次）")
    content["training_scale"] = scale
    levels = []
    for line in report.content.get("levels", []):
        key = level_key(line["evaluation_type"], line["level"])
        applicants = _int_or_none(data.get(f"{key}_applicants"))
        passes = _int_or_none(data.get(f"{key}_passes"))
        reason = str(data.get(f"{key}_reason") or "").strip()
        registry = line["registry_passes"]
        too_long = length_error(reason, limit=REASON_MAX, field=f"{key}_reason", label="修改原因")
        if too_long:
            errors.append(too_long)
        filed_applicants = line.get("registry_applicants")
        if passes is None:
            passes = registry
        if applicants is None and filed_applicants is not None and f"{key}_applicants" not in data:
            applicants = filed_applicants
        if passes < 0:
            err(f"{key}_passes", "合格人数应为不小于 0 的整数")
        elif passes != registry and not reason and not too_long:
            err(
                f"{key}_reason",
                f"合格人数与证书登记数据（{registry}人）不一致，请说明修改原因（审核人员可见）",
            )
        elif filed_applicants is not None and applicants != filed_applicants and not reason and not too_long:
            err(
                f"{key}_reason",
                f"报考人数与评价结果报备数据（{filed_applicants}人）不一致，请说明修改原因（审核人员可见）",
            )
        if applicants is not None and applicants < 0:
            err(f"{key}_applicants", "报考人数应为不小于 0 的整数")
        elif applicants is not None and passes >= 0 and applicants < passes:
            err(f"{key}_applicants", f"报考人数（{applicants}）不能少于合格人数（{passes}）")
        elif applicants is None and for_submission:
            err(f"{key}_applicants", "请填写报考人数（未开展的填 0）")
        levels.append(
            {
                "evaluation_type": line["evaluation_type"],
                "level": line["level"],
                "applicants": applicants,
                "passes": passes,
                "registry_passes": registry,
                "registry_applicants": filed_applicants,
                "reason": reason
                if passes != registry or (filed_applicants is not None and applicants != filed_applicants)
                else "",
            }
        )
    content["levels"] = levels
    examiners: dict[str, list[dict[str, str]]] = {}
    due = report_due(report.filing.region.code, report.year)
    needs_examiners = due is not None and due.template == "huainan"
    scope_lines = selectors.evaluation_figures(report.filing, report.year).filed_scope
    for line in scope_lines:
        raw = str(data.get(f"examiners_{line.code}") or "")
        people = []
        for n, row in enumerate(raw.splitlines(), start=1):
            parts = row.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) < 2:
                err(f"examiners_{line.code}", f"第{n}行应为“姓名 考评证书编码”")
                continue
            name, code = parts[0], " ".join(parts[1:])
            if len(name) > EXAMINER_NAME_MAX or len(code) > EXAMINER_CODE_MAX:
                err(
                    f"examiners_{line.code}",
                    f"第{n}行：姓名不能超过 {EXAMINER_NAME_MAX} 字（现为 {len(name)} 字），"
                    f"考评证书编码不能超过 {EXAMINER_CODE_MAX} 字（现为 {len(code)} 字）",
                    "TEXT_TOO_LONG",
                )
                continue
            people.append({"name": name, "certificate_code": code})
        if needs_examiners and for_submission and not people:
            err(
                f"examiners_{line.code}",
                f"请列出备案职业“{line.name}”的考评员基本信息（淮南市通知附件2：备案的每个工种均需列出考评员基本信息）",
            )
        examiners[line.code] = people
    content["examiners"] = examiners
    if errors:
        raise ValidationFailed(
            errors[0]["message"] if len(errors) == 1 else f"有 {len(errors)} 处需要修改，请查看各栏提示",
            code="REPORT_INVALID",
            field=errors[0]["field"],
            errors=errors,
        )
    return content


def report_save(*, report: AnnualReport, data: dict[str, Any], actor: Any) -> AnnualReport:
    """Save the draft (as often as the institution likes) while it is a draft or sent back."""
    _institution_of(actor, report.filing)
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().select_related("filing__region").get(pk=report.pk)
        if locked.status not in EDITABLE:
            raise TransitionNotAllowed(
                f"该年度工作总结{locked.get_status_display()}，不能再修改", code="REPORT_NOT_EDITABLE"
            )
        locked.content = clean_content(locked, data, for_submission=False)
        locked.updated_at = clock.now()
        locked.save(update_fields=["content", "updated_at"])
        audit_record(actor=actor, action="annualreport.save", obj=locked, summary=f"保存{locked.year}年度工作总结草稿")
    return locked


def _transition(report: AnnualReport, action: str, *, actor: Any, comment: str = "", summary: str = "") -> AnnualReport:
    """The one writer of ``AnnualReport.status``: lock, check the table, write history and audit."""
    spec = TRANSITIONS[action]
    froms, to, _who = spec
    locked = AnnualReport.objects.select_for_update().select_related("filing__region").get(pk=report.pk)
    if locked.status not in froms:
        messages = {
            "submitted": "该年度工作总结已报送，请等待审核，不能重复报送",
            "accepted": "该年度工作总结已被接收，不能再报送或修改",
        }
        raise TransitionNotAllowed(
            messages.get(locked.status, f"该年度工作总结当前为“{locked.get_status_display()}”，不能执行此操作"),
            code="REPORT_TRANSITION_NOT_ALLOWED",
        )
    now = clock.now()
    before = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if action == "submit":
        locked.submitted_at = now
        fields.append("submitted_at")
        if locked.first_submitted_at is None:
            locked.first_submitted_at = now
            fields.append("first_submitted_at")
    if action == "accept":
        locked.accepted_at = now
        fields.append("accepted_at")
    locked.updated_at = now
    locked.save(update_fields=fields)
    AnnualReportChange.objects.create(
        report=locked, action=action, from_status=before, to_status=to, comment=comment, at=now, actor=actor
    )
    audit_record(
        actor=actor,
        action=f"annualreport.{action}",
        obj=locked,
        summary=summary or f"{locked.filing.name} {locked.year}年度工作总结",
        before={"status": before},
        after={"status": to, **({"comment": comment} if comment else {})},
        rule="AH-4.2",
    )
    return locked


def report_submit(*, report: AnnualReport, data: dict[str, Any], actor: Any) -> AnnualReport:
    """Submit (or resubmit after a send-back): the complete content is frozen as the next version."""
    _institution_of(actor, report.filing)
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().select_related("filing__region").get(pk=report.pk)
        if current.status in EDITABLE:
            current.content = clean_content(current, data, for_submission=True)
            current.save(update_fields=["content"])
        locked = _transition(current, "submit", actor=actor, summary=f"报送{current.year}年度工作总结")
        number = locked.versions.count() + 1
        figures = selectors.evaluation_figures(locked.filing, locked.year)
        AnnualReportVersion.objects.create(
            report=locked,
            number=number,
            content=locked.content,
            registry=figures.as_dict(),
            submitted_at=locked.submitted_at or clock.now(),
            submitted_by=actor,
        )
        if number == 1 and locked.due_on is not None:
            submitted_on = timezone.localdate(locked.first_submitted_at)
            if submitted_on > locked.due_on:
                _record_miss(locked.filing, locked.year, MissKind.LATE, (submitted_on - locked.due_on).days)
        _notify_staff(locked)
    return locked


def report_return(*, report: AnnualReport, comment: str, actor: Any) -> AnnualReport:
    """Send the submitted report back with comments the institution must answer."""
    _staff_over(actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed("请填写退回修改意见", code="REPORT_COMMENT_REQUIRED", field="comment")
    check_length(comment, limit=COMMENT_MAX, field="comment", label="退回修改意见")
    with transaction.atomic():
        locked = _transition(report, "return", actor=actor, comment=comment, summary="退回年度工作总结")
        notify(
            [
                Notice(
                    u.pk,
                    f"annualreport:{locked.pk}:returned:{locked.versions.count()}",
                    f"{locked.year}年度工作总结被退回修改",
                    f"修改意见：{comment}",
                    reverse("annualreports:detail", args=[locked.pk]),
                )
                for u in get_user_model().objects.filter(unit_id=locked.unit_id, is_active=True)
            ]
        )
    return locked


def report_accept(*, report: AnnualReport, actor: Any, comment: str = "") -> AnnualReport:
    _staff_over(actor, report)
    comment = check_length((comment or "").strip(), limit=COMMENT_MAX, field="comment", label="接收意见")
    with transaction.atomic():
        return _transition(report, "accept", actor=actor, comment=comment, summary="接收年度工作总结")


def _notify_staff(report: AnnualReport) -> None:
    staff = get_user_model().objects.filter(authority=selectors.reviewing_authority(report), is_active=True)
    n = report.versions.count()
    notify(
        [
            Notice(
                u.pk,
                f"annualreport:{report.pk}:submitted:{n}",
                f"{report.filing.name}报送了{report.year}年度工作总结",
                f"第 {n} 次报送，请审阅。",
                reverse("annualreports:detail", args=[report.pk]),
            )
            for u in staff
            if scope.is_staff_member(u)
        ]
    )


# ----------------------------------------------------------------------------------------------- misses & reminders


def _record_miss(filing: Filing, year: int, kind: str, days: int) -> ReportMiss | None:
    """The report of ``year`` was not in by its due day: once per filing and year, with a credit-ledger event."""
    due = report_due(filing.region.code, year)
    if due is None or not due.from_pack or ReportMiss.objects.filter(filing=filing, year=year).exists():
        return None  # a due day the law does not set (the setting) is listed and reminded, never a credit record
    miss = ReportMiss.objects.create(
        filing=filing,
        year=year,
        due_on=due.due,
        kind=kind,
        days_late=days if kind == MissKind.LATE else None,
        basis=due.basis[:300],
        recorded_at=clock.now(),
    )
    credit_kind = CreditKind.REPORT_LATE if kind == MissKind.LATE else CreditKind.REPORT_MISSING
    note = (
        f"{year}年度工作总结逾期 {days} 天报送（截止 {due.due:%Y-%m-%d}）"
        if kind == MissKind.LATE
        else f"{year}年度工作总结截至 {due.due:%Y-%m-%d} 未报送"
    )
    credit_record(
        filing=filing, kind=credit_kind, on=due.due + dt.timedelta(days=1), basis=due.basis, source=miss, note=note
    )
    audit_record(actor=None, action="annualreport.miss", obj=miss, summary=f"{filing.name}：{note}", rule="AH-4.2")
    return miss


def report_misses_record(*, today: dt.date | None = None) -> int:
    """Record every report whose due day has passed without a submission (idempotent: once per filing, year)."""
    today = today or clock.today()
    count = 0
    rows = selectors.timeliness_rows(Filing.objects.filter(status__in=LIVE), today=today, states=("missing",))
    for filing, t in rows:
        with transaction.atomic():
            if _record_miss(filing, t.year, MissKind.MISSING, t.days_late) is not None:
                count += 1
    return count


def reminder_days() -> tuple[int, ...]:
    return tuple(
        sorted((int(x) for x in getattr(settings, "SKILLREG_ANNUAL_REPORT_REMINDER_DAYS", (7, 1))), reverse=True)
    )


def report_due_reminders(*, today: dt.date | None = None) -> list[Notice]:
    """Institutions N days before their report's due day (settings), while it is not submitted."""
    today = today or clock.today()
    offsets = reminder_days()
    out: list[Notice] = []
    filings = Filing.objects.filter(status__in=LIVE).select_related("region")
    years = {today.year - 1, today.year - 2}
    submitted = set(
        AnnualReport.objects.filter(year__in=years, first_submitted_at__isnull=False).values_list("filing_id", "year")
    )
    users: dict[int, list[int]] = {}
    for pk, unit_id in (
        get_user_model().objects.filter(unit_id__isnull=False, is_active=True).values_list("pk", "unit_id")
    ):
        users.setdefault(unit_id, []).append(pk)
    dues: dict[tuple[str, int], Any] = {}
    for f in filings:
        for year in sorted(years):
            if year < selectors.first_year(f) or (f.pk, year) in submitted:
                continue
            where = (f.region.code, year)
            if where not in dues:
                dues[where] = report_due(*where)
            due = dues[where]
            if due is None or not (today <= due.due):
                continue
            marks = [d for d in offsets if (due.due - today).days <= d]
            if not marks:
                continue
            mark = min(marks)
            body = (
                f"{f.name}：{year}年度工作总结须于 {due.due:%Y-%m-%d} 前报送（{due.basis}），"
                f"距截止还有 {(due.due - today).days} 天。逾期将记入信用记录。"
            )
            key = f"annualreport-due:{f.pk}:{year}:{mark}"
            out += [
                Notice(uid, key, f"{year}年度工作总结即将截止报送", body, reverse("annualreports:list"))
                for uid in users.get(f.unit_id, [])
            ]
    return out


def annual_reports_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily task: reminders before the due day, then misses after it."""
    today = today or clock.today()
    reminders = notify(report_due_reminders(today=today))
    misses = report_misses_record(today=today)
    return {"reminders": reminders, "misses": misses}
