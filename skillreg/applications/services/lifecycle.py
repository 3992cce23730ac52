"""Change (变更备案, CQ-13, AH-4.1, HN-1) and renewal (延续, CQ-14, GZ-8..12) applications of a filing.

They reuse the filing application entirely — the same form, the same state machine
(``applications.workflow``), the same clocks and review — with ``application_type`` change / renewal and
``for_filing`` set. What differs is here: starting a draft from the filing's current version, the checks
at submission (one open application per filing, no change during rectification, the renewal's
submission day against the latest day), and what the filing decision does (a new version of the same
filing, never a second filing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions import access
from skillreg.institutions.lifecycle import LIVE
from skillreg.institutions.models import Filing, FilingStatus
from skillreg.institutions.renewals import renewal_on_time
from skillreg.institutions.status import filing_transition
from skillreg.institutions.validity import filing_validity, validity_end
from skillreg.institutions.versions import VersionContent, content_from_application, content_of, filing_version_create
from skillreg.occupations.models import LEVEL_NAMES, Occupation

from ..models import TERMINAL_STATES, Application, ApplicationType, Equipment, Person, ScopeLine, State
from .drafts import application_submit

COPIED_FIELDS = [
    "institution_kind",
    "evaluation_types",
    "ownership",
    "coverage_area",
    "applicant_name",
    "applicant_address",
    "institution_name",
    "institution_address",
    "sponsor",
    "legal_rep_name",
    "head_name",
    "venue_description",
    "coverage_region",
    "coverage_industry",
    "coverage_unit",
    "region",
    "facts",
]
PII_COPIED = ["legal_rep_phone", "legal_rep_id_number", "head_phone", "head_id_number"]
KIND_LABEL: dict[str, str] = {ApplicationType.CHANGE: "变更备案", ApplicationType.RENEWAL: "延续备案"}
# GZ-10: an occupation below its own threshold drops out of the renewed scope; the others renew.
DROPS_OCCUPATION = {"GZ-10.2.per_occupation"}


def open_lifecycle_application(filing: Filing, exclude: Application | None = None) -> Application | None:
    qs = Application.objects.filter(
        for_filing=filing, application_type__in=[ApplicationType.CHANGE, ApplicationType.RENEWAL]
    ).exclude(state__in=TERMINAL_STATES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _check_can_apply(filing: Filing, kind: str, today: dt.date, exclude: Application | None = None) -> None:
    """Why ``filing`` may not get a change / renewal application today (each a defined answer, decisions.md)."""
    if filing.status == FilingStatus.RECTIFYING:
        raise TransitionNotAllowed(
            "机构正在整改中，整改期内不得申请变更或延续备案；请整改结束后再申请",
            code="LIFECYCLE_DURING_RECTIFICATION",
        )
    if filing.status not in (FilingStatus.ACTIVE, FilingStatus.EXPIRING):
        raise TransitionNotAllowed(
            f"机构当前状态为“{filing.get_status_display()}”，不能申请{KIND_LABEL[kind]}", code="FILING_NOT_LIVE"
        )
    other = open_lifecycle_application(filing, exclude=exclude)
    if other is not None:
        label = KIND_LABEL.get(other.application_type, "申请")
        raise TransitionNotAllowed(
            f"本机构已有一件{label}申请（{other.number or '草稿'}）尚未办结；请办结或撤回后再申请",
            code="LIFECYCLE_APPLICATION_OPEN",
        )
    if kind == ApplicationType.RENEWAL:
        if today > filing.valid_to:
            raise ValidationFailed(
                f"备案有效期已于 {filing.valid_to:%Y-%m-%d} 届满，不能再申请延续；如需继续开展评价，请重新申请备案",
                code="RENEWAL_AFTER_EXPIRY",
            )
        on_time, latest, limit = renewal_on_time(filing, today)
        if not on_time:
            basis = f"（{limit.basis}：{limit.label}）" if limit else ""
            raise ValidationFailed(
                f"延续申请最迟应于 {latest:%Y-%m-%d} 提交{basis}，今天（{today:%Y-%m-%d}）已逾期",
                code="RENEWAL_TOO_LATE",
            )


def lifecycle_draft_start(*, filing: Filing, kind: str, actor: Any) -> Application:
    """A change or renewal draft pre-filled from the application that made the filing's current version."""
    if kind not in (ApplicationType.CHANGE, ApplicationType.RENEWAL):
        raise ValidationFailed("申请类型不正确", code="APPLICATION_TYPE_INVALID")
    if not access.is_own_unit(actor, filing):
        raise PermissionDeniedError("只有本机构的用户可以申请变更或延续", code="NOT_APPLICANT")
    today = clock.today()
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)  # two starts at once: one waits
        _check_can_apply(locked, kind, today)
        version = locked.versions.filter(effective_to__isnull=True).first()
        source: Application = (version.application if version and version.application else None) or locked.application
        app = Application(
            application_type=kind,
            unit=locked.unit,
            for_filing=locked,
            created_by=actor,
            created_at=clock.now(),
            pledge_accepted=False,
        )
        for f in COPIED_FIELDS:
            setattr(app, f, getattr(source, f))
        if version is not None:  # the filed content, which may differ from the source form
            app.institution_name, app.institution_address = version.name, version.address
        app.save()
        for f in PII_COPIED:
            setattr(app, f, getattr(source, f))
        app.save(update_fields=PII_COPIED)
        for p in source.people.all():
            person = Person(
                application=app,
                role=p.role,
                name=p.name,
                occupation_id=p.occupation_id,
                level=p.level,
                certificate_code=p.certificate_code,
                own_staff=p.own_staff,
                full_time=p.full_time,
            )
            person.phone = p.phone
            person.id_number = p.id_number
            person.save()
        Equipment.objects.bulk_create(
            [
                Equipment(
                    application=app,
                    name=e.name,
                    brand=e.brand,
                    model=e.model,
                    quantity=e.quantity,
                    ownership=e.ownership,
                )
                for e in source.equipment.all()
            ]
        )
        lines = {(s.occupation_id): s for s in source.scope.all()}
        filed = {s.occupation_id: s.levels for s in version.scope.all()} if version else {}
        ScopeLine.objects.bulk_create(
            [
                ScopeLine(
                    application=app,
                    occupation_id=occ,
                    levels=levels,
                    evaluation_type=lines[occ].evaluation_type if occ in lines else app.evaluation_types[0],
                    facts=lines[occ].facts if occ in lines else {},
                )
                for occ, levels in filed.items()
            ]
        )
        audit_record(
            actor=actor,
            action=f"application.{kind}_start",
            obj=app,
            summary=f"{KIND_LABEL[kind]}申请草稿：{locked.name}（{locked.code}）",
            after={"filing": locked.code},
        )
    return app


