"""``clocks_for_cases``: the clocks of a list page's cases in a constant number of queries (issue 16: the staff work
list at 100,000 cases read ~4 queries per listed case), the same clocks as ``case_clocks`` one case at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skillreg.applications.models import Application
from skillreg.deadlines.selectors import case_clocks, clocks_for_cases
from skillreg.institutions.exits import filing_exit_voluntary

from .conftest import at, complete_supplement_on, file_on, request_supplement_on, submit_on

pytestmark = pytest.mark.django_db
D = dt.date


def _cases(wuxi_institution, wuxi_officer):  # type: ignore[no-untyped-def]
    plain = submit_on(wuxi_institution, D(2026, 3, 2))
    supplemented = submit_on(wuxi_institution, D(2026, 3, 3))
    request_supplement_on(supplemented, wuxi_officer, D(2026, 3, 6))
    complete_supplement_on(supplemented, wuxi_institution, D(2026, 3, 20))
    filed = file_on(wuxi_institution, wuxi_officer, D(2024, 1, 8))
    exiting = file_on(wuxi_institution, wuxi_officer, D(2024, 2, 5))
    with at(D(2026, 4, 1)):
        filing_exit_voluntary(filing=exiting, actor=wuxi_institution, terminates_on=D(2026, 6, 30))
    pks = [plain.pk, supplemented.pk, filed.application_id, exiting.application_id]
    return list(Application.objects.filter(pk__in=pks).select_related("region").order_by("pk"))


def _plain(clocks):  # type: ignore[no-untyped-def]
    return [dataclasses.asdict(c) for c in clocks]


def test_the_same_clocks_as_one_case_at_a_time(wuxi_institution, wuxi_officer):
    cases = _cases(wuxi_institution, wuxi_officer)
    with at(D(2026, 4, 2)):
        together = clocks_for_cases(cases)
        one_by_one = {a.pk: case_clocks(a) for a in cases}
    assert set(together) == {a.pk for a in cases}
    for a in cases:
        assert _plain(together[a.pk]) == _plain(one_by_one[a.pk])
    ids = {c.id for a in cases for c in together[a.pk]}
    assert {"acceptance_decision", "filing_validity", "renewal_application", "voluntary_exit_notice"} <= ids


def test_the_number_of_queries_does_not_grow_with_the_cases(wuxi_institution, wuxi_officer):
    cases = _cases(wuxi_institution, wuxi_officer)
    with at(D(2026, 4, 2)):
        with CaptureQueriesContext(connection) as one:
            clocks_for_cases(cases[-1:])
        with CaptureQueriesContext(connection) as four:
            clocks_for_cases(cases)
    assert len(four.captured_queries) == len(one.captured_queries) <= 6
    assert clocks_for_cases([]) == {}
