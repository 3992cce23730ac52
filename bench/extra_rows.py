"""Bounded, realistic supervision, complaint, report and inbox rows for an existing staff-bench database
(``python bench/staff_bench.py --reuse --extra``; issue 16, item 5). Not a test; bench data only.

The bench database (``staff_bench.build``) has 200 filed institutions, their evaluation plans, certificates and
100,000 cases, but no inspections, rectifications, complaints, quality reports, annual reports, appraisals or inbox
messages, so the pages that list those were measured on empty tables. ``generate()`` adds, for every filed
institution, over the three years since the bench's filing day (2024-01-08):

* **inspections** (4 each, CQ-26, proposed by another department, CQ-28): concluded by the authority's inspectors
  with the full checklist — 70 % without problems, 25 % ordered to rectify, 5 % serious — the last one still open for
  one institution in ten; each conclusion other than "compliant" has its **rectification** (ordered, answered,
  closed after review); one institution in eight is **rectifying now** (ordered through the real service
  ``rectification_order``, which moves the filing to 整改中 and audits it);
* **complaints** (40 each: 8,000, 1,200 in 巫溪县): answered within the handling period (30 % verified), those of
  the last weeks submitted or assigned, a few open past their due day;
* the **credit-ledger** events the services write with those (one per concluded inspection, closed rectification,
  verified complaint, late report);
* **quality supervision**: 10 external supervisors per authority (each with a sign-in), one designated to half of
  the evaluation plans that have started, each with the report they filed (75 % compliant, 20 % minor problems,
  5 % serious; 1–3 problems);
* **annual reports** for every owed year (submitted, mostly accepted, some returned or late; one in twenty years
  missing, recorded by the app's own ``report_misses_record``) and this year's drafts for a third;
* **appraisals** (Anhui institutions, whose packs have a scheme): last years' started, scored and confirmed through
  the real services, this year's started for half;
* **inbox messages**: 40,000 for the 巫溪县 officer and 20,000 for the province officer (90 % read).

Rows are bulk-inserted (like ``sweep_bench._generate``) with the states, foreign keys and ledger rows the services
would have left; bench rows carry no audit records (the services' own calls above do). Reproducible (seeded);
refuses to run twice (``Complaint`` rows already there).
"""

# ruff: noqa: S311, E501 - benchmark only: reproducible data

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import uuid
from typing import Any

INSPECTIONS, COMPLAINTS, SUPERVISORS, INSPECTORS = 4, 40, 10, 4
DISTRICT_MESSAGES, PROVINCE_MESSAGES = 40_000, 20_000


def _complaint(f: Any, rnd: random.Random, tracking_no: str, code: str, **fields: Any) -> Any:
    """A complaint about filing ``f`` as the public form leaves it (tracking number, hashed query code, submission
    key, the filing's authority and region), with ``fields`` for the rest."""
    from skillreg.supervision.models import Complaint
    from skillreg.supervision.services.notices import code_digest

    return Complaint(
        tracking_no=tracking_no,
        code_hash=code_digest(code),
        submission_key=uuid.UUID(int=rnd.getrandbits(128)).hex,
        filing=f,
        authority_id=f.authority_id,
        region_id=f.region_id,
        **fields,
    )


def log(*args: Any) -> None:
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def generate(seed: int = 2026) -> dict[str, int]:
    """All of it in one transaction: a failure leaves the database as it was."""
    from django.db import transaction

    with transaction.atomic():
        return _generate(seed)


