"""The chain verifies whatever zone the clock's aware time is in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.audit.verify import verify_chain
from skillreg.core import clock

pytestmark = pytest.mark.django_db


def test_a_record_written_at_a_shanghai_time_verifies_after_the_database_returns_it_in_utc():
    """The demo replays its dated history at Asia/Shanghai times; the database gives them back in UTC. The MAC
    must be the same both ways, or the whole demo trail reads as tampered."""
    with clock.replay_at(dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))), transaction.atomic():
        audit_record(actor="system", action="demo.load", summary="replayed")
    report = verify_chain(check_anchor=False)
    assert report.ok, report
