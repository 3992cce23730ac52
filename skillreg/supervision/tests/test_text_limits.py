"""Supervision refuses what is too long instead of cutting it: an inspection checklist note, the proposing
department, a notice's title and basis, a complainant's name and contact, a plan's title, an inspector's conflict
(too long: TEXT_TOO_LONG next to the field, nothing written, no audit record; at the limit: stored whole)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import ValidationFailed
from skillreg.core.textlimits import column_limit
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.checklist import CQ26_ITEMS
from skillreg.supervision.forms import PlanForm
from skillreg.supervision.models import (
    Complaint,
    Conclusion,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectorConflict,
    Notice,
    NoticeKind,
    NoticeTopic,
)
from skillreg.supervision.services.complaints import CONTACT_MAX, complaint_submit
from skillreg.supervision.services.inspections import CHECKLIST_NOTE_MAX, inspection_conclude, inspection_propose
from skillreg.supervision.services.notices import notice_publish
from skillreg.supervision.services.plans import PLAN_NOTICE_SUFFIX, inspector_conflict_declare, plan_create

from .test_inspections import ALL_OK, DAY, _lead, drawn  # noqa: F401  (drawn is a fixture)

pytestmark = pytest.mark.django_db


def _too_long(exc: pytest.ExceptionInfo[ValidationFailed], field: str, limit: int) -> None:
    assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == field
    assert f"不能超过 {limit} 字（现为 {limit + 1} 字）" in exc.value.message


def test_a_checklist_note_over_the_limit_is_refused_and_the_inspection_stays_open(drawn, wuxi_inspectors):  # noqa: F811
    inspection, lead = _lead(drawn, wuxi_inspectors)
    key = CQ26_ITEMS[0][0]
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            inspection_conclude(
                inspection=inspection,
                actor=lead.user,
                checklist={**ALL_OK, key: {"ok": True, "note": "记" * (CHECKLIST_NOTE_MAX + 1)}},
                findings="",
                conclusion=Conclusion.COMPLIANT,
            )
        _too_long(exc, f"note_{key}", CHECKLIST_NOTE_MAX)
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.OPEN and not inspection.checklist
        assert not AuditRecord.objects.filter(action="inspection.conclude").exists()
        done = inspection_conclude(
            inspection=inspection,
            actor=lead.user,
            checklist={**ALL_OK, key: {"ok": True, "note": "记" * CHECKLIST_NOTE_MAX}},
            findings="",
            conclusion=Conclusion.COMPLIANT,
        )
    assert done.checklist[key]["note"] == "记" * CHECKLIST_NOTE_MAX


def test_the_inspection_page_shows_the_note_error_next_to_the_note_and_keeps_it(
    client,
    drawn,  # noqa: F811
    wuxi_inspectors,
):
    inspection, lead = _lead(drawn, wuxi_inspectors)
    key = CQ26_ITEMS[0][0]
    typed = "记" * (CHECKLIST_NOTE_MAX + 3)
    url = reverse("supervision:inspection", args=[inspection.pk])
    client.force_login(lead.user)
    with at(DAY):
        assert f'maxlength="{CHECKLIST_NOTE_MAX}"' in client.get(url).content.decode()
        data = {f"ok_{k}": "1" for k, _ in CQ26_ITEMS} | {f"note_{key}": typed, "conclusion": Conclusion.COMPLIANT}
        page = client.post(url, data).content.decode()
    assert (
        f'id="note_{key}_error">{CQ26_ITEMS[0][1]}不能超过 {CHECKLIST_NOTE_MAX} 字（现为 {CHECKLIST_NOTE_MAX + 3} 字）'
        in page
    )
    assert f'value="{typed}"' in page
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.OPEN


def test_the_proposing_department_over_its_column_is_refused(cq_filing, wuxi_inspectors, wuxi_officer):
    limit = column_limit(Inspection, "proposed_by")
    args = {"filing": cq_filing, "inspector": wuxi_inspectors[0], "proposal": "群众反映乱收费", "actor": wuxi_officer}
    with pytest.raises(ValidationFailed) as exc:
        inspection_propose(department="局" * (limit + 1), **args)
    _too_long(exc, "department", limit)
    assert not Inspection.objects.exists()
    assert inspection_propose(department="局" * limit, **args).proposed_by == "局" * limit


def test_a_notice_title_or_basis_over_its_column_is_refused(wuxi_officer):
    title_max, basis_max = column_limit(Notice, "title"), column_limit(Notice, "legal_basis")
    args = {
        "kind": NoticeKind.PUBLICITY,
        "topic": NoticeTopic.SELECTION,
        "body": "拟遴选以下机构……",
        "actor": wuxi_officer,
    }
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            notice_publish(title="公" * (title_max + 1), legal_basis="渝人社发〔2020〕128号", **args)
        _too_long(exc, "title", title_max)
        with pytest.raises(ValidationFailed) as exc:
            notice_publish(title="公示", legal_basis="依" * (basis_max + 1), **args)
        _too_long(exc, "legal_basis", basis_max)
        assert not Notice.objects.exists()
        n = notice_publish(title="公" * title_max, legal_basis="依" * basis_max, **args)
    assert (n.title, n.legal_basis) == ("公" * title_max, "依" * basis_max)


def test_a_plan_title_that_would_not_fit_the_published_notice_is_refused(wuxi_officer, two_filings):
    limit = column_limit(Notice, "title") - len(PLAN_NOTICE_SUFFIX)
    assert PlanForm().fields["title"].max_length == limit  # the page's maxlength agrees
    args = {"items": "CQ-26", "inspect_on": DAY, "sample_size": 1, "per_target": 1, "actor": wuxi_officer}
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            plan_create(title="计" * (limit + 1), **args)
        _too_long(exc, "title", limit)
        assert not InspectionPlan.objects.exists() and not Notice.objects.exists()
        plan = plan_create(title="计" * limit, **args)
    assert plan.title == "计" * limit and plan.plan_notice.title == "计" * limit + PLAN_NOTICE_SUFFIX


def test_an_inspectors_conflict_reason_over_its_column_is_refused(cq_filing, wuxi_inspectors, wuxi_officer):
    limit = column_limit(InspectorConflict, "reason")
    with pytest.raises(ValidationFailed) as exc:
        inspector_conflict_declare(
            entry=wuxi_inspectors[0], filing=cq_filing, reason="亲" * (limit + 1), actor=wuxi_officer
        )
    _too_long(exc, "reason", limit)
    assert not InspectorConflict.objects.exists()
    c = inspector_conflict_declare(entry=wuxi_inspectors[0], filing=cq_filing, reason="亲" * limit, actor=wuxi_officer)
    assert c.reason == "亲" * limit


def test_a_complainants_name_or_contact_over_the_limit_is_refused(cq_filing):
    name_max = column_limit(Complaint, "name")
    args = {"filing_code": cq_filing.code, "category": "fees", "body": "收取高额考试费"}
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            complaint_submit(name="张" * (name_max + 1), submission_key="a", **args)
        _too_long(exc, "name", name_max)
        with pytest.raises(ValidationFailed) as exc:
            complaint_submit(contact="1" * (CONTACT_MAX + 1), submission_key="b", **args)
        _too_long(exc, "contact", CONTACT_MAX)
        assert not Complaint.objects.exists()
        lodged = complaint_submit(name="张" * name_max, contact="1" * CONTACT_MAX, submission_key="c", **args)
    lodged.complaint.refresh_from_db()
    assert (lodged.complaint.name, lodged.complaint.contact) == ("张" * name_max, "1" * CONTACT_MAX)