def _generate(seed: int) -> dict[str, int]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from skillreg.accounts.models import Authority
    from skillreg.core import clock, testing
    from skillreg.deadlines.scan import tz
    from skillreg.institutions.models import Filing
    from skillreg.supervision.models import Complaint

    if Complaint.objects.exists():
        raise SystemExit("--extra: this database already has complaints (the extra rows are in); nothing done")
    rnd = random.Random(seed)
    today = clock.today()
    zone = tz()
    User = get_user_model()

    def at(day: dt.date, hour: int | None = None) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(hour if hour is not None else rnd.randint(8, 17), rnd.randint(0, 59)), tzinfo=zone
        )

    def day_between(a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=rnd.randint(0, max(0, (b - a).days)))

    filings = list(Filing.objects.select_related("region", "authority", "unit").order_by("pk"))
    officers = {
        a.pk: User.objects.select_related("authority__region").get(username=f"bench_{a.code}")
        for a in Authority.objects.filter(pk__in={f.authority_id for f in filings})
    }
    for f in filings:  # the institution's own user (it answers rectifications, writes its annual reports)
        f.bench_user = User.objects.filter(unit_id=f.unit_id).order_by("pk").first()
    if not User.objects.filter(username="bench_province").exists():
        testing.make_staff("bench_province", "hrss-500000")
    counts: dict[str, int] = {}
    started = time.perf_counter()
    counts.update(_supervision(rnd, filings, officers, today, at, day_between))
    log(f"extra: inspections, rectifications, credit events in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    counts.update(
        _complaints(rnd, filings, officers, today, at, day_between, settings.SKILLREG_COMPLAINT_HANDLING_DAYS)
    )
    log(f"extra: complaints in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    counts.update(_quality(rnd, filings, officers, today, at))
    log(f"extra: quality supervision in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    counts.update(_annual_reports(rnd, filings, today, at, day_between))
    log(f"extra: annual reports in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    counts.update(_appraisals(rnd, filings, officers, today))
    log(f"extra: appraisals in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    counts.update(_messages(rnd, today, at, day_between))
    log(f"extra: messages in {time.perf_counter() - started:.0f}s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log("extra rows:", counts)
    return counts


def _supervision(
    rnd: random.Random, filings: list[Any], officers: dict[int, Any], today: dt.date, at: Any, day_between: Any
) -> dict[str, int]:
    from django.utils import timezone

    from skillreg.core import testing
    from skillreg.supervision import basis
    from skillreg.supervision.checklist import CQ26_ITEMS
    from skillreg.supervision.models import (
        Conclusion,
        CreditEvent,
        Inspection,
        InspectionSource,
        InspectionStatus,
        InspectorEntry,
        Rectification,
    )
    from skillreg.supervision.services.rectification import rectification_order

    entries: dict[int, list[Any]] = {}
    for authority_id in officers:
        code = officers[authority_id].authority.code
        for i in range(INSPECTORS):
            user = testing.make_admin(
                f"bench_inspector_{code}_{i}", "inspector", display_name=f"检查员{code[-4:]}-{i + 1}"
            )
            entries.setdefault(authority_id, []).append(
                InspectorEntry.objects.create(authority_id=authority_id, user=user, number=f"JC{code[-6:]}{i + 1:03d}")
            )
    departments = ["市场监督管理部门", "教育部门", "行业主管部门", "审计部门"]
    findings = {
        Conclusion.RECTIFY: "评价过程记录不完整，部分考评人员未按规定回避；证书发放台账与评价结果不一致。",
        Conclusion.SERIOUS: "超出备案职业范围开展评价，考务过程存在弄虚作假情形。",
    }
    kinds = {"compliant": "inspection_compliant", "rectify": "inspection_rectify", "serious": "inspection_serious"}
    start = dt.date(2024, 2, 1)
    inspections: list[Any] = []
    plans: list[tuple[Any, list[Any]]] = []  # filing, [(inspection, conclusion, day)]
    rect_rows: list[Any] = []
    open_now: list[Any] = []
    for f in filings:
        days = sorted(day_between(start, today - dt.timedelta(days=20)) for _ in range(INSPECTIONS))
        insp_basis = basis.legal_basis("inspection", filing=f)
        rows = []
        for n, day in enumerate(days):
            entry = rnd.choice(entries[f.authority_id])
            still_open = n == len(days) - 1 and rnd.random() < 0.1
            r = rnd.random()
            conclusion = (
                ""
                if still_open
                else (Conclusion.COMPLIANT if r < 0.7 else Conclusion.RECTIFY if r < 0.95 else Conclusion.SERIOUS)
            )
            checklist = (
                {}
                if still_open
                else {
                    key: {
                        "ok": conclusion == Conclusion.COMPLIANT or k % 2 == 1,
                        "note": "" if conclusion == Conclusion.COMPLIANT or k % 2 else "不符合要求",
                    }
                    for k, (key, _label) in enumerate(CQ26_ITEMS)
                }
            )
            inspection = Inspection(
                filing=f,
                inspector=entry,
                source=InspectionSource.PROPOSED,
                proposed_by=rnd.choice(departments),
                proposal="日常监管中发现该机构评价活动可能存在问题，建议开展检查。",
                status=InspectionStatus.OPEN if still_open else InspectionStatus.CONCLUDED,
                checklist=checklist,
                findings="" if conclusion in ("", Conclusion.COMPLIANT) else findings[conclusion],
                conclusion=conclusion,
                created_at=at(day),
                concluded_at=None if still_open else at(day + dt.timedelta(days=rnd.randint(1, 10))),
            )
            inspections.append(inspection)
            rows.append((inspection, conclusion, entry, insp_basis))
        plans.append((f, rows))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    credit: list[Any] = []
    for f, rows in plans:
        rect_basis = basis.legal_basis("rectification", filing=f)
        for inspection, conclusion, entry, insp_basis in rows:
            if not conclusion:
                continue
            concluded = timezone.localdate(inspection.concluded_at)
            credit.append(
                CreditEvent(
                    filing=f,
                    kind=kinds[conclusion],
                    occurred_on=concluded,
                    basis=insp_basis[:300],
                    note=inspection.findings[:300],
                    source_type="inspection",
                    source_id=inspection.pk,
                    recorded_at=inspection.concluded_at,
                )
            )
            if conclusion == Conclusion.COMPLIANT:
                continue
            due = concluded + dt.timedelta(days=30)
            answered = concluded + dt.timedelta(days=rnd.randint(10, 28))
            ends = min(due + dt.timedelta(days=rnd.randint(0, 20)), today - dt.timedelta(days=1))
            rect = Rectification(
                filing=f,
                ordered_on=concluded,
                ends_on=ends,
                reason=inspection.findings,
                ordered_by=entry.user,
                ordered_at=inspection.concluded_at,
                closed_at=at(ends),
                closed_by=officers[f.authority_id],
                close_note="复查合格，整改到位。",
                requirements="完善评价过程记录，落实考评人员回避制度，核对证书发放台账。",
                due_on=due,
                answer="已按要求完成整改，补齐评价记录并核对台账。",
                answered_at=at(answered),
                answered_by=f.bench_user,
            )
            rect_rows.append((inspection, rect, rect_basis))
    Rectification.objects.bulk_create([r for _i, r, _b in rect_rows], batch_size=2000)
    for inspection, rect, rect_basis in rect_rows:
        inspection.rectification = rect
        credit.append(
            CreditEvent(
                filing_id=rect.filing_id,
                kind="rectification_closed",
                occurred_on=rect.ends_on,
                basis=rect_basis[:300],
                note=rect.close_note,
                source_type="rectification",
                source_id=rect.pk,
                recorded_at=rect.closed_at,
            )
        )
    Inspection.objects.bulk_update([i for i, _r, _b in rect_rows], ["rectification"], batch_size=2000)
    CreditEvent.objects.bulk_create(credit, batch_size=2000)
    # Rectifying now: through the real service (it moves the filing to 整改中 and audits), ordered in the last weeks.
    for f in filings:
        if rnd.random() < 0.125:
            ordered = today - dt.timedelta(days=rnd.randint(1, 40))
            open_now.append(
                rectification_order(
                    filing=f,
                    reason="日常监管中发现评价过程记录不完整。",
                    requirements="补齐评价过程记录，30日内报送整改情况。",
                    due_on=ordered + dt.timedelta(days=30),
                    ordered_on=ordered,
                    actor=officers[f.authority_id],
                )
            )
    return {
        "inspections": len(inspections),
        "rectifications": len(rect_rows) + len(open_now),
        "rectifying now": len(open_now),
        "credit events": len(credit),
    }


def _complaints(
    rnd: random.Random,
    filings: list[Any],
    officers: dict[int, Any],
    today: dt.date,
    at: Any,
    day_between: Any,
    handling: int,
) -> dict[str, int]:
    from django.utils import timezone

    from skillreg.supervision import basis
    from skillreg.supervision.models import Complaint, ComplaintCategory, ComplaintOutcome, ComplaintStatus, CreditEvent

    bodies = {
        ComplaintCategory.OUT_OF_SCOPE: "该机构组织了未备案职业（工种）的等级认定。",
        ComplaintCategory.MISCONDUCT: "考试现场监考人员离场，有考生互相传递答案。",
        ComplaintCategory.FEES: "报名时收取了公示标准以外的资料费和培训费。",
        ComplaintCategory.CERTIFICATE: "考试通过三个月仍未收到证书，查询不到证书信息。",
        ComplaintCategory.OTHER: "机构咨询电话长期无人接听，无法了解认定安排。",
    }
    rows: list[Any] = []
    n = 0
    start = dt.date(2024, 2, 1)
    for f in filings:
        officer = officers[f.authority_id]
        for _ in range(COMPLAINTS):
            n += 1
            submitted = day_between(start, today)
            age = (today - submitted).days
            category = rnd.choice(list(ComplaintCategory))
            if age <= handling + 5 and rnd.random() < 0.8 or rnd.random() < 0.003:
                status = rnd.choice([ComplaintStatus.SUBMITTED, ComplaintStatus.ASSIGNED])
                answered = None
            else:
                status = ComplaintStatus.ANSWERED
                answered = min(submitted + dt.timedelta(days=rnd.randint(2, handling)), today)
            outcome = (
                (ComplaintOutcome.VERIFIED if rnd.random() < 0.3 else ComplaintOutcome.UNFOUNDED) if answered else ""
            )
            rows.append(
                _complaint(
                    f,
                    rnd,
                    f"TS{submitted:%Y%m%d}{n:06d}",
                    f"BENCH{n:08d}",
                    category=category,
                    name="" if rnd.random() < 0.4 else rnd.choice("王李张刘陈杨") + rnd.choice(["先生", "女士"]),
                    contact="",
                    body=bodies[category],
                    submitted_at=at(submitted),
                    due_on=submitted + dt.timedelta(days=handling),
                    status=status,
                    assigned_to=officer if status != ComplaintStatus.SUBMITTED else None,
                    outcome=outcome,
                    answer="经核查，情况属实，已责成该机构改正。"
                    if outcome == ComplaintOutcome.VERIFIED
                    else ("经核查，未发现所反映的问题。" if outcome else ""),
                    answered_at=at(answered) if answered else None,
                    answered_by=officer if answered else None,
                )
            )
    Complaint.objects.bulk_create(rows, batch_size=2000)
    bases: dict[int, str] = {}
    credit = []
    for c in rows:
        if c.outcome == ComplaintOutcome.VERIFIED:
            if c.filing_id not in bases:
                bases[c.filing_id] = basis.legal_basis("complaints", filing=c.filing)[:300]
            credit.append(
                CreditEvent(
                    filing_id=c.filing_id,
                    kind="complaint_verified",
                    occurred_on=timezone.localdate(c.answered_at),
                    basis=bases[c.filing_id],
                    note=c.answer,
                    source_type="complaint",
                    source_id=c.pk,
                    recorded_at=c.answered_at,
                )
            )
    CreditEvent.objects.bulk_create(credit, batch_size=2000)
    open_ = sum(1 for c in rows if c.status != ComplaintStatus.ANSWERED)
    return {"complaints": len(rows), "complaints open": open_, "complaint credit events": len(credit)}


def _quality(
    rnd: random.Random, filings: list[Any], officers: dict[int, Any], today: dt.date, at: Any
) -> dict[str, int]:
    from skillreg.core import testing
    from skillreg.evaluations.models import EvaluationPlan
    from skillreg.quality.models import (
        AssignmentStatus,
        ExternalSupervisor,
        QualityReport,
        ReportProblem,
        SupervisorAssignment,
        Verdict,
    )

    by_authority: dict[int, list[Any]] = {}
    for authority_id, officer in officers.items():
        code = officer.authority.code
        division = officer.authority.region.code[:6]
        for i in range(SUPERVISORS):
            user = testing.make_admin(f"bench_qs_{code}_{i}", "qsupervisor", display_name=f"督导员{code[-4:]}-{i + 1}")
            by_authority.setdefault(authority_id, []).append(
                ExternalSupervisor.objects.create(
                    authority_id=authority_id,
                    number=f"DD{code[-6:]}{i + 1:03d}",
                    name=rnd.choice("王李张刘陈杨黄赵") + rnd.choice(["建国", "丽华", "志强", "秀英", "海燕"]),
                    id_number=testing.make_id_number(division if division.isdigit() else "500238", seq=100 + i),
                    unit_name="职业技能鉴定指导中心",
                    selected_on=dt.date(2023, 12, 1),
                    selection_basis="人社职司便函〔2020〕53号",
                    term_from=dt.date(2024, 1, 1),
                    term_to=dt.date(2026, 12, 31),
                    user=user,
                    created_at=at(dt.date(2023, 12, 1)),
                    created_by=officer,
                )
            )
    plans = list(EvaluationPlan.objects.filter(starts_on__lte=today).select_related("filing").order_by("pk"))
    assignments, reports, problems = [], [], []
    for plan in plans:
        if rnd.random() >= 0.5:
            continue
        supervisor = rnd.choice(by_authority[plan.filing.authority_id])
        assignments.append(
            SupervisorAssignment(
                plan=plan,
                supervisor=supervisor,
                status=AssignmentStatus.REPORTED,
                assigned_at=at(plan.starts_on - dt.timedelta(days=3)),
            )
        )
    SupervisorAssignment.objects.bulk_create(assignments, batch_size=2000)
    for a in assignments:
        r = rnd.random()
        verdict = Verdict.COMPLIANT if r < 0.75 else Verdict.MINOR if r < 0.95 else Verdict.SERIOUS
        filed = min(a.plan.ends_on, today)
        reports.append(
            QualityReport(
                assignment=a,
                onsite_record="现场核查考场设置、考务安排、考评人员到岗和考生身份核验情况。",
                verdict=verdict,
                filed_at=at(filed, 18),
                filed_by=a.supervisor.user,
            )
        )
    QualityReport.objects.bulk_create(reports, batch_size=2000)
    for rep in reports:
        if rep.verdict != Verdict.COMPLIANT:
            for seq in range(1, rnd.randint(1, 3) + 1):
                problems.append(
                    ReportProblem(
                        report=rep,
                        seq=seq,
                        description=rnd.choice(
                            ["考场监控未全程录像", "考评人员未签署回避承诺", "考生身份核验记录缺失"]
                        ),
                    )
                )
    ReportProblem.objects.bulk_create(problems, batch_size=2000)
    return {
        "external supervisors": sum(len(v) for v in by_authority.values()),
        "quality reports": len(reports),
        "report problems": len(problems),
    }


def _annual_reports(
    rnd: random.Random, filings: list[Any], today: dt.date, at: Any, day_between: Any
) -> dict[str, int]:
    from skillreg.annualreports import selectors as ar
    from skillreg.annualreports.models import (
        AnnualReport,
        AnnualReportChange,
        AnnualReportVersion,
        MissKind,
        ReportMiss,
        ReportStatus,
    )
    from skillreg.annualreports.services import _initial_content, report_misses_record
    from skillreg.annualreports.windows import report_due
    from skillreg.supervision.models import CreditEvent

    reports, versions, changes, misses = [], [], [], []
    plan: list[tuple[Any, Any, list[tuple[str, str, str, dt.datetime]]]] = []
    for f in filings:
        author = f.bench_user
        for year in [*ar.owed_years(f, today), today.year]:
            due = report_due(f.region.code, year)
            due_on = due.due if due else None
            content = _initial_content(ar.evaluation_figures(f, year))
            created = at(dt.date(year, 12, 1) if year < today.year else day_between(dt.date(year, 6, 1), today))
            if year == today.year:
                if rnd.random() < 1 / 3:
                    reports.append(
                        AnnualReport(
                            filing=f,
                            unit_id=f.unit_id,
                            region_id=f.region_id,
                            year=year,
                            status=ReportStatus.DRAFT,
                            content=content,
                            due_on=due_on,
                            created_at=created,
                            updated_at=created,
                        )
                    )
                    plan.append((reports[-1], author, [("create", "", ReportStatus.DRAFT, created)]))
                continue
            if rnd.random() < 0.05:
                continue  # missing: recorded below by the app's own sweep
            late = rnd.random() < 0.1 and due_on is not None
            base = due_on or dt.date(year + 1, 3, 31)
            submitted_on = (
                base + dt.timedelta(days=rnd.randint(1, 40)) if late else base - dt.timedelta(days=rnd.randint(1, 40))
            )
            submitted = at(submitted_on)
            r = rnd.random()
            status = ReportStatus.SUBMITTED if r < 0.15 else ReportStatus.RETURNED if r < 0.2 else ReportStatus.ACCEPTED
            if year < today.year - 1 and status == ReportStatus.SUBMITTED:
                status = ReportStatus.ACCEPTED
            later = at(min(submitted_on + dt.timedelta(days=rnd.randint(3, 20)), today))
            steps = [
                ("create", "", ReportStatus.DRAFT, created),
                ("submit", ReportStatus.DRAFT, ReportStatus.SUBMITTED, submitted),
            ]
            if status == ReportStatus.ACCEPTED:
                steps.append(("accept", ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, later))
            elif status == ReportStatus.RETURNED:
                steps.append(("return", ReportStatus.SUBMITTED, ReportStatus.RETURNED, later))
            reports.append(
                AnnualReport(
                    filing=f,
                    unit_id=f.unit_id,
                    region_id=f.region_id,
                    year=year,
                    status=status,
                    content=content,
                    due_on=due_on,
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    accepted_at=later if status == ReportStatus.ACCEPTED else None,
                    created_at=created,
                    updated_at=steps[-1][3],
                )
            )
            plan.append((reports[-1], author, steps))
            if late and due is not None and due.from_pack:
                misses.append(
                    (
                        ReportMiss(
                            filing=f,
                            year=year,
                            due_on=due_on,
                            kind=MissKind.LATE,
                            days_late=(submitted_on - due_on).days,
                            basis=due.basis[:300],
                            recorded_at=submitted,
                        ),
                        due,
                    )
                )
    AnnualReport.objects.bulk_create(reports, batch_size=1000)
    for report, author, steps in plan:
        for action, before, to, when in steps:
            changes.append(
                AnnualReportChange(
                    report=report,
                    action=action,
                    from_status=before,
                    to_status=to,
                    comment="请补充考评人员名单。" if action == "return" else "",
                    at=when,
                    actor=author,
                )
            )
            if action == "submit":
                versions.append(
                    AnnualReportVersion(
                        report=report,
                        number=1,
                        content=report.content,
                        registry={},
                        submitted_at=when,
                        submitted_by=author,
                    )
                )
    AnnualReportVersion.objects.bulk_create(versions, batch_size=1000)
    AnnualReportChange.objects.bulk_create(changes, batch_size=2000)
    ReportMiss.objects.bulk_create([m for m, _d in misses])
    CreditEvent.objects.bulk_create(
        [
            CreditEvent(
                filing_id=m.filing_id,
                kind="report_late",
                occurred_on=m.due_on + dt.timedelta(days=1),
                basis=m.basis,
                note=f"{m.year}年度工作总结逾期 {m.days_late} 天报送（截止 {m.due_on:%Y-%m-%d}）",
                source_type="reportmiss",
                source_id=m.pk,
                recorded_at=m.recorded_at,
            )
            for m, _d in misses
        ]
    )
    missing = report_misses_record(today=today)  # the app's own sweep: misses and their credit events, audited
    return {
        "annual reports": len(reports),
        "report versions": len(versions),
        "late reports": len(misses),
        "missing reports": missing,
    }


def _appraisals(rnd: random.Random, filings: list[Any], officers: dict[int, Any], today: dt.date) -> dict[str, int]:
    from skillreg.appraisals import selectors as ap
    from skillreg.appraisals.services import appraisal_confirm, appraisal_score, appraisal_start

    n = 0
    for f in filings:
        if not ap.has_scheme(f, today):
            continue
        officer = officers[f.authority_id]
        for year in range(f.filed_on.year, today.year + 1):
            if year == today.year and rnd.random() < 0.5:
                continue
            appraisal = appraisal_start(filing=f, year=year, actor=officer)
            n += 1
            if year == today.year:
                continue
            data = {}
            for item in appraisal.scheme["items"]:
                prefilled = (appraisal.scores.get(item["code"]) or {}).get("score")
                score = prefilled if prefilled is not None else round(item["max_score"] * rnd.uniform(0.6, 1.0))
                data[item["code"]] = (str(score), "" if prefilled is not None else "现场核查评分")
            appraisal = appraisal_score(appraisal=appraisal, data=data, actor=officer)
            appraisal_confirm(appraisal=appraisal, actor=officer)
    return {"appraisals": n}


def _messages(rnd: random.Random, today: dt.date, at: Any, day_between: Any) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from skillreg.notifications.models import Message

    User = get_user_model()
    subjects = [
        ("评价机构报送了年度工作总结", "第 1 次报送，请审阅。", "/annual-reports/"),
        ("投诉举报即将到期", "请在办理期限内办结并答复投诉举报人。", "/supervision/"),
        ("办件即将超过办理时限", "请及时处理。", "/staff/"),
        ("督导报告已提交", "外部质量督导员提交了督导报告。", "/quality/"),
        ("整改情况报告已提交", "机构提交了整改情况报告，请复查。", "/supervision/"),
    ]
    rows = []
    start = dt.date(2024, 2, 1)
    for username, n in (("bench_hrss-500238", DISTRICT_MESSAGES), ("bench_province", PROVINCE_MESSAGES)):
        user = User.objects.get(username=username)
        for i in range(n):
            subject, body, link = subjects[i % len(subjects)]
            day = day_between(start, today)
            created = at(day)
            read = (today - day).days > 14 or rnd.random() < 0.5
            rows.append(
                Message(
                    recipient=user,
                    subject=subject,
                    body=body,
                    link=link,
                    dedupe_key=f"bench:{i}",
                    created_at=created,
                    read_at=created + dt.timedelta(hours=rnd.randint(1, 72)) if read else None,
                    emailed_at=created,
                )
            )
    Message.objects.bulk_create(rows, batch_size=5000)
    return {"messages": len(rows)}


def backlog(n: int, seed: int = 7) -> int:
    """``n`` more open complaints (submitted or assigned, the last 120 days, many past their handling deadline)
    spread over the Chongqing filings: a backlog, to show that the staff home's work no longer grows with it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from skillreg.core import clock
    from skillreg.deadlines.scan import tz
    from skillreg.institutions.models import Filing
    from skillreg.supervision.models import Complaint, ComplaintStatus

    rnd = random.Random(seed)
    today, zone, handling = clock.today(), tz(), settings.SKILLREG_COMPLAINT_HANDLING_DAYS
    filings = list(Filing.objects.filter(region__code__startswith="50").order_by("pk"))
    officers = {u.authority_id: u for u in get_user_model().objects.filter(username__startswith="bench_hrss-50")}
    rows = []
    for i in range(n):
        f = filings[i % len(filings)]
        day = today - dt.timedelta(days=rnd.randint(0, 120))
        status = rnd.choice([ComplaintStatus.SUBMITTED, ComplaintStatus.ASSIGNED])
        rows.append(
            _complaint(
                f,
                rnd,
                f"TB{day:%Y%m%d}{i:06d}",
                f"BACKLOG{i:08d}",
                category="fees",
                body="报名时收取了公示标准以外的资料费。",
                submitted_at=dt.datetime.combine(day, dt.time(rnd.randint(8, 17)), tzinfo=zone),
                due_on=day + dt.timedelta(days=handling),
                status=status,
                assigned_to=officers.get(f.authority_id) if status == ComplaintStatus.ASSIGNED else None,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
