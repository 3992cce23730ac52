"""Inspections (CQ-26, CQ-28): the checklist, findings with evidence, conclusion → rectification (CQ-30)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillreg.certificates.context import load_facts
from skillreg.certificates.rows import validity_faults
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.checklist import CQ26_ITEMS
from skillreg.supervision.models import Conclusion, InspectionSource
from skillreg.supervision.selectors import inspection_for, inspections_for
from skillreg.supervision.services.inspections import inspection_conclude, inspection_propose
from skillreg.supervision.services.plans import plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_OK = {k: {"ok": True, "note": ""} for k, _ in CQ26_ITEMS}


@pytest.fixture
def drawn(two_filings, wuxi_inspectors, wuxi_officer):
    with at(DAY):
        plan = plan_create(title="抽查", items="CQ-26", inspect_on=DAY, sample_size=1, per_target=2, actor=wuxi_officer)
        return plan_draw(plan=plan, actor=wuxi_officer)


def _lead(drawn, entries):
    inspection = drawn.inspections.get()
    return inspection, next(e for e in entries if e.pk == inspection.inspector_id)


@pytest.mark.req("CQ-26")
def test_a_finding_orders_rectification_and_the_registry_refuses_certificates(drawn, wuxi_inspectors, wuxi_officer):
    inspection, lead = _lead(drawn, wuxi_inspectors)
    items = {**ALL_OK, "scope": {"ok": False, "note": "超范围开展评价"}}
    with pytest.raises(ValidationFailed) as exc:
        inspection_conclude(
            inspection=inspection, actor=lead.user, checklist=items, findings="x", conclusion=Conclusion.COMPLIANT
        )
    assert exc.value.code == "CONCLUSION_INCONSISTENT"
    with pytest.raises(ValidationFailed) as exc:
        inspection_conclude(
            inspection=inspection,
            actor=lead.user,
            checklist={"filing": {"ok": True}},
            findings="x",
            conclusion=Conclusion.RECTIFY,
        )
    assert exc.value.code == "CHECKLIST_INCOMPLETE"
    with at(DAY):
        done = inspection_conclude(
            inspection=inspection,
            actor=lead.user,
            checklist=items,
            findings="在备案范围外开展评价",
            conclusion=Conclusion.RECTIFY,
            requirements="停止超范围评价",
            due_on=dt.date(2026, 12, 31),
            files=[(SimpleUploadedFile("现场照片.pdf", PDF), "现场照片.pdf")],
        )
        faults = [c for c, _ in validity_faults(load_facts(done.filing), DAY)]
    assert done.rectification is not None and done.rectification.is_open
    assert "CERT_DURING_RECTIFICATION" in faults
    assert [e.original_name for e in done.evidence.all()] == ["现场照片.pdf"]
    from skillreg.supervision.models import CreditEvent

    assert list(CreditEvent.objects.values_list("kind", flat=True)) == ["inspection_rectify"]
    with pytest.raises(TransitionNotAllowed):
        inspection_conclude(
            inspection=done, actor=lead.user, checklist=ALL_OK, findings="", conclusion=Conclusion.COMPLIANT
        )


def test_only_the_lead_inspector_concludes_and_inspectors_see_only_their_targets(
    drawn, wuxi_inspectors, wuxi_officer, guizhou_officer
):
    inspection, lead = _lead(drawn, wuxi_inspectors)
    others = [e for e in wuxi_inspectors if e.pk != lead.pk]
    with pytest.raises(PermissionDeniedError):
        inspection_conclude(
            inspection=inspection, actor=others[0].user, checklist=ALL_OK, findings="", conclusion=Conclusion.COMPLIANT
        )
    with pytest.raises(PermissionDeniedError):
        inspection_conclude(
            inspection=inspection, actor=wuxi_officer, checklist=ALL_OK, findings="", conclusion=Conclusion.COMPLIANT
        )
    drawn_keys = drawn.result["assignments"][0][1]
    for e in wuxi_inspectors:
        assert inspections_for(e.user).exists() == (e.number in drawn_keys)
    assert inspection_for(wuxi_officer, inspection.pk) == inspection
    assert not inspections_for(guizhou_officer).exists()
    ok = inspection_conclude(
        inspection=inspection, actor=lead.user, checklist=ALL_OK, findings="", conclusion=Conclusion.COMPLIANT
    )
    assert ok.rectification is None


@pytest.mark.req("CQ-28")
def test_another_department_proposes_an_inspection(cq_filing, wuxi_inspectors, wuxi_officer, guizhou_officer):
    with pytest.raises(ValidationFailed):
        inspection_propose(
            filing=cq_filing, inspector=wuxi_inspectors[0], department="", proposal="", actor=wuxi_officer
        )
    with pytest.raises(PermissionDeniedError):
        inspection_propose(
            filing=cq_filing,
            inspector=wuxi_inspectors[0],
            department="市场监管局",
            proposal="群众反映乱收费",
            actor=guizhou_officer,
        )
    inspection = inspection_propose(
        filing=cq_filing,
        inspector=wuxi_inspectors[0],
        department="市场监管局",
        proposal="群众反映乱收费",
        actor=wuxi_officer,
    )
    assert inspection.source == InspectionSource.PROPOSED
    assert inspection_for(wuxi_inspectors[0].user, inspection.pk) == inspection
