"""Statistics selectors against figures computed by hand (see the table in each test), and their scope."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.certificates import statistics
from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate
from skillreg.certificates.services import certificate_revoke
from skillreg.evaluations.tests.builders import plan_results_in
from skillreg.institutions.models import FilingVersion
from skillreg.institutions.versions import content_of, filing_version_create
from skillreg.regions.models import Region

from .conftest import at, cert_number, good_row

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def data(cert_filing, batch, other_filing, wuxi_institution, other_institution):
    """A (Wuxi, cert_filing)                          B (Wanzhou, other_filing)
    batch        occupation   lv  ends        appl pass   batch occupation lv ends       appl pass
    PJ-2026-001  电工         4   2026-03-06   50   40    B1    电工       4  2025-05-06  100  70
    A2           电工         3   2025-11-05   30   12
    A3           养老护理员   5   2025-06-02   80   60
    A4           养老护理员   4   2025-09-02   20   20
    A5           电工         5   2026-01-02   10    9
    certificates: A 3 × 电工 L4 (2026-03-10, one revoked) + 2 × 养老 L5 (2025-06-10); B 1 × 电工 L4 (2025-05-10)."""
    a = dict(filing=cert_filing, actor=wuxi_institution)
    plan_results_in(
        number="A2",
        occupation_code="6-31-01-03",
        level=3,
        starts_on=D(2025, 11, 3),
        ends_on=D(2025, 11, 5),
        applicants=30,
        passes=12,
        **a,
    )
    plan_results_in(
        number="A3",
        occupation_code="4-10-01-05",
        level=5,
        starts_on=D(2025, 6, 1),
        ends_on=D(2025, 6, 2),
        applicants=80,
        passes=60,
        **a,
    )
    plan_results_in(
        number="A4",
        occupation_code="4-10-01-05",
        level=4,
        starts_on=D(2025, 9, 1),
        ends_on=D(2025, 9, 2),
        applicants=20,
        passes=20,
        **a,
    )
    plan_results_in(
        number="A5",
        occupation_code="6-31-01-03",
        level=5,
        starts_on=D(2025, 12, 30),
        ends_on=D(2026, 1, 2),
        applicants=10,
        passes=9,
        **a,
    )
    plan_results_in(
        filing=other_filing, actor=other_institution, number="B1", occupation_code="6-31-01-03", level=4,
        starts_on=D(2025, 5, 5), ends_on=D(2025, 5, 6), applicants=100, passes=70,
    )  # fmt: skip
    care = dict(
        occupation_code="4-10-01-05", occupation_name="养老护理员", level=5, batch_number="A3", issue_date="2025-06-10"
    )
    rows = [good_row(cert_filing, n) for n in (1, 2, 3)] + [
        good_row(cert_filing, n, number=cert_number(cert_filing, n, year=2025, level=5), **care) for n in (4, 5)
    ]
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    b_row = good_row(
        other_filing, 6, issue_date="2025-05-10", batch_number="B1", number=cert_number(other_filing, 1, year=2025)
    )
    certificates_report(filing=other_filing, actor=other_institution, items=[b_row], mode="all_or_nothing")
    certificate_revoke(
        certificate=Certificate.objects.get(number=rows[0]["number"]), reason="作废", actor=wuxi_institution
    )
    assert Certificate.objects.count() == 6
    return cert_filing, other_filing


def renewal(user, **kw):
    return [(r.code, r.total, r.per_occupation) for r in statistics.renewal_counts(user, **kw)]


@pytest.mark.req("GZ-8", "GZ-9", "GZ-10")
def test_renewal_counts_in_the_validity_period(
    data, wuxi_institution, wuxi_officer, cq_centre_officer, guizhou_officer
):
    a, b = data
    assert renewal(wuxi_institution) == [(a.code, 4, {"6-31-01-03": 2, "4-10-01-05": 2})]  # revoked one excluded
    assert renewal(wuxi_officer) == [(a.code, 4, {"6-31-01-03": 2, "4-10-01-05": 2})]
    assert renewal(cq_centre_officer) == [
        (b.code, 1, {"6-31-01-03": 1}),
        (a.code, 4, {"6-31-01-03": 2, "4-10-01-05": 2}),
    ]
    assert renewal(cq_centre_officer, region=Region.objects.get(code="500101")) == [(b.code, 1, {"6-31-01-03": 1})]
    assert renewal(guizhou_officer) == []
    # The validity period moves (e.g. a later filing period): certificates before it no longer count.
    FilingVersion.objects.filter(filing=a).update(valid_from=D(2025, 7, 1))
    assert renewal(wuxi_institution) == [(a.code, 2, {"6-31-01-03": 2})]
    facts = statistics.renewal_counts(wuxi_institution)[0].facts()
    assert facts == {"certificates_issued_total": 2, "scope": {"6-31-01-03": {"certificates_issued": 2}}}


@pytest.mark.req("AH-att3")
def test_annual_evaluation_summary_of_one_institution(data, wuxi_institution):
    s = statistics.evaluation_summary(wuxi_institution, year=2025)
    # 2025 batches of A: A3 养老 L5 80/60, A4 养老 L4 20/20, A2 电工 L3 30/12 (A5 and PJ-2026-001 end in 2026).
    assert [(x.level, x.applicants, x.passes, round(x.pass_rate, 4)) for x in s.levels] == [
        (5, 80, 60, 0.75),
        (4, 20, 20, 1.0),
        (3, 30, 12, 0.4),
    ]
    assert (s.totals["skill_level"].applicants, s.totals["skill_level"].passes) == (130, 92)
    assert [(o.code, o.applicants) for o in s.by_applicants] == [("4-10-01-05", 100), ("6-31-01-03", 30)]
    assert [(o.code, o.passes) for o in s.by_passes] == [("4-10-01-05", 80), ("6-31-01-03", 12)]


@pytest.mark.req("AH-att3")
def test_annual_evaluation_summary_of_a_region(data, cq_centre_officer, guizhou_officer):
    s = statistics.evaluation_summary(cq_centre_officer, year=2025)
    # + B1 电工 L4 100/70: L4 = 20+100 / 20+70; 电工 = 30+100 applicants, 12+70 passes.
    assert [(x.level, x.applicants, x.passes) for x in s.levels] == [(5, 80, 60), (4, 120, 90), (3, 30, 12)]
    assert [(o.code, o.applicants) for o in s.by_applicants] == [("6-31-01-03", 130), ("4-10-01-05", 100)]
    assert [(o.code, o.passes) for o in s.by_passes] == [("6-31-01-03", 82), ("4-10-01-05", 80)]
    s2026 = statistics.evaluation_summary(cq_centre_officer, year=2026)
    assert [(x.level, x.applicants, x.passes) for x in s2026.levels] == [(5, 10, 9), (4, 50, 40)]
    assert statistics.evaluation_summary(guizhou_officer, year=2025).levels == []


def test_certificates_per_year(data, wuxi_institution):
    a, _b = data
    assert statistics.certificates_per_year(wuxi_institution, filing=a) == [(2026, 2, 1), (2025, 2, 0)]


@pytest.mark.req("GZ-8", "CQ-14")
def test_renewal_counts_use_the_version_in_force_not_an_early_renewal(data, wuxi_institution, wuxi_officer):
    """An early renewal adds a version starting after today: the counts keep the current validity until
    the day it takes effect (the denormalised columns already hold the later one)."""
    a, _ = data
    v1 = FilingVersion.objects.get(filing=a)
    with at(D(2026, 6, 15)):
        filing_version_create(
            filing=a,
            content=content_of(v1),
            effective_from=D(2026, 7, 1),
            valid_from=D(2026, 7, 1),
            valid_to=D(2029, 6, 30),
            actor=wuxi_officer,
            change_kind="renewal",
        )
    a.refresh_from_db()
    assert a.valid_from == D(2026, 7, 1)  # the columns: the latest version
    with at(D(2026, 6, 30)):
        (row,) = statistics.renewal_counts(wuxi_institution)
        assert (row.valid_from, row.total) == (D(2025, 1, 6), 4)
    with at(D(2026, 7, 1)):
        (row,) = statistics.renewal_counts(wuxi_institution)
        assert (row.valid_from, row.total) == (D(2026, 7, 1), 0)


@pytest.mark.req("GZ-8")
def test_the_statistics_page_offers_the_regions_in_scope_and_names_the_occupations(
    client, data, wuxi_officer, cq_centre_officer
):
    """A staff member picks a region of their own area from a list (not a code typed from memory); counts by
    occupation carry its name; a region outside the area is refused next to the field, not answered."""
    a, b = data
    client.force_login(cq_centre_officer)
    html = client.get("/certificates/statistics/").content.decode()
    assert '<option value="500101">' in html and '<option value="500238">' in html and 'value="520000"' not in html
    assert "6-31-01-03 电工：" in html and "4-10-01-05 养老护理员：" in html
    only = client.get("/certificates/statistics/?region=500101").content.decode()
    assert b.code in only and a.code not in only
    client.force_login(wuxi_officer)
    refused = client.get("/certificates/statistics/?region=500101").content.decode()
    assert 'value="500101"' not in refused and "errorlist" in refused
