"""The dated filing history: versions, status history and ``filing_on`` on both sides of every change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.institutions.lifecycle import TRANSITIONS, check_transition
from skillreg.institutions.models import FilingStatus, FilingStatusChange, FilingVersion
from skillreg.institutions.selectors import filing_on
from skillreg.institutions.status import filing_transition
from skillreg.institutions.versions import content_of, filing_version_create
from skillreg.occupations.models import Occupation
from skillreg.supervision.services import rectification_close, rectification_order

from .conftest import at, file_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date
ONE = dt.timedelta(days=1)


def test_a_new_filing_has_version_1_and_an_active_history(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    (v,) = FilingVersion.objects.filter(filing=filing)
    assert (v.number, v.effective_from, v.effective_to) == (1, D(2026, 3, 2), None)
    assert (v.valid_from, v.valid_to) == (D(2026, 3, 2), D(2029, 3, 1))  # CQ-14: 3 years from the pack
    assert v.name == filing.name and v.people["legal_rep"] == "王法人" and len(v.people["examiners"]) == 5
    assert {s.occupation.code: s.levels for s in v.scope.all()} == {"4-10-01-05": [5, 4, 3]}
    (change,) = FilingStatusChange.objects.filter(filing=filing)
    assert (change.from_status, change.to_status, change.effective_on) == ("", "active", D(2026, 3, 2))
    before, on = filing_on(filing, D(2026, 3, 1)), filing_on(filing, D(2026, 3, 2))
    assert before.version is None and before.status is None and not before.may_evaluate
    assert on.version == v and on.status == "active" and on.may_evaluate
    assert on.scope == {"4-10-01-05": frozenset({3, 4, 5})}


def test_filing_on_either_side_of_a_new_version(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    v1 = FilingVersion.objects.get(filing=filing)
    content = content_of(v1)
    content.name = "新名称评价中心"
    content.scope[Occupation.objects.get(code="6-31-01-03").pk] = [5, 4]
    with at(D(2026, 6, 1)):
        v2 = filing_version_create(
            filing=filing,
            content=content,
            effective_from=D(2026, 6, 1),
            valid_from=v1.valid_from,
            valid_to=v1.valid_to,
            actor=wuxi_officer,
            change_kind="change",
        )
    v1.refresh_from_db()
    assert v1.effective_to == D(2026, 5, 31) and v2.number == 2
    day_before, day_of = filing_on(filing, D(2026, 5, 31)), filing_on(filing, D(2026, 6, 1))
    assert day_before.version == v1 and day_before.version.name != "新名称评价中心"
    assert "6-31-01-03" not in day_before.scope
    assert day_of.version == v2 and day_of.scope["6-31-01-03"] == frozenset({4, 5})
    filing.refresh_from_db()
    assert filing.name == "新名称评价中心"  # the denormalised current copy follows the version service
    assert set(filing.scope.values_list("occupation__code", flat=True)) == {"4-10-01-05", "6-31-01-03"}
    assert AuditRecord.objects.filter(action="filing.version").count() == 2


def test_a_version_that_would_overlap_is_refused_and_nothing_is_written(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    v1 = FilingVersion.objects.get(filing=filing)
    with pytest.raises(ValidationFailed) as exc:
        filing_version_create(
            filing=filing,
            content=content_of(v1),
            effective_from=D(2026, 3, 2),
            valid_from=v1.valid_from,
            valid_to=v1.valid_to,
            actor=wuxi_officer,
            change_kind="change",
        )
    assert exc.value.code == "VERSION_OVERLAP" and "重叠" in exc.value.message
    assert FilingVersion.objects.filter(filing=filing).count() == 1
    v1.refresh_from_db()
    assert v1.effective_to is None


def test_the_database_refuses_a_second_open_version(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    v1 = FilingVersion.objects.get(filing=filing)
    with pytest.raises(IntegrityError), transaction.atomic():
        FilingVersion.objects.create(
            filing=filing,
            number=2,
            effective_from=D(2026, 7, 1),
            name="x",
            address="x",
            kind=v1.kind,
            valid_from=v1.valid_from,
            valid_to=v1.valid_to,
            created_at=v1.created_at,
        )


@pytest.mark.postgres
def test_postgresql_refuses_overlapping_closed_versions(wuxi_institution, wuxi_officer):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists only on PostgreSQL")
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    v1 = FilingVersion.objects.get(filing=filing)
    FilingVersion.objects.filter(pk=v1.pk).update(effective_to=D(2026, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        FilingVersion.objects.create(
            filing=filing,
            number=2,
            effective_from=D(2026, 12, 1),
            effective_to=D(2027, 1, 31),
            name="x",
            address="x",
            kind=v1.kind,
            valid_from=v1.valid_from,
            valid_to=v1.valid_to,
            created_at=v1.created_at,
        )


def test_filing_on_either_side_of_a_rectification(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    with at(D(2026, 4, 10)):
        rect = rectification_order(filing=filing, reason="考务记录不全", actor=wuxi_officer)
    with at(D(2026, 5, 20)):
        rectification_close(rectification=rect, actor=wuxi_officer, note="已整改")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACTIVE
    days = {d: filing_on(filing, d) for d in [D(2026, 4, 9), D(2026, 4, 10), D(2026, 5, 20), D(2026, 5, 21)]}
    assert [days[d].status for d in days] == ["active", "rectifying", "rectifying", "active"]
    assert [days[d].rectification is not None for d in days] == [False, True, True, False]
    assert [days[d].may_evaluate for d in days] == [True, False, False, True]
    actions = list(FilingStatusChange.objects.filter(filing=filing).values_list("action", flat=True))
    assert actions == ["file", "order_rectification", "close_rectification"]


def test_filing_on_either_side_of_an_automatic_exit(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2023, 9, 17))
    sweep_on(D(2026, 9, 17))
    last, after = filing_on(filing, D(2026, 9, 16)), filing_on(filing, D(2026, 9, 17))
    assert last.status == "active" and last.may_evaluate and last.exit is None
    assert after.status == "wrap_up" and not after.may_evaluate and after.exit.kind == "automatic"


def test_the_lifecycle_table_refuses_what_it_does_not_list(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    with pytest.raises(TransitionNotAllowed) as exc:
        filing_transition(filing=filing, action="complete_wrap_up", actor=wuxi_officer)
    assert exc.value.code == "FILING_TRANSITION_NOT_ALLOWED" and "不能执行" in exc.value.message
    assert FilingStatusChange.objects.filter(filing=filing).count() == 1
    with pytest.raises(TransitionNotAllowed):
        check_transition("close_rectification", "rectifying", "terminated")  # not one of its targets
    # Every status but the terminal ones has a way out; terminal ones have none.
    sources = {s for t in TRANSITIONS.values() for s in t.sources}
    assert sources == set(FilingStatus.values) - {"terminated", "cancelled", "wrap_up"} | {"wrap_up"}
    assert not {"terminated", "cancelled"} & sources


def test_data_migration_is_idempotent(wuxi_institution, wuxi_officer):
    import importlib

    from django.apps import apps

    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    mig = importlib.import_module("skillreg.institutions.migrations.0003_filing_history_data")
    mig.forwards(apps, None)
    mig.forwards(apps, None)
    assert FilingVersion.objects.filter(filing=filing).count() == 1
    assert FilingStatusChange.objects.filter(filing=filing).count() == 1
