"""Change (CQ-13, AH-4.1, HN-1) and renewal (CQ-14, GZ-8..12) applications through the one workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from skillreg.accounts.models import Authority
from skillreg.applications import services
from skillreg.applications.models import Application, ApplicationType, State
from skillreg.applications.services.lifecycle import lifecycle_draft_start, lifecycle_submit
from skillreg.certificates import counts
from skillreg.certificates.models import Certificate
from skillreg.core import testing
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.models import Filing, FilingStatus, FilingVersion
from skillreg.institutions.selectors import filing_on
from skillreg.institutions.services import filing_create
from skillreg.occupations.models import Occupation
from skillreg.supervision.services import rectification_order

from .test_workflow import _assess, _confirm_all

pytestmark = pytest.mark.django_db
D = dt.date


def _file(user, officer, day, **draft):
    with at(day):
        application = testing.make_complete_draft(user, **draft)
        with transaction.atomic():
            return filing_create(
                application=application,
                authority=Authority.objects.get(code=officer.authority.code),
                actor=officer,
                copy_to_province=False,
            )


def _decide(app, officer, expert, day):
    with at(day):
        services.application_accept(application=app, actor=officer)
        _assess(app, officer, expert)
        return services.application_file(
            application=app, actor=officer, reasons="同意", basis="CQ-13", checklist=_confirm_all(app)
        )


def _pledge(app):
    """The applicant ticks the pledge and states it is operating (test shortcut for the draft editor)."""
    app.refresh_from_db()
    Application.objects.filter(pk=app.pk).update(pledge_accepted=True, facts={**app.facts, "currently_operating": True})


def _add_occupation(app, user, code="6-31-01-03", levels=(5, 4)):
    payload = testing.draft_payload(
        kind=app.institution_kind, occupations=[("4-10-01-05", [5, 4, 3]), (code, list(levels))]
    )
    payload["data"]["ownership"] = app.ownership
    payload["data"]["coverage_area"] = app.coverage_area
    return services.application_save_draft(actor=user, application=app, **payload)


@pytest.mark.req("CQ-13")
def test_change_filing_adds_an_occupation_as_version_2_with_the_same_code(wuxi_institution, wuxi_officer, expert):
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        assert app.for_filing == filing and app.state == State.DRAFT and app.institution_name == filing.name
        assert app.legal_rep_phone  # the encrypted form fields are copied, not retyped
        app = _add_occupation(app, wuxi_institution)
        lifecycle_submit(application=app, actor=wuxi_institution)
    assert app.authority.code == filing.authority.code  # the original filing authority (CQ-13)
    _decide(app, wuxi_officer, expert, D(2026, 6, 20))
    assert Filing.objects.count() == 1
    filing.refresh_from_db()
    v2 = FilingVersion.objects.get(filing=filing, number=2)
    assert v2.effective_from == D(2026, 6, 20) and v2.change_kind == "change" and "增加职业 电工" in v2.summary
    assert (v2.valid_from, v2.valid_to) == (filing.valid_from, filing.valid_to)
    assert "6-31-01-03" not in filing_on(filing, D(2026, 6, 19)).scope
    assert "6-31-01-03" in filing_on(filing, D(2026, 6, 20)).scope


@pytest.mark.req("CQ-13")
def test_change_judges_only_the_added_lines(wuxi_institution, wuxi_officer):
    from skillreg.applications.eligibility import evaluate_application

    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        app = _add_occupation(app, wuxi_institution)
        record = evaluate_application(app)
    codes = {(r.get("subject") or {}).get("occupation_code") for r in record["results"]} - {None}
    assert codes == {"6-31-01-03"}


def test_two_change_applications_at_once_and_a_change_during_rectification_are_refused(wuxi_institution, wuxi_officer):
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        with pytest.raises(TransitionNotAllowed) as exc:
            lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        assert exc.value.code == "LIFECYCLE_APPLICATION_OPEN" and "尚未办结" in exc.value.message
        Application.objects.filter(for_filing=filing).update(state=State.WITHDRAWN)
        rectification_order(filing=filing, reason="考务记录不全", actor=wuxi_officer)
        with pytest.raises(TransitionNotAllowed) as exc:
            lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
    assert exc.value.code == "LIFECYCLE_DURING_RECTIFICATION" and "整改" in exc.value.message
    assert Application.objects.filter(for_filing=filing).count() == 1


def test_a_change_with_nothing_changed_is_refused(wuxi_institution, wuxi_officer):
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_submit(application=app, actor=wuxi_institution)
    assert exc.value.code == "CHANGE_NOTHING"
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_the_generic_submit_refuses_a_change_application(wuxi_institution, wuxi_officer):
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        with pytest.raises(TransitionNotAllowed):
            services.application_submit(application=app, actor=wuxi_institution)


@pytest.mark.req("CQ-14")
def test_renewal_on_time_uses_the_submission_day_cq14(wuxi_institution, wuxi_officer):
    filing = _file(wuxi_institution, wuxi_officer, D(2023, 12, 4), kind="employer")  # valid to 2026-12-03
    with at(D(2026, 11, 4)):  # latest day: 2026-11-03
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
    assert exc.value.code == "RENEWAL_TOO_LATE" and "2026-11-03" in exc.value.message
    with at(D(2026, 12, 4)):
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
    assert exc.value.code == "RENEWAL_AFTER_EXPIRY"
    with at(D(2026, 11, 3)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
        _pledge(app)
        lifecycle_submit(application=app, actor=wuxi_institution)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RENEWAL_PENDING


def _certificates(filing, code, n, day, start=0):
    occ = Occupation.objects.get(code=code)
    batch = EvaluationPlan.objects.create(
        filing=filing,
        number=f"PJ-{code}-{start}",
        occupation=occ,
        level=5,
        starts_on=day - dt.timedelta(days=5),
        ends_on=day - dt.timedelta(days=1),
        applicants=n,
        passes=n,
        created_at=timezone.now(),
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                number=f"T{filing.pk:04d}{start + i:09d}",
                filing=filing,
                batch=batch,
                holder_name="测试",
                holder_id=testing.make_id_number(
                    "520102", f"19{80 + (start + i) // 900 % 20}0101", (start + i) % 900 + 1
                ),
                holder_id_masked="5201**********0000",
                occupation=occ,
                occupation_name=occ.name,
                level=5,
                issue_date=day,
                created_at=timezone.now(),
            )
            for i in range(n)
        ]
    )
    counts.recount([filing.pk])  # written around the services: the count summary follows


@pytest.mark.req("GZ-8", "GZ-9", "GZ-10")
def test_guizhou_social_org_renewal_drops_an_occupation_below_100_and_keeps_the_code(
    gz_institution_user, guizhou_officer, expert
):
    scope = [("4-10-01-05", [5, 4]), ("6-31-01-03", [5, 4])]
    filing = _file(gz_institution_user, guizhou_officer, D(2023, 12, 14), kind="social_org", occupations=scope)
    _certificates(filing, "4-10-01-05", 560, D(2025, 6, 1))
    _certificates(filing, "6-31-01-03", 60, D(2025, 7, 1), start=1000)
    with at(D(2026, 10, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=gz_institution_user)
        _pledge(app)
        lifecycle_submit(application=app, actor=gz_institution_user)
    assert app.authority.code == "hrss-520000"
    decision = _decide(app, guizhou_officer, expert, D(2026, 10, 20))
    results = {
        (r["rule"], (r.get("subject") or {}).get("occupation_code")): r for r in decision.policy_record["results"]
    }
    assert results[("GZ-10.2.total", None)]["outcome"] == "pass"  # 620 ≥ 600, counted from the registry
    assert results[("GZ-10.2.per_occupation", "6-31-01-03")]["outcome"] == "drop"
    assert Filing.objects.count() == 1
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACTIVE and filing.valid_from == D(2026, 12, 14)
    v2 = FilingVersion.objects.get(filing=filing, number=2)
    assert v2.effective_from == D(2026, 12, 14) and v2.change_kind == "renewal"
    assert set(filing_on(filing, D(2026, 12, 13)).scope) == {"4-10-01-05", "6-31-01-03"}
    assert set(filing_on(filing, D(2026, 12, 14)).scope) == {"4-10-01-05"}
    assert filing_on(filing, D(2026, 12, 14)).may_evaluate


@pytest.fixture
def gz_institution_user(db):
    """An institution user of a Guiyang (520100) unit; its filings are the Guizhou province's (GZ-2)."""
    return testing.make_institution_user("gz_org", region_code="520100", seed=7)


