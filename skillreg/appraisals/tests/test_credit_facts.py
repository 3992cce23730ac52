"""The credit grade feeds GZ-7 and renewal decisions (issue 13 part 5): facts from the ledger, not the applicant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.applications.eligibility import evaluate_application
from skillreg.applications.models import Application, ApplicationType
from skillreg.applications.profile import build_profile
from skillreg.applications.services.lifecycle import lifecycle_draft_start, lifecycle_submit
from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.supervision.models import CreditKind
from skillreg.supervision.services.credit import credit_record

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.req("GZ-7", "GZ-7.2", "CQ-29")
def test_a_unit_whose_institution_had_a_serious_violation_is_excluded_by_gz7(guizhou_officer):
    user = testing.make_institution_user("gz7_org", region_code="520100", seed=71)
    filing = file_on(user, guizhou_officer, D(2026, 1, 12), region_code="520100", kind="employer")
    with at(D(2026, 6, 1)):
        credit_record(
            filing=filing, kind=CreditKind.INSPECTION_SERIOUS, on=D(2026, 5, 30),
            basis="细则第七条第（二）项", source=filing,
        )  # fmt: skip
    with at(D(2026, 6, 2)):
        app = testing.make_complete_draft(
            user, region_code="520100", kind="employer", facts={"training_evaluation_violation_record": False}
        )
        assert build_profile(app)["facts"]["training_evaluation_violation_record"] is True  # the ledger wins
        record = evaluate_application(app)
    gz72 = next(r for r in record["results"] if r["rule"] == "GZ-7.2")
    assert gz72["outcome"] == "fail"
    # a unit with no record keeps its own declaration
    other = testing.make_institution_user("gz7_clean", region_code="520100", seed=72)
    with at(D(2026, 6, 2)):
        clean = testing.make_complete_draft(other, region_code="520100", kind="employer")
        assert build_profile(clean)["facts"]["training_evaluation_violation_record"] is False


@pytest.mark.req("GZ-10", "CQ-29")
def test_the_renewal_case_page_shows_the_credit_grade_as_of_the_application_day(client, guizhou_officer):
    user = testing.make_institution_user("gz_renew_org", region_code="520100", seed=73)
    filing = file_on(user, guizhou_officer, D(2026, 1, 12), region_code="520100", kind="social_org")
    with at(D(2026, 3, 1)):
        credit_record(filing=filing, kind=CreditKind.COMPLAINT_VERIFIED, on=D(2026, 3, 1), basis="投诉", source=filing)
    with at(D(2026, 10, 15)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=user)
        Application.objects.filter(pk=app.pk).update(pledge_accepted=True)  # test shortcut for the draft editor
        lifecycle_submit(application=app, actor=user)
    app.refresh_from_db()
    client.force_login(guizhou_officer)
    with at(D(2026, 10, 20)):
        page = client.get(reverse("staff:case", args=[app.public_id])).content.decode()
    assert 'id="decision-references"' in page and "B级（基本守信）" in page and "2026-10-15" in page
    assert "投诉举报经查属实" in page