def _changes(application: Application, current: VersionContent) -> list[str]:
    new = content_from_application(application)
    out = []
    for attr, label in [
        ("name", "机构名称"),
        ("address", "机构地址"),
        ("coverage", "评价范围"),
        ("venues", "场地情况"),
        ("kind", "机构类别"),
        ("evaluation_types", "评价类型"),
    ]:
        if getattr(new, attr) != getattr(current, attr):
            out.append(label)
    for key, label in [("legal_rep", "法定代表人"), ("head", "主要负责人")]:
        if new.people.get(key) != current.people.get(key):
            out.append(label)
    if new.people.get("examiners") != current.people.get("examiners"):
        out.append("考评人员")
    if {k: v for k, v in new.people.items() if k not in ("legal_rep", "head", "examiners")} != {
        k: v for k, v in current.people.items() if k not in ("legal_rep", "head", "examiners")
    }:
        out.append("其他人员")
    names = dict(Occupation.objects.filter(pk__in=set(new.scope) | set(current.scope)).values_list("pk", "name"))
    for occ in new.scope.keys() - current.scope.keys():
        out.append(f"增加职业 {names.get(occ, occ)}")
    for occ in current.scope.keys() - new.scope.keys():
        out.append(f"减少职业 {names.get(occ, occ)}")
    for occ in new.scope.keys() & current.scope.keys():
        if set(new.scope[occ]) != set(current.scope[occ]):
            out.append(f"调整职业 {names.get(occ, occ)} 的等级")
    return out


# Statements an applicant makes when submitting a renewal (GZ-8..10 第（一）项), asked on the submit form.
RENEWAL_STATEMENTS = {"currently_operating": "本机构处于正常开展职业技能等级认定工作（办学）状态"}


