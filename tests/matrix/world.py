"""The objects the access matrix requests: for each role an object it owns or is assigned ("own") and one it
must not see ("other"). Built once per module through the real services, rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from skillreg.applications import services
from skillreg.core import testing

# "superuser": a staff account of the own objects' region that is also a superuser — it must get exactly what the
# system administrator gets (no case data, issue 12 item 2), so its expectations default to the admin's.
ROLES = (
    "anon", "institution", "staff", "expert", "inspector", "qsupervisor", "admin", "security_admin", "audit_admin",
    "superuser",
)  # fmt: skip


@dataclass
class World:
    users: dict[str, Any]
    own: dict[str, dict[str, Any]] = field(default_factory=dict)  # role → key → value
    other: dict[str, Any] = field(default_factory=dict)  # key → value (out of every role's scope)
    pii: list[str] = field(default_factory=list)  # plain personal data that no page may show

    def value(self, role: str, key: str, own: bool) -> Any:
        """A URL argument: ``=literal`` is used as is; otherwise the role's own object or the other one."""
        if key.startswith("="):
            return key[1:]
        if own:
            return self.own.get(role, {}).get(key, self.own["_default"][key])
        return self.other[key]


def _under_evaluation(user: Any, officer: Any, expert: Any, **draft: Any) -> Any:
    application = testing.make_complete_draft(user, **draft)
    services.application_submit(application=application, actor=user)
    services.application_accept(application=application, actor=officer)
    services.assessment_assign(application=application, actor=officer, method="material_check", expert=expert)
    application.refresh_from_db()
    return application


