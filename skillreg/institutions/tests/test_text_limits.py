"""Exits and status changes refuse a reason, an announcement or an archives note over its limit instead of cutting
it (too long: TEXT_TOO_LONG, the filing's status unchanged, no audit record; at the limit: stored whole)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.audit.models import AuditRecord
from skillreg.core.errors import ValidationFailed
from skillreg.deadlines.models import FilingExit
from skillreg.institutions.exits import (
    ANNOUNCEMENT_MAX,
    ARCHIVES_NOTE_MAX,
    filing_exit_order,
    filing_exit_voluntary,
    filing_wrap_up_complete,
)
from skillreg.institutions.models import FilingStatus, FilingStatusChange
from skillreg.institutions.status import REASON_MAX, filing_transition

from .conftest import at, file_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date


def _too_long(exc: pytest.ExceptionInfo[ValidationFailed], field: str, limit: int) -> None:
    assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == field
    assert f"不能超过 {limit} 字（现为 {limit + 1} 字）" in exc.value.message


def test_an_ordered_exit_with_a_reason_or_announcement_over_the_limit_is_refused(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    args = {"filing": filing, "actor": gz_officer, "wrapup_due_on": D(2026, 5, 31)}
    with at(D(2026, 5, 6)):
        with pytest.raises(ValidationFailed) as exc:
            filing_exit_order(reason="违" * (REASON_MAX + 1), **args)
        _too_long(exc, "reason", REASON_MAX)
        with pytest.raises(ValidationFailed) as exc:
            filing_exit_order(reason="严重违规", announcement="告" * (ANNOUNCEMENT_MAX + 1), **args)
        _too_long(exc, "announcement", ANNOUNCEMENT_MAX)
        filing.refresh_from_db()
        assert filing.status == FilingStatus.ACTIVE and not FilingExit.objects.exists()
        assert not AuditRecord.objects.filter(action__in=["filing.order_exit", "filing.exit_order"]).exists()
        exit_ = filing_exit_order(reason="违" * REASON_MAX, announcement="告" * ANNOUNCEMENT_MAX, **args)
    exit_.refresh_from_db()
    assert exit_.reason == "违" * REASON_MAX and exit_.announcement == "告" * ANNOUNCEMENT_MAX
    assert FilingStatusChange.objects.get(filing=filing, action="order_exit").reason == "违" * REASON_MAX


def test_a_voluntary_exit_reason_and_an_archives_note_over_the_limit_are_refused(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 5, 20)):
        with pytest.raises(ValidationFailed) as exc:
            filing_exit_voluntary(
                filing=filing, actor=gz_institution, terminates_on=D(2026, 6, 30), reason="退" * (REASON_MAX + 1)
            )
        _too_long(exc, "reason", REASON_MAX)
        assert not FilingExit.objects.exists()
        exit_ = filing_exit_voluntary(
            filing=filing, actor=gz_institution, terminates_on=D(2026, 6, 30), reason="退" * REASON_MAX
        )
    assert exit_.reason == "退" * REASON_MAX
    sweep_on(D(2026, 7, 1))
    with at(D(2026, 7, 10)):
        with pytest.raises(ValidationFailed) as exc:
            filing_wrap_up_complete(exit_=exit_, actor=gz_officer, archives_note="档" * (ARCHIVES_NOTE_MAX + 1))
        _too_long(exc, "archives_note", ARCHIVES_NOTE_MAX)
        filing.refresh_from_db()
        assert filing.status == FilingStatus.WRAP_UP
        done = filing_wrap_up_complete(exit_=exit_, actor=gz_officer, archives_note="档" * ARCHIVES_NOTE_MAX)
    assert done.archives_note == "档" * ARCHIVES_NOTE_MAX


def test_a_status_change_reason_over_the_limit_changes_nothing(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    changes = FilingStatusChange.objects.filter(filing=filing).count()
    with at(D(2026, 5, 6)), pytest.raises(ValidationFailed) as exc:
        filing_transition(filing=filing, action="order_rectification", actor=gz_officer, reason="停" * (REASON_MAX + 1))
    _too_long(exc, "reason", REASON_MAX)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACTIVE
    assert FilingStatusChange.objects.filter(filing=filing).count() == changes


def test_the_exit_forms_carry_the_limits_as_maxlength(client, gz_institution, gz_officer):
    from django.urls import reverse

    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    client.force_login(gz_officer)
    page = client.get(reverse("filings:detail", args=[filing.code])).content.decode()
    assert f'id="id_order_reason" maxlength="{REASON_MAX}"' in page
    assert f'id="id_announcement" maxlength="{ANNOUNCEMENT_MAX}"' in page