def lifecycle_submit(
    *,
    application: Application,
    actor: Any,
    version: int | None = None,
    pledge: bool | None = None,
    statements: dict[str, bool] | None = None,
) -> Application:
    """Submit a change or renewal application to the original filing authority (CQ-13), by the same
    procedure as a filing. Missing materials never block (the authority asks for a supplement, CQ-10).

    ``pledge`` / ``statements``: what the applicant ticks on the submit form (the pledge, GZ-12 "真实、准确、
    完整"; the renewal statements of ``RENEWAL_STATEMENTS``), saved with the submission in one transaction."""
    application.refresh_from_db()
    filing = application.for_filing
    if filing is None or application.application_type not in (ApplicationType.CHANGE, ApplicationType.RENEWAL):
        raise ValidationFailed("这不是变更或延续申请", code="APPLICATION_TYPE_INVALID")
    today = clock.today()
    kind = application.application_type
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        _check_can_apply(locked, kind, today, exclude=application)
        updates: dict[str, Any] = {}
        if pledge is not None:
            updates["pledge_accepted"] = bool(pledge)
        unknown = set(statements or {}) - set(RENEWAL_STATEMENTS)
        if unknown:
            raise ValidationFailed("声明事项不正确", code="STATEMENT_UNKNOWN")
        if statements:
            updates["facts"] = {**(application.facts or {}), **{k: bool(v) for k, v in statements.items()}}
        if updates:
            Application.objects.filter(pk=application.pk, state=State.DRAFT).update(**updates)
            application.refresh_from_db()
        current = locked.versions.filter(effective_to__isnull=True).first()
        if kind == ApplicationType.CHANGE and current is not None:
            changes = _changes(application, content_of(current))
            if not changes:
                raise ValidationFailed("申请内容与现备案信息相同，没有需要变更的事项", code="CHANGE_NOTHING")
            # Removing an occupation that still has certificates to report (GZ-13..15 reporting duty).
            _check_removed_occupations(application, current, locked)
        application_submit(
            application=application, actor=actor, version=version, accept_missing_materials=True, lifecycle=True
        )
        steps = (application.route or {}).get("steps", [])
        final = steps[-1]["authority"] if steps else ""
        if final != locked.authority.code:
            raise ValidationFailed(
                f"按申请内容，受理机关将变为“{steps[-1]['authority_name'] if steps else '—'}”，与原备案机关"
                f"“{locked.authority.name}”不同；变更备案须向原备案机关申请，请改为重新申请备案",
                code="LIFECYCLE_AUTHORITY_CHANGED",
            )
        if kind == ApplicationType.RENEWAL:
            filing_transition(
                filing=locked,
                action="apply_renewal",
                actor=actor,
                effective_on=today,
                reason=f"提交延续申请 {application.number}",
                source=f"application:{application.number}",
            )
    return application


def _check_removed_occupations(application: Application, current: Any, filing: Filing) -> None:
    """An occupation may leave the scope only when every evaluation batch of it has reported its passes."""
    from django.db.models import Count

    from skillreg.evaluations.models import EvaluationPlan

    kept = set(application.scope.values_list("occupation_id", flat=True))
    removed = [s.occupation for s in current.scope.select_related("occupation") if s.occupation_id not in kept]
    for occ in removed:
        short = [
            b
            for b in EvaluationPlan.objects.filter(filing=filing, occupation=occ).annotate(n=Count("certificates"))
            if b.n < b.passes
        ]
        if short:
            raise ValidationFailed(
                f"职业“{occ.name}”尚有 {len(short)} 个评价计划的证书未报齐（如 {short[0].number}：合格 "
                f"{short[0].passes} 人，已报 {short[0].n} 本）；请先上报证书数据，再申请减少该职业",
                code="CHANGE_REMOVES_UNREPORTED_OCCUPATION",
                field="scope",
            )


# ----------------------------------------------------------------------------- the filing decision


def dropped_occupations(record: dict[str, Any] | None) -> dict[str, str]:
    """Occupation code → reason, for renewal lines that fall below their own threshold (GZ-10)."""
    out: dict[str, str] = {}
    for r in (record or {}).get("results", []):
        if r.get("rule") in DROPS_OCCUPATION and r.get("outcome") in ("fail", "drop"):
            subject = r.get("subject") or {}
            if subject.get("occupation_code"):
                out[subject["occupation_code"]] = r.get("message", "")
    return out