def build_world() -> World:
    from skillreg.deadlines.models import Confirmation
    from skillreg.notifications.models import Message
    from skillreg.portal.tests.factories import make_filing

    inst = testing.make_institution_user("m_inst_a", region_code="500238", seed=41)
    inst_b = testing.make_institution_user("m_inst_b", region_code="520100", seed=42)
    staff = testing.make_staff("m_staff", "hrss-500238")
    staff_b = testing.make_staff("m_staff_b", "hrss-520000")
    expert = testing.make_expert("m_expert")
    expert_b = testing.make_expert("m_expert_b")
    users = {
        "institution": inst,
        "staff": staff,
        "expert": expert,
        "inspector": testing.make_admin("m_inspector", "inspector"),
        "qsupervisor": testing.make_admin("m_qsupervisor", "qsupervisor"),
        "admin": testing.make_admin("m_admin", "admin"),
        "security_admin": testing.make_admin("m_security", "security_admin"),
        "audit_admin": testing.make_admin("m_audit", "audit_admin"),
        "superuser": testing.make_staff("m_root", "hrss-500238", is_superuser=True, is_staff=True),
    }
    app = _under_evaluation(inst, staff, expert)
    app_b = _under_evaluation(inst_b, staff_b, expert_b, region_code="520100", kind="employer")
    draft = testing.make_complete_draft(inst, institution_name="草稿评价中心")
    draft_b = testing.make_complete_draft(inst_b, region_code="520100", kind="employer")
    filing = make_filing(unit=inst.unit, region_code="500238")
    filing_b = make_filing(unit=inst_b.unit, region_code="520100", authority_code="hrss-520000")
    now = timezone.now()
    today = timezone.localdate()

    def confirmation(application: Any) -> int:
        return Confirmation.objects.create(
            application=application,
            clock="acceptance_decision",
            action="deem_accepted",
            requirement="CQ-10",
            label="受理决定期限",
            started_on=today - dt.timedelta(days=10),
            due_on=today,
            created_at=now,
        ).pk

    def message(user: Any) -> int:
        return Message.objects.create(
            recipient=user, subject="测试消息", body="正文", dedupe_key=f"matrix:{user.pk}", created_at=now
        ).pk

    def certificates_of(filing: Any, user: Any) -> dict[str, Any]:
        """An evaluation batch, one certificate and one import job of ``filing`` (issue 6)."""
        import io

        from skillreg.certificates import counts, numbers
        from skillreg.certificates.imports import import_job_create
        from skillreg.certificates.models import Certificate
        from skillreg.evaluations.tests.builders import plan_results_in
        from skillreg.occupations.models import Occupation

        batch = plan_results_in(
            filing=filing,
            actor=user,
            number="PJ-M-1",
            occupation_code="4-10-01-05",
            level=4,
            starts_on=dt.date(2026, 3, 2),
            ends_on=dt.date(2026, 3, 6),
            applicants=10,
            passes=8,
        )
        holder = testing.make_id_number("500238", "19980101", 321 if filing.code.startswith("S0238") else 654)
        cert = Certificate(
            number=numbers.compose(filing.code, 2026, 4, 1),
            filing=filing,
            batch=batch,
            holder_name="张三",
            holder_id=holder,
            holder_id_masked=holder[:6] + "********" + holder[-4:],
            occupation=Occupation.objects.get(code="4-10-01-05"),
            occupation_name="养老护理员",
            level=4,
            issue_date=dt.date(2026, 3, 10),
            created_at=timezone.now(),
        )
        cert.save()
        counts.recount([filing.pk])  # written around the services: the count summary follows
        from pathlib import Path

        from django.conf import settings

        Path(settings.MEDIA_ROOT, "cert-imports").mkdir(parents=True, exist_ok=True)
        job = import_job_create(
            filing=filing, actor=user, fileobj=io.BytesIO("证书编号\n".encode()), name="m.csv", mode="valid_only"
        )
        world_pii.append(holder)
        return {"certificate": cert.number, "batch": batch.pk, "import": job.public_id}

    def supervision_of(officer: Any, unit_user: Any, inspector: Any, region_code: str, authority_code: str) -> dict:
        """A notice with an objection, a plan, an inspector entry, an inspection, a complaint and a rectification
        (on a second filing, so the world's filing keeps its status) of ``officer``'s authority (issue 13)."""
        from skillreg.supervision.services import rectification_order
        from skillreg.supervision.services.complaints import complaint_submit
        from skillreg.supervision.services.inspections import inspection_propose
        from skillreg.supervision.services.notices import notice_publish, objection_submit
        from skillreg.supervision.services.plans import inspector_enrol, plan_create

        notice = notice_publish(
            kind="publicity", topic="selection", title="公示", body="正文", legal_basis="依据", actor=officer
        )
        objection = objection_submit(notice=notice, body="异议", submission_key=f"m-{officer.pk}").objection
        plan = plan_create(title="抽查", items="x", inspect_on=today, sample_size=1, per_target=1, actor=officer)
        entry = inspector_enrol(user=inspector, number=f"M{officer.pk}", actor=officer)
        second = make_filing(unit=unit_user.unit, region_code=region_code, authority_code=authority_code)
        inspection = inspection_propose(
            filing=second, inspector=entry, department="市场监管局", proposal="建议", actor=officer
        )
        complaint = complaint_submit(
            filing_code=second.code, category="fees", body="乱收费", submission_key=f"mc-{officer.pk}"
        ).complaint
        rect = rectification_order(filing=second, reason="违规", actor=officer)
        from skillreg.supervision.services.ratings import rating_submit

        ended = testing.make_complete_draft(unit_user)
        services.application_submit(application=ended, actor=unit_user)
        services.application_withdraw(application=ended, actor=unit_user, reason="撤回")
        rating = rating_submit(application=ended, grade=1, comment="办理太慢", actor=unit_user)
        return {
            "rated_case": ended.pk,
            "followup": rating.follow_up.pk,
            "notice": notice.pk,
            "objection": objection.pk,
            "plan": plan.pk,
            "entry": entry.pk,
            "inspection": inspection.pk,
            "complaint": complaint.pk,
            "rectification": rect.pk,
        }

    def quality_of(officer: Any, filing: Any, sup_user: Any, seq: int) -> dict[str, Any]:
        """An external supervisor of ``officer``'s register with a report (photo) on one plan of ``filing`` and
        an assignment still to report on another (issue 14 part 2)."""
        import io

        from skillreg.quality.services.assignments import assignment_designate, draw_commit, draw_run
        from skillreg.quality.services.register import supervisor_enrol
        from skillreg.quality.services.reports import report_file
        from skillreg.quality.tests.conftest import make_plan

        id_number = testing.make_id_number("500238", "19800101", 700 + seq)
        phone = f"1370000{seq:04d}"
        sup = supervisor_enrol(
            actor=officer,
            number=f"MQ-{seq}",
            name="督导员",
            id_number=id_number,
            phone=phone,
            unit_name="某职业学校",
            selected_on=today - dt.timedelta(days=60),
            selection_basis="遴选",
            term_from=today - dt.timedelta(days=30),
            term_to=today + dt.timedelta(days=365),
            user=sup_user,
        )
        world_pii.extend([id_number, phone])
        held = make_plan(filing, number=f"MQ-P{seq}", start=today, end=today + dt.timedelta(days=1))
        later = make_plan(
            filing, number=f"MQ-L{seq}", start=today + dt.timedelta(days=10), end=today + dt.timedelta(days=11)
        )
        draw = draw_run(row=draw_commit(plan=held, count=1, actor=officer), actor=officer)
        report = report_file(
            assignment=draw.assignments.get(),
            actor=sup_user,
            onsite_record="记录",
            verdict="compliant",
            photos=[(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "p.png")],
        )
        pending = assignment_designate(plan=later, supervisor=sup, reason="指定", actor=officer)
        return {
            "q_supervisor": sup.pk,
            "q_plan": held.pk,
            "q_draw": draw.pk,
            "q_report": report.pk,
            "q_photo": report.photos.get().pk,
            "q_assignment": pending.pk,
        }

    world_pii: list[str] = []
    certs = certificates_of(filing, inst)
    certs_b = certificates_of(filing_b, inst_b)
    sv = supervision_of(staff, inst, users["inspector"], "500238", "hrss-500238")
    sv_b = supervision_of(staff_b, inst_b, testing.make_admin("m_inspector_b", "inspector"), "520100", "hrss-520000")
    qs = quality_of(staff, filing, users["qsupervisor"], 1)
    qs_b = quality_of(staff_b, filing_b, testing.make_admin("m_qsupervisor_b", "qsupervisor"), 2)
    messages = {role: message(user) for role, user in users.items()}

    def annual_report_of(filing: Any, user: Any) -> int:  # issue 15: a submitted report of this year
        from skillreg.annualreports.services import report_start, report_submit
        from skillreg.annualreports.tests.test_reports import complete

        report = report_start(filing=filing, year=filing.filed_on.year, actor=user)
        return report_submit(report=report, data=complete(report), actor=user).pk

    common = {
        "app": app.public_id,
        "draft": draft.public_id,
        "material": app.materials.first().pk,
        "draft_material": draft.materials.first().pk,
        "assessment": app.assessments.get().pk,
        "confirmation": confirmation(app),
        "code": filing.code,
        "message": messages["institution"],
        "report": annual_report_of(filing, inst),
        **certs,
        **sv,
        **qs,
    }
    world = World(users=users)
    world.own["_default"] = common
    for role in users:
        world.own[role] = {"message": messages[role]}
    world.other = {
        "app": app_b.public_id,
        "draft": draft_b.public_id,
        "material": app_b.materials.first().pk,
        "draft_material": draft_b.materials.first().pk,
        "assessment": app_b.assessments.get().pk,
        "confirmation": confirmation(app_b),
        "code": filing_b.code,
        "message": message(inst_b),
        "report": annual_report_of(filing_b, inst_b),
        **certs_b,
        **sv_b,
        **qs_b,
    }
    for a in (app, app_b, draft, draft_b):
        world.pii += [a.legal_rep_id_number, a.head_id_number, a.legal_rep_phone, a.head_phone]
        world.pii += [p.phone for p in a.people.all() if p.phone]
    world.pii += world_pii
    return world
