"""Pre-fill providers state what they counted (AH-4.2, HN-2): inspections and rectifications from supervision."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.appraisals import providers
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.checklist import CQ26_ITEMS
from skillreg.supervision.services.inspections import inspection_conclude, inspection_propose
from skillreg.supervision.tests.conftest import cq_filing, wuxi_inspectors  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


@pytest.mark.req("AH-4.2")
def test_an_inspection_that_orders_rectification_prefills_both_items(cq_filing, wuxi_inspectors, wuxi_officer):  # noqa: F811
    assert providers.inspections(cq_filing, 2026, 100) is None  # no inspection: no data, scored by hand
    with at(DAY):
        inspection = inspection_propose(
            filing=cq_filing, inspector=wuxi_inspectors[0], department="市场监管局", proposal="群众反映",
            actor=wuxi_officer,
        )  # fmt: skip
        inspection_conclude(
            inspection=inspection,
            actor=wuxi_inspectors[0].user,
            checklist={k: {"ok": True, "note": ""} for k, _ in CQ26_ITEMS},
            findings="超范围评价",
            conclusion="rectify",
            requirements="停止超范围评价",
            due_on=DAY + dt.timedelta(days=30),
        )
        got = providers.inspections(cq_filing, 2026, 100)
        assert got is not None and got.score == 60 and "责令整改1次" in got.note
        rect = providers.rectifications(cq_filing, 2026, 20)
        assert rect is not None and rect.score == 10 and "尚未整改完成" in rect.note
        assert providers.inspections(cq_filing, 2025, 100) is None  # another year
        assert providers.certificates(cq_filing, 2026, 10) is None


def test_another_stream_registers_its_provider():
    providers.register("pass_rate_anomalies", lambda filing, year, top: providers.Prefill(top, "无异常", "评价结果"))
    try:
        got = providers.prefill("pass_rate_anomalies", None, 2026, 5)
        assert got is not None and got.score == 5
    finally:
        providers.PROVIDERS.pop("pass_rate_anomalies")
    assert providers.prefill("pass_rate_anomalies", None, 2026, 5) is None