@pytest.mark.req("GZ-13")
def test_removing_an_occupation_with_unreported_certificates_is_refused(wuxi_institution, wuxi_officer):
    scope = [("4-10-01-05", [5, 4, 3]), ("6-31-01-03", [5, 4])]
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer", occupations=scope)
    EvaluationPlan.objects.create(
        filing=filing,
        number="PJ-DG-1",
        occupation=Occupation.objects.get(code="6-31-01-03"),
        level=5,
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 3),
        applicants=10,
        passes=8,
        created_at=timezone.now(),
    )
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        payload = testing.draft_payload(kind="employer", occupations=[("4-10-01-05", [5, 4, 3])])
        payload["data"]["ownership"] = "local"
        app = services.application_save_draft(actor=wuxi_institution, application=app, **payload)
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_submit(application=app, actor=wuxi_institution)
    assert exc.value.code == "CHANGE_REMOVES_UNREPORTED_OCCUPATION" and "PJ-DG-1" in exc.value.message
    app.refresh_from_db()
    assert app.state == State.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_change_applications_started_at_once_only_one_is_made(wuxi_institution, wuxi_officer):
    """Two browser tabs press "申请变更备案" at the same moment: the filing's row lock lets one through."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def start() -> None:
        from django.db import connections

        try:
            barrier.wait()
            lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
            results.append("ok")
        except TransitionNotAllowed as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["LIFECYCLE_APPLICATION_OPEN", "ok"]
    assert Application.objects.filter(for_filing=filing).count() == 1


def test_a_change_cannot_be_filed_once_the_institution_has_left(wuxi_institution, wuxi_officer, expert):
    from skillreg.institutions.exits import filing_exit_order

    filing = _file(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    with at(D(2026, 6, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=wuxi_institution)
        app = _add_occupation(app, wuxi_institution)
        lifecycle_submit(application=app, actor=wuxi_institution)
    with at(D(2026, 6, 5)):
        filing_exit_order(filing=filing, actor=wuxi_officer, reason="严重违规", wrapup_due_on=D(2026, 6, 30))
    with pytest.raises(TransitionNotAllowed) as exc:
        _decide(app, wuxi_officer, expert, D(2026, 6, 20))
    assert exc.value.code == "FILING_NOT_LIVE" and "不予备案" in exc.value.message
    assert FilingVersion.objects.filter(filing=filing).count() == 1
    app.refresh_from_db()
    assert app.state == State.UNDER_EVALUATION  # nothing half-written: the decision rolled back


@pytest.mark.req("GZ-12")
def test_a_renewal_without_the_truthfulness_pledge_is_not_submitted(gz_institution_user, guizhou_officer):
    """GZ-12: the materials must be true, accurate and complete — the applicant's pledge says so; without it the
    renewal stays a draft and nothing is submitted."""
    filing = _file(gz_institution_user, guizhou_officer, D(2023, 12, 14), kind="social_org")
    with at(D(2026, 10, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=gz_institution_user)
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_submit(application=app, actor=gz_institution_user, pledge=False)
    blocking = {m["field"] for m in exc.value.details["missing"] if not m["field"].startswith("material.")}
    assert exc.value.code == "APPLICATION_INCOMPLETE" and "pledge_accepted" in blocking, blocking
    app.refresh_from_db()
    filing.refresh_from_db()
    assert app.state == "draft" and filing.status != FilingStatus.RENEWAL_PENDING


@pytest.mark.req("CQ-14")
def test_renewal_latest_day_on_a_rest_day_is_one_rule_for_submission_and_condition(wuxi_institution, wuxi_officer):
    """Valid to 2026-12-07: the latest day 2026-11-07 is a Saturday. Submitting that Saturday passes both the
    service and the pack condition; the next working day (Monday 11-09) is refused by both — no renewal is
    accepted at submission only to fail CQ-14.renewal at decision."""
    from skillreg.applications.eligibility import evaluate_application
    from skillreg.applications.profile import build_profile
    from skillreg.policy.engine import check
    from skillreg.workcalendar.selectors import get_calendar

    assert get_calendar().is_rest_day(D(2026, 11, 7))
    filing = _file(wuxi_institution, wuxi_officer, D(2023, 12, 8), kind="employer")
    assert filing.valid_to == D(2026, 12, 7)
    with at(D(2026, 11, 9)):
        with pytest.raises(ValidationFailed) as exc:
            lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
    assert exc.value.code == "RENEWAL_TOO_LATE" and "2026-11-07" in exc.value.message
    assert not Application.objects.filter(for_filing=filing).exists()
    with at(D(2026, 11, 7)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=wuxi_institution)
        _pledge(app)
        lifecycle_submit(application=app, actor=wuxi_institution)
    app.refresh_from_db()
    outcome = {r["rule"]: r["outcome"] for r in evaluate_application(app)["results"] if not r.get("subject")}
    assert outcome["CQ-14.renewal"] == "pass"
    late = {r["rule"]: r["outcome"] for r in check(build_profile(app), on=D(2026, 11, 9))["results"]}
    assert late["CQ-14.renewal"] == "fail"  # the condition agrees with the service about the Monday
