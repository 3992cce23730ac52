"""Excel exports for staff (CQ-25, CQ-27): plans, draws, inspection results and complaints of their region,
formula-safe, complainants masked; read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.checklist import CQ26_ITEMS
from skillreg.supervision.models import Conclusion
from skillreg.supervision.services.complaints import complaint_answer, complaint_submit
from skillreg.supervision.services.inspections import inspection_conclude
from skillreg.supervision.services.plans import plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _sheet(client, kind):
    response = client.get(reverse("supervision:export", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Cache-Control"] == "private, no-store"
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def drawn(two_filings, wuxi_inspectors, wuxi_officer):
    with at(DAY):
        plan = plan_create(
            title="=抽查计划", items="CQ-26", inspect_on=DAY, sample_size=1, per_target=2, actor=wuxi_officer
        )
        return plan_draw(plan=plan, actor=wuxi_officer)


@pytest.mark.req("CQ-25")
def test_plans_draws_and_results_export_in_scope(client, drawn, wuxi_inspectors, wuxi_officer, guizhou_officer):
    inspection = drawn.inspections.get()
    lead = next(e for e in wuxi_inspectors if e.pk == inspection.inspector_id)
    with at(DAY):
        inspection_conclude(
            inspection=inspection,
            actor=lead.user,
            checklist={k: {"ok": True, "note": ""} for k, _ in CQ26_ITEMS},
            findings="",
            conclusion=Conclusion.COMPLIANT,
        )
    client.force_login(wuxi_officer)
    plans = _sheet(client, "plans")
    assert plans[0][0] == "计划名称" and len(plans) == 2
    assert plans[1][0] == "'=抽查计划"  # formula-safe: shown as text, never evaluated
    assert plans[1][8] == drawn.seed_hash and plans[1][9] == str(drawn.seed) and plans[1][10] == "已抽取，结果已公布"
    draws = _sheet(client, "draws")
    code = drawn.result["assignments"][0][0]
    assert draws[1][3:5] == (1, code) and len(draws) == 2
    assert set(draws[1][6].split("、")) == set(drawn.result["assignments"][0][1])  # numbers, never names
    results = _sheet(client, "results")
    assert results[1][0] == inspection.filing.code and results[1][6] == "未发现问题"
    client.force_login(guizhou_officer)
    assert len(_sheet(client, "plans")) == len(_sheet(client, "draws")) == len(_sheet(client, "results")) == 1


@pytest.mark.req("CQ-27")
def test_complaints_export_masks_the_complainant(client, cq_filing, wuxi_officer, guizhou_officer, wuxi_institution):
    with at(DAY):
        named = complaint_submit(
            filing_code=cq_filing.code,
            category="fees",
            body="收费过高",
            submission_key="x1",
            name="李小明",
            contact="13800138000",
        ).complaint
        complaint_submit(filing_code=cq_filing.code, category="other", body="+1", submission_key="x2")
        complaint_answer(complaint=named, outcome="unfounded", answer="经查收费合规", actor=wuxi_officer)
    with at(DAY + dt.timedelta(days=20)):
        client.force_login(wuxi_officer)
        rows = _sheet(client, "complaints")
    header, *data = rows
    assert header[:3] == ("受理编号", "受理时间", "备案编码") and len(data) == 2
    by_no = {r[0]: r for r in data}
    r = by_no[named.tracking_no]
    assert r[6] == "李**" and r[7] == "138****8000" and r[8] == "已办结" and r[11] == "经查不属实"
    assert "李小明" not in str(rows) and "13800138000" not in str(rows)
    anonymous = next(r for r in data if r[0] != named.tracking_no)
    assert anonymous[6] == "匿名" and anonymous[10] == "是"  # past its 15-day handling time, not answered
    client.force_login(guizhou_officer)
    assert len(_sheet(client, "complaints")) == 1
    client.force_login(wuxi_institution)
    assert client.get(reverse("supervision:export", args=["complaints"])).status_code == 404
    client.force_login(wuxi_officer)
    assert client.get(reverse("supervision:export", args=["nothing"])).status_code == 404
