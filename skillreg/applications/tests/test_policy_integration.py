"""The application ↔ rule-pack bridge: profiles built from the form, self-check, what-if over the database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from skillreg.applications import services
from skillreg.applications.eligibility import evaluate_application
from skillreg.applications.profile import build_profile
from skillreg.core import testing

pytestmark = pytest.mark.django_db


def _filed(user, officer, expert, **kwargs):
    app = testing.make_complete_draft(user, **kwargs)
    services.application_submit(application=app, actor=user)
    services.application_accept(application=app, actor=officer)
    task = services.assessment_assign(application=app, actor=officer, method="material_check", expert=expert)
    services.assessment_submit(assessment=task, actor=expert, opinion="符合", recommendation="approve")
    record = evaluate_application(app)
    checklist = [{"key": r["key"], "checked": True} for r in record["checklist"]]
    services.application_file(application=app, actor=officer, reasons="符合", basis="CQ-11", checklist=checklist)
    return app


def test_profile_counts_examiners_from_the_list_not_from_a_typed_number(wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, occupations=[("4-10-01-05", [5, 4, 3])])
    profile = build_profile(app)
    line = profile["scope"][0]
    assert line["facts"]["examiners"] == 5 and line["facts"]["own_examiners"] == 5
    # examiners qualified at level 3 may examine 3, 4 and 5
    assert {lf["level"]: lf["own_certified_examiners"] for lf in line["level_facts"]} == {5: 5, 4: 5, 3: 5}
    assert profile["facts"]["finance_staff"] == 2 and profile["facts"]["internal_quality_supervisors"] == 3
    assert profile["facts"]["evaluation_area"] == "county"  # from the routing field, not typed twice


def test_hn_att1_4_an_examiner_of_level_3_does_not_count_for_level_2(huainan_institution):
    app = testing.make_complete_draft(
        huainan_institution, kind="employer", region_code="340403", occupations=[("6-31-01-03", [3, 2])]
    )
    # the builder's examiners are qualified at the lowest number applied for (2) → count for 2 and 3
    levels = {lf["level"]: lf["own_certified_examiners"] for lf in build_profile(app)["scope"][0]["level_facts"]}
    assert levels == {3: 5, 2: 5}
    app.people.filter(role="examiner").update(level=3)
    levels = {lf["level"]: lf["own_certified_examiners"] for lf in build_profile(app)["scope"][0]["level_facts"]}
    assert levels == {3: 5, 2: 0}
    record = evaluate_application(app)
    assert record["verdict"] == "not_eligible"
    failed = [(r["requirement"], r["subject"]["level"]) for r in record["results"] if r["outcome"] == "fail"]
    assert failed == [("HN-att1-4", 2)]  # Huainan's attachment 1 refines Anhui's (docs/decisions.md)


def test_self_check_page_lists_unmet_conditions_with_citations(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, kind="employer", ownership="local", facts={"head_age": 66})
    client.force_login(wuxi_institution)
    page = client.get(reverse("apply:self_check", kwargs={"pid": app.public_id})).content.decode()
    assert "不符合" in page and "66" in page
    assert "溪人社发〔2021〕62号" in page  # the citation of WX's head-age rule


def test_policy_simulate_over_the_filed_institutions(wuxi_institution, wuxi_officer, expert, tmp_path):
    _filed(wuxi_institution, wuxi_officer, expert, kind="employer", ownership="local", facts={"office_area_m2": 220})
    draft = Path("policies/500238-wuxi/wx-2021-62.yaml").read_text(encoding="utf-8")
    assert "value: 200\n" in draft
    path = tmp_path / "draft.yaml"
    path.write_text(draft.replace("value: 200\n", "value: 250\n", 1), encoding="utf-8")
    out = io.StringIO()
    call_command("policy", "simulate", "--pack", str(path), stdout=out)
    text = out.getvalue()
    assert "结论改变 1" in text and "needs_review → not_eligible" in text