def lifecycle_record_filter(record: dict[str, Any], application: Application) -> dict[str, Any]:
    """Only what changes is judged again (CQ-13, AH-4.1): for a change, occupation and level rules only
    for added lines and levels, plus HN-1 (every filed occupation keeps ≥5 examiners); for a renewal,
    a GZ-10 per-occupation failure drops that occupation instead of failing the renewal."""
    filing = application.for_filing
    if filing is None:
        return record
    if application.application_type == ApplicationType.RENEWAL:
        for r in record.get("results", []):
            if r.get("rule") in DROPS_OCCUPATION and r.get("outcome") == "fail":
                r["outcome"] = "drop"
                r["message"] = f"{r.get('message', '')}；该职业不予延续，其余职业照常延续"
        return record
    current = filing.versions.filter(effective_to__isnull=True).first()
    filed = {s.occupation.code: set(s.levels) for s in current.scope.select_related("occupation")} if current else {}
    kept = []
    for r in record.get("results", []):
        subject = r.get("subject") or {}
        code = subject.get("occupation_code")
        if not code or r.get("requirement") == "HN-1":
            kept.append(r)
            continue
        level = subject.get("level")
        if code not in filed or (level is not None and level not in filed[code]):
            kept.append(r)
    record["results"] = kept
    record["judged_again"] = "仅对新增的职业（工种）及等级重新判定；淮南每个备案职业仍须不少于5名考评员"
    return record


def lifecycle_file(*, application: Application, decision: Any, actor: Any) -> Any:
    """The filing decision of a change or renewal: a new version of the same filing, same code."""
    filing = Filing.objects.select_related("region").get(pk=int(application.for_filing_id or 0))
    if filing.status not in LIVE:
        # e.g. the institution left (exit, cancellation) while its change or renewal was being handled
        raise TransitionNotAllowed(
            f"机构当前状态为“{filing.get_status_display()}”，不能再予以变更或延续备案；请作出不予备案决定",
            code="FILING_NOT_LIVE",
        )
    current = filing.versions.filter(effective_to__isnull=True).first()
    content = content_from_application(application)
    today = clock.today()
    if application.application_type == ApplicationType.CHANGE:
        summary = "、".join(_changes(application, content_of(current))) if current else ""
        # A version lasts at least one day: a change decided on the day the current version took effect
        # takes effect the next day (docs/decisions.md, "Lifecycle (issue 10)").
        starts = max(today, current.effective_from + dt.timedelta(days=1)) if current else today
        return filing_version_create(
            filing=filing,
            content=content,
            effective_from=starts,
            valid_from=filing.valid_from,
            valid_to=filing.valid_to,
            actor=actor,
            change_kind="change",
            application=application,
            decision=decision,
            summary=summary or "变更备案",
        )
    dropped = dropped_occupations(decision.policy_record)
    if dropped:
        codes = dict(Occupation.objects.filter(code__in=dropped).values_list("pk", "code"))
        content.scope = {occ: lv for occ, lv in content.scope.items() if occ not in codes}
        if not content.scope:
            raise ValidationFailed("所有职业均未达到延续条件，请作出不予备案决定", code="RENEWAL_NOTHING_LEFT")
    start = filing.valid_to + dt.timedelta(days=1)  # no gap: the day after the old validity ends
    validity = filing_validity(filing.region.code, start)
    names = dict(Occupation.objects.filter(code__in=dropped).values_list("code", "name"))
    summary = f"延续备案，有效期 {start:%Y-%m-%d} 至 {validity_end(start, validity.years):%Y-%m-%d}" + (
        "；不予延续的职业：" + "、".join(f"{names.get(c, c)}" for c in dropped) if dropped else ""
    )
    version = filing_version_create(
        filing=filing,
        content=content,
        effective_from=start,
        valid_from=start,
        valid_to=validity_end(start, validity.years),
        actor=actor,
        change_kind="renewal",
        application=application,
        decision=decision,
        summary=summary,
    )
    filing_transition(
        filing=filing,
        action="renew",
        actor=actor,
        effective_on=today,
        reason=summary,
        basis=validity.basis,
        source=f"application:{application.number}",
    )
    return version


def level_text(levels: list[int]) -> str:
    return "、".join(LEVEL_NAMES[lv] for lv in sorted(levels, reverse=True))
