"""The filing workflow end to end at the service level (CQ-9..CQ-12, HN-1, AH-2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.http import Http404

from skillreg.applications import selectors, services
from skillreg.applications.models import Application, Event, State
from skillreg.audit.models import AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.core import testing
from skillreg.core.errors import ConcurrentChange, PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.models import Filing

pytestmark = pytest.mark.django_db

FILING_CODE_RE = re.compile(r"^[YS]\d{4}\d{2}\d{6}$")


def _assess(application, officer, expert):
    services.assessment_assign(application=application, actor=officer, method="material_check", expert=expert)
    task = application.assessments.get()
    services.assessment_submit(
        assessment=task, actor=expert, opinion="材料齐全，场地符合要求。", recommendation="approve"
    )


def _confirm_all(application):
    from skillreg.applications.eligibility import evaluate_application

    record = evaluate_application(application)
    return [{"key": r["key"], "checked": True, "comment": "已核查"} for r in record["checklist"]]


@pytest.mark.req("CQ-8", "CQ-9", "CQ-10")
def test_cq10_submit_incomplete_lists_every_missing_item_and_changes_nothing(wuxi_institution):
    app = testing.make_complete_draft(
        wuxi_institution, skip_materials=("credit_report", "pledge"), pledge_accepted=False
    )
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(application=app, actor=wuxi_institution)
    missing = [m["message"] for m in exc.value.details["missing"]]
    assert "未上传材料：申请备案机构信用报告" in missing
    assert "未上传材料：申请备案材料真实性承诺书" in missing
    assert "未勾选备案人承诺" in missing
    assert len(missing) == 3
    app.refresh_from_db()
    assert app.state == State.DRAFT and app.number is None
    assert AuditRecord.objects.count() == before


@pytest.mark.req("CQ-6", "CQ-15")
def test_cq6_wuxi_county_social_org_is_routed_to_the_county(wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, kind="social_org", coverage_area="county")
    services.application_submit(application=app, actor=wuxi_institution)
    assert app.state == State.SUBMITTED
    assert app.authority.code == "hrss-500238"
    assert app.route["publicity_required"] is True
    assert app.route["copy_to"] == ["center-500000"]  # CQ-15
    assert re.match(r"^BA50\d{4}\d{7}$", app.number)


@pytest.mark.req("CQ-3", "CQ-6")
def test_cq6_city_wide_social_org_and_central_employer_go_to_the_city_centre(wuxi_institution):
    a = testing.make_complete_draft(wuxi_institution, kind="social_org", coverage_area="city_wide")
    services.application_submit(application=a, actor=wuxi_institution)
    assert a.authority.code == "center-500000"
    b = testing.make_complete_draft(wuxi_institution, kind="employer", ownership="central")
    services.application_submit(application=b, actor=wuxi_institution)
    assert b.authority.code == "center-500000"
    c = testing.make_complete_draft(wuxi_institution, kind="employer", ownership="local")
    services.application_submit(application=c, actor=wuxi_institution)
    assert c.authority.code == "hrss-500238"


@pytest.mark.req("CQ-10", "CQ-11")
def test_full_lifecycle_supplement_accept_evaluate_publicise_file(wuxi_institution, wuxi_officer, expert):
    app = testing.make_complete_draft(wuxi_institution)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)):
        services.application_submit(application=app, actor=wuxi_institution)
        services.supplement_request(
            application=app, actor=wuxi_officer, items=["场地设备设施等资产辅证材料：租赁合同"], note="请补正"
        )
        assert app.state == State.SUPPLEMENT_REQUESTED
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        services.material_upload(
            application=app,
            actor=wuxi_institution,
            kind="assets",
            fileobj=testing.upload(testing.PDF_BYTES, "租赁合同.pdf"),
            name="租赁合同.pdf",
        )
        services.supplement_complete(application=app, actor=wuxi_institution, note="已补充租赁合同")
        assert app.state == State.RESUBMITTED
        # CQ-10: the day the supplement is complete counts as the day of receipt
        assert app.received_at.date() == dt.date(2026, 3, 10)
        services.application_accept(application=app, actor=wuxi_officer)
        _assess(app, wuxi_officer, expert)
        with pytest.raises(TransitionNotAllowed) as exc:
            services.application_file(
                application=app, actor=wuxi_officer, reasons="符合条件", basis="渝人社发〔2020〕128号第十一条"
            )
        assert exc.value.code == "PUBLICITY_REQUIRED"
        # issue 12, item 14: a notice back-dated so that it could be closed at once is refused
        with pytest.raises(ValidationFailed) as backdated:
            services.publicity_start(
                application=app,
                actor=wuxi_officer,
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 3, 7),
                text="拟备案公示",
            )
        assert backdated.value.code == "PUBLICITY_BACKDATED"
        services.publicity_start(
            application=app,
            actor=wuxi_officer,
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 3, 16),
            text="拟备案公示",
        )
        with pytest.raises(TransitionNotAllowed):
            services.publicity_close(application=app, actor=wuxi_officer)
        # issue 13: the 公示 is a public notice; an objection lodged on it must be answered before closing
        from skillreg.supervision.services.notices import objection_answer, objection_submit

        notice = app.notices.get()
        assert (notice.starts_on, notice.ends_on, notice.topic) == (
            dt.date(2026, 3, 10),
            dt.date(2026, 3, 16),
            "selection",
        )
        lodged = objection_submit(notice=notice, body="场地不足", submission_key="wf-1")
    with time_machine.travel(dt.datetime(2026, 3, 17, 9, 0, tzinfo=dt.UTC)):
        with pytest.raises(TransitionNotAllowed) as exc:
            services.publicity_close(application=app, actor=wuxi_officer)
        assert exc.value.code == "PUBLICITY_OBJECTIONS_OPEN"
        objection_answer(objection=lodged.objection, answer="经核查场地符合要求", actor=wuxi_officer)
        services.publicity_close(application=app, actor=wuxi_officer)
        assert "场地不足" in app.publicity.objections and "经核查场地符合要求" in app.publicity.objections
        decision = services.application_file(
            application=app,
            actor=wuxi_officer,
            reasons="经技术评估符合条件",
            basis="渝人社发〔2020〕128号第十一条",
            checklist=_confirm_all(app),
        )
    filing = Filing.objects.get(application=app)
    assert app.state == State.FILED
    # every automatic condition of CQ + WX met; only the judgment items were left, and were confirmed
    assert decision.policy_record["verdict"] == "needs_review"
    assert [p["id"] for p in decision.policy_record["packs"]] == ["cq-2020-128", "wx-2021-62"]
    assert decision.checklist and all(c["checked"] for c in decision.checklist)
    assert filing.code == "S023850000001"
    assert FILING_CODE_RE.match(filing.code)
    assert (filing.valid_from, filing.valid_to) == (dt.date(2026, 3, 17), dt.date(2029, 3, 16))
    assert [(s.occupation.code, s.levels) for s in filing.scope.all()] == [("4-10-01-05", [5, 4, 3])]
    actions = list(Event.objects.filter(application=app).values_list("action", flat=True))
    assert actions == [
        "submit",
        "request_supplement",
        "resubmit",
        "accept",
        "assign_assessment",
        "start_publicity",
        "close_publicity",
        "file",
    ]
    assert verify_chain().ok


@pytest.mark.req("CQ-12")
def test_filing_codes_are_sequential_per_province_and_never_reused(
    wuxi_institution, cq_centre_officer, wuxi_officer, expert
):
    codes = []
    for kind, extra, officer in [
        ("employer", {"ownership": "central"}, cq_centre_officer),
        ("employer", {"ownership": "local"}, wuxi_officer),
    ]:
        app = testing.make_complete_draft(wuxi_institution, kind=kind, **extra)
        services.application_submit(application=app, actor=wuxi_institution)
        services.application_accept(application=app, actor=officer)
        _assess(app, officer, expert)
        services.application_file(
            application=app, actor=officer, reasons="符合", basis="CQ-11", checklist=_confirm_all(app)
        )
        codes.append(app.filing.code)
    # Y employer; 0000 for the city-level (provincial) centre, 0238 for Wuxi; province 50; sequence 1, 2
    assert codes == ["Y000050000001", "Y023850000002"]


def test_two_staff_deciding_the_same_case_exactly_one_wins(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    colleague = testing.make_staff("wuxi_colleague", "hrss-500238")
    copy_a = Application.objects.get(pk=app.pk)
    copy_b = Application.objects.get(pk=app.pk)
    services.application_accept(application=copy_a, actor=wuxi_officer, version=copy_a.version)
    with pytest.raises(ConcurrentChange):
        services.application_refuse_acceptance(
            application=copy_b, actor=colleague, reasons="材料不符", basis="CQ-10", version=copy_b.version
        )
    app.refresh_from_db()
    assert app.state == State.ACCEPTED
    assert app.decisions.count() == 0
    assert Event.objects.filter(application=app, action="refuse_acceptance").count() == 0


def test_transition_not_allowed_from_current_state_changes_nothing(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.application_accept(application=app, actor=wuxi_officer)
    assert "草稿" in exc.value.message
    app.refresh_from_db()
    assert app.state == State.DRAFT


@pytest.mark.req("CQ-10", "CQ-11")
def test_refusals_require_reasons_and_basis(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    with pytest.raises(ValidationFailed) as exc:
        services.application_refuse_acceptance(application=app, actor=wuxi_officer, reasons="", basis="CQ-10")
    assert exc.value.field == "reasons"
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_only_the_handling_authority_may_act(wuxi_institution, cq_centre_officer, guizhou_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)  # county-managed
    with pytest.raises(PermissionDeniedError):
        services.application_accept(application=app, actor=cq_centre_officer)
    # the city centre sees it (data scope: its region and below) but cannot act
    assert selectors.application_for_staff(cq_centre_officer, app.public_id) == app
    # Guizhou sees nothing of Chongqing: 404, not 403
    with pytest.raises(Http404):
        selectors.application_for_staff(guizhou_officer, app.public_id)


def test_institution_cannot_reach_another_units_application(wuxi_institution, other_institution):
    app = testing.make_complete_draft(wuxi_institution)
    with pytest.raises(Http404):
        selectors.application_for_applicant(other_institution, app.public_id)
    with pytest.raises(PermissionDeniedError):
        services.application_submit(application=app, actor=other_institution)


@pytest.mark.req("HN-1")
def test_hn1_huainan_county_initial_review_city_review_province_approval(
    huainan_institution, huainan_county_officer, huainan_city_officer, anhui_officer, expert
):
    app = testing.make_complete_draft(
        huainan_institution, kind="employer", region_code="340403", occupations=[("6-31-01-03", [3, 2])]
    )
    services.application_submit(application=app, actor=huainan_institution)
    assert [s["authority"] for s in app.route["steps"]] == ["hrss-340403", "hrss-340400", "hrss-340000"]
    assert app.authority.code == "hrss-340403"
    services.application_accept(application=app, actor=huainan_county_officer)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.application_file(application=app, actor=huainan_county_officer, reasons="x", basis="y")
    assert exc.value.code == "NOT_FINAL_STEP"
    services.application_forward(application=app, actor=huainan_county_officer, opinion="初审合格")
    assert app.authority.code == "hrss-340400"
    _assess(app, huainan_city_officer, expert)
    services.application_forward(application=app, actor=huainan_city_officer, opinion="审核通过，报省厅审批")
    assert app.authority.code == "hrss-340000"
    services.application_file(
        application=app, actor=anhui_officer, reasons="同意备案", basis="HN-1", checklist=_confirm_all(app)
    )
    assert app.filing.code.startswith("Y000034")
    assert app.decisions.filter(outcome="forwarded").count() == 2


@pytest.mark.req("AH-2")
def test_ah2_technician_levels_are_copied_to_the_province(db):
    from skillreg.applications.routing import route_for

    route = route_for(
        region_code="340102", region_level="county", kind="school", evaluation_types=["skill_level"], levels=[3, 2]
    )
    assert route.steps[0].authority == "hrss-340100" and route.copy_to == ("hrss-340000",)
    route = route_for(
        region_code="340102", region_level="county", kind="school", evaluation_types=["skill_level"], levels=[5, 4]
    )
    assert route.copy_to == ()


def test_withdraw_by_applicant(wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    services.application_withdraw(application=app, actor=wuxi_institution, reason="重新准备")
    assert app.state == State.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        services.application_withdraw(application=app, actor=wuxi_institution)


def test_expert_sees_only_assigned_cases(wuxi_institution, wuxi_officer, expert):
    app = testing.make_complete_draft(wuxi_institution)
    other = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    services.application_accept(application=app, actor=wuxi_officer)
    services.assessment_assign(application=app, actor=wuxi_officer, method="site_visit", expert=expert)
    assert selectors.application_for_expert(expert, app.public_id) == app
    with pytest.raises(Http404):
        selectors.application_for_expert(expert, other.public_id)
    intruder = testing.make_expert("expert_li")
    task = app.assessments.get()
    with pytest.raises(PermissionDeniedError):
        services.assessment_submit(assessment=task, actor=intruder, opinion="x", recommendation="approve")


@pytest.mark.req("WX-4")
def test_wx4_filing_refused_by_the_system_when_a_threshold_fails(wuxi_institution, wuxi_officer, expert):
    app = testing.make_complete_draft(
        wuxi_institution, kind="employer", ownership="local", facts={"office_area_m2": 199}
    )
    services.application_submit(application=app, actor=wuxi_institution)
    services.application_accept(application=app, actor=wuxi_officer)
    _assess(app, wuxi_officer, expert)
    with pytest.raises(ValidationFailed) as exc:
        services.application_file(
            application=app, actor=wuxi_officer, reasons="符合", basis="CQ-11", checklist=_confirm_all(app)
        )
    assert exc.value.code == "NOT_ELIGIBLE"
    assert any("199" in i["message"] for i in exc.value.details["items"])
    app.refresh_from_db()
    assert app.state == State.UNDER_EVALUATION and not Filing.objects.exists()
    # refusing stays possible, with the record it rests on
    decision = services.application_refuse(
        application=app, actor=wuxi_officer, reasons="办公用房不足200平方米", basis="溪人社发〔2021〕62号"
    )
    assert decision.policy_record["verdict"] == "not_eligible"


def test_unconfirmed_checklist_items_block_filing(wuxi_institution, wuxi_officer, expert):
    app = testing.make_complete_draft(wuxi_institution, kind="employer", ownership="local")
    services.application_submit(application=app, actor=wuxi_institution)
    services.application_accept(application=app, actor=wuxi_officer)
    _assess(app, wuxi_officer, expert)
    with pytest.raises(ValidationFailed) as exc:
        services.application_file(application=app, actor=wuxi_officer, reasons="符合", basis="CQ-11", checklist=[])
    assert exc.value.code == "CHECKLIST_INCOMPLETE"
    assert app.state == State.UNDER_EVALUATION


@pytest.mark.req("CQ-10")
def test_cq10_applicant_may_knowingly_submit_with_a_material_missing(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution, skip_materials=("credit_report",))
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(application=app, actor=wuxi_institution)
    assert exc.value.details["only_materials_missing"] is True
    services.application_submit(application=app, actor=wuxi_institution, accept_missing_materials=True)
    assert app.state == State.SUBMITTED
    assert app.events.get(action="submit").data["missing_materials"] == ["未上传材料：申请备案机构信用报告"]
    services.supplement_request(application=app, actor=wuxi_officer, items=["申请备案机构信用报告"])
    assert app.state == State.SUPPLEMENT_REQUESTED


def test_missing_form_fields_block_even_with_the_confirmation(wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, pledge_accepted=False)
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(application=app, actor=wuxi_institution, accept_missing_materials=True)
    assert exc.value.details["only_materials_missing"] is False
    assert app.state == State.DRAFT
