"""CQ-4 / CQ-30 end to end: scope, validity, exits and rectification at the boundary dates, through imports
and batch registration against the real database."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.certificates.imports import certificates_report
from skillreg.evaluations.tests.builders import plan_results_in
from skillreg.supervision.services import rectification_close, rectification_order

from .conftest import at, cert_number, good_row

pytestmark = pytest.mark.django_db


def report(filing, user, rows):
    _job, results = certificates_report(filing=filing, actor=user, items=rows, mode="valid_only")
    return [(r["status"], [e["code"] for e in r["errors"]]) for r in results]


@pytest.mark.req("CQ-30")
def test_certificates_around_a_rectification(cert_filing, batch, wuxi_institution, wuxi_officer):
    with at(dt.date(2026, 4, 1)):
        r = rectification_order(filing=cert_filing, reason="考评员不足", actor=wuxi_officer)
    with at(dt.date(2026, 4, 30)):
        rectification_close(rectification=r, actor=wuxi_officer)
    days = ["2026-03-31", "2026-04-01", "2026-04-30", "2026-05-01"]
    rows = [good_row(cert_filing, n, issue_date=d) for n, d in enumerate(days, start=1)]
    assert report(cert_filing, wuxi_institution, rows) == [
        ("created", []),
        ("invalid", ["CERT_DURING_RECTIFICATION"]),
        ("invalid", ["CERT_DURING_RECTIFICATION"]),
        ("created", []),
    ]


@pytest.mark.req("CQ-30")
def test_an_open_rectification_blocks_certificates_from_its_first_day(
    cert_filing, batch, wuxi_institution, wuxi_officer
):
    rectification_order(filing=cert_filing, reason="x", actor=wuxi_officer, ordered_on=dt.date(2026, 6, 1))
    rows = [good_row(cert_filing, 1, issue_date="2026-05-31"), good_row(cert_filing, 2, issue_date="2026-06-01")]
    assert report(cert_filing, wuxi_institution, rows) == [("created", []), ("invalid", ["CERT_DURING_RECTIFICATION"])]


def test_validity_boundaries_through_the_database(wuxi_institution, wuxi_officer):
    from .conftest import file_institution

    filing = file_institution(wuxi_institution, wuxi_officer, day=dt.date(2023, 6, 15))  # valid … 2026-06-14
    args = dict(filing=filing, actor=wuxi_institution, occupation_code="6-31-01-03", level=4, applicants=9, passes=9)
    with at(dt.date(2023, 6, 20)):
        plan_results_in(number="B0", starts_on=dt.date(2023, 6, 15), ends_on=dt.date(2023, 6, 15), **args)
    with at(dt.date(2026, 6, 1)):
        plan_results_in(number="B1", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 1), **args)
    rows = [
        good_row(filing, 1, issue_date="2023-06-15", number=cert_number(filing, 1, year=2023), batch_number="B0"),
        good_row(filing, 2, issue_date="2026-06-14", batch_number="B1"),
        good_row(filing, 3, issue_date="2026-06-15", batch_number="B1"),
    ]
    assert report(filing, wuxi_institution, rows) == [
        ("created", []),
        ("created", []),
        ("invalid", ["FILING_EXPIRED_ON_DATE"]),
    ]


def test_a_recorded_exit_ends_certification_after_its_last_day(cert_filing, batch, wuxi_institution, wuxi_officer):
    from skillreg.deadlines.exits import filing_exit_voluntary

    filing_exit_voluntary(
        filing=cert_filing, actor=wuxi_officer, notice_on=dt.date(2026, 3, 1), terminates_on=dt.date(2026, 4, 10)
    )
    rows = [good_row(cert_filing, 1, issue_date="2026-04-10"), good_row(cert_filing, 2, issue_date="2026-04-11")]
    assert report(cert_filing, wuxi_institution, rows) == [("created", []), ("invalid", ["FILING_TERMINATED_ON_DATE"])]


def test_a_cancelled_filing_reports_only_earlier_certificates(cert_filing, batch, wuxi_institution):
    cert_filing.status = "cancelled"
    cert_filing.save(update_fields=["status"])
    rows = [good_row(cert_filing, 1, issue_date="2026-06-14"), good_row(cert_filing, 2, issue_date="2026-06-15")]
    assert report(cert_filing, wuxi_institution, rows) == [("created", []), ("invalid", ["FILING_NOT_ACTIVE"])]


@pytest.mark.req("CQ-4")
def test_occupation_outside_the_filed_scope(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, 1, occupation_code="4-01-06-01", occupation_name="电子商务师")]
    assert report(cert_filing, wuxi_institution, rows) == [("invalid", ["OCCUPATION_OUT_OF_SCOPE", "BATCH_MISMATCH"])]
