"""Automatic outcomes of CQ-10 on real 2026 dates: deemed accepted, supplement restart, deemed abandoned,
provisional deadlines held for staff, and sweep idempotence."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.applications.models import Event, State
from skillreg.audit.models import AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.deadlines.models import Confirmation
from skillreg.deadlines.scan import local_date
from skillreg.notifications.models import Message

from .conftest import complete_supplement_on, import_2027, request_supplement_on, submit_on, sweep_on

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_2026_acceptance_deadline_and_deemed_acceptance(wuxi_institution, wuxi_officer):
    # Received Tue 29 Sep; 5 working days: 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (调休上班), 12 Oct.
    app = submit_on(wuxi_institution, D(2026, 9, 29))
    for day in (D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 12)):
        report = sweep_on(day, hour=23)
        assert report.deemed_accepted == []
    app.refresh_from_db()
    assert app.state == State.SUBMITTED

    report = sweep_on(D(2026, 10, 13), hour=0)  # the first minute after the last day
    assert report.deemed_accepted == [app.pk]
    app.refresh_from_db()
    assert app.state == State.ACCEPTED
    assert local_date(app.accepted_at) == D(2026, 10, 12)  # deemed accepted on the last day of the limit
    event = Event.objects.get(application=app, action="deem_accepted")
    assert event.actor is None and event.from_state == State.SUBMITTED
    assert event.data["due_on"] == "2026-10-12" and event.data["provisional"] is False
    assert "第十条" in event.basis and "逾期未作出不予受理决定的，视为受理" in event.basis
    record = AuditRecord.objects.get(action="application.deem_accepted", object_id=str(app.pk))
    assert record.rule == "CQ-10" and record.role == "system"
    assert verify_chain().ok


def test_spring_festival_2026_acceptance_deadline(wuxi_institution):
    # Received Thu 12 Feb; 13 Feb, Sat 14 Feb (调休上班), [15–23 Feb off], 24, 25, 26 Feb.
    app = submit_on(wuxi_institution, D(2026, 2, 12))
    assert sweep_on(D(2026, 2, 26), hour=23).deemed_accepted == []
    assert sweep_on(D(2026, 2, 27)).deemed_accepted == [app.pk]


def test_refusal_or_acceptance_within_the_limit_stops_the_clock(wuxi_institution, wuxi_officer):
    from skillreg.applications import services

    app = submit_on(wuxi_institution, D(2026, 3, 2))
    from .conftest import at

    with at(D(2026, 3, 4)):
        services.application_accept(application=app, actor=wuxi_officer)
    report = sweep_on(D(2026, 4, 1))
    assert report.deemed_accepted == []
    assert Event.objects.filter(application=app, action="deem_accepted").count() == 0


def test_supplement_period_is_30_calendar_days_rolled_past_national_day_then_deemed_abandoned(
    wuxi_institution, wuxi_officer
):
    app = submit_on(wuxi_institution, D(2026, 9, 3))
    request_supplement_on(app, wuxi_officer, D(2026, 9, 5))
    # 5 Sep + 30 days = Mon 5 Oct, a National Day holiday: the period ends on Thu 8 Oct (第二百零三条).
    assert sweep_on(D(2026, 10, 8), hour=23).deemed_abandoned == []
    report = sweep_on(D(2026, 10, 9))
    assert report.deemed_abandoned == [app.pk]
    app.refresh_from_db()
    assert app.state == State.ABANDONED
    assert local_date(app.decided_at) == D(2026, 10, 8)
    assert AuditRecord.objects.get(action="application.deem_abandoned").rule == "CQ-10"


def test_supplement_complete_restarts_the_acceptance_clock(wuxi_institution, wuxi_officer):
    app = submit_on(wuxi_institution, D(2026, 3, 2))  # first limit would end Mon 9 Mar
    request_supplement_on(app, wuxi_officer, D(2026, 3, 6))
    complete_supplement_on(app, wuxi_institution, D(2026, 3, 20))  # Fri: counts as the day of receipt
    # New limit: 23, 24, 25, 26, 27 March.
    assert sweep_on(D(2026, 3, 27), hour=23).deemed_accepted == []
    assert sweep_on(D(2026, 3, 28)).deemed_accepted == [app.pk]
    event = Event.objects.get(application=app, action="deem_accepted")
    assert event.data["started_on"] == "2026-03-20"


def test_sweep_is_idempotent_and_catches_up_late(wuxi_institution, wuxi_officer):
    app = submit_on(wuxi_institution, D(2026, 9, 29))  # due 12 Oct
    soon = submit_on(wuxi_institution, D(2026, 10, 27))  # due Tue 3 Nov: staff reminder from Mon 2 Nov
    # Downtime: the first sweep after the deadline runs three weeks late, then twice more.
    first = sweep_on(D(2026, 11, 2))
    second = sweep_on(D(2026, 11, 2))
    third = sweep_on(D(2026, 11, 3))
    assert (first.deemed_accepted, first.reminders) == ([app.pk], 1)
    assert (second.deemed_accepted, second.reminders) == ([], 0)
    assert (third.deemed_accepted, third.reminders) == ([], 0)
    assert Event.objects.filter(application=app, action="deem_accepted").count() == 1
    assert AuditRecord.objects.filter(action="application.deem_accepted").count() == 1
    assert Message.objects.filter(recipient=wuxi_officer).count() == 1
    assert str(soon.number) in Message.objects.get(dedupe_key__startswith="case-due:").subject
    app.refresh_from_db()
    assert local_date(app.accepted_at) == D(2026, 10, 12)  # the same as if the sweep had run on time


def test_reminder_is_sent_once_one_working_day_before(wuxi_institution, wuxi_officer):
    submit_on(wuxi_institution, D(2026, 9, 29))  # due Mon 12 Oct; the working day before is Sat 10 Oct
    assert sweep_on(D(2026, 10, 9)).reminders == 0
    assert sweep_on(D(2026, 10, 10)).reminders == 1
    assert sweep_on(D(2026, 10, 10), hour=11).reminders == 0
    assert sweep_on(D(2026, 10, 12)).reminders == 0
    message = Message.objects.get(recipient=wuxi_officer)
    assert "2026-10-12" in message.body and "渝人社发〔2020〕128号）第十条" in message.body
    assert "CQ-10" not in message.body
    assert message.link.startswith("/staff/cases/")


def test_december_2026_case_crossing_into_2027_waits_for_a_human_then_acts_once_2027_is_imported(
    wuxi_institution, wuxi_officer
):
    app = submit_on(wuxi_institution, D(2026, 12, 28))
    # Without 2027 data: 29, 30, 31 Dec, Fri 1 Jan 2027 (Mon–Fri guess), Mon 4 Jan → provisional.
    report = sweep_on(D(2027, 1, 5))
    assert report.deemed_accepted == [] and report.held == [app.pk]
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    item = Confirmation.objects.get(application=app)
    assert (item.status, item.due_on, item.provisional_years) == ("open", D(2027, 1, 4), [2027])
    assert AuditRecord.objects.get(action="clock.hold").rule == "CQ-10"
    assert sweep_on(D(2027, 1, 5), hour=11).held == []  # queued once

    import_2027()  # 1–3 January off: the limit now ends Tue 5 Jan, final
    report = sweep_on(D(2027, 1, 6))
    assert report.deemed_accepted == [app.pk]
    app.refresh_from_db()
    assert app.state == State.ACCEPTED and local_date(app.accepted_at) == D(2027, 1, 5)
    item.refresh_from_db()
    assert item.status == Confirmation.Status.SUPERSEDED
    assert Event.objects.get(application=app, action="deem_accepted").data["provisional"] is False


def test_import_that_moves_the_provisional_deadline_later_voids_the_held_item(wuxi_institution):
    app = submit_on(wuxi_institution, D(2026, 12, 28))
    sweep_on(D(2027, 1, 5))
    import_2027()
    report = sweep_on(D(2027, 1, 5), hour=11)  # final due 5 Jan has not passed yet
    assert report.deemed_accepted == [] and len(report.superseded) == 1
    assert Confirmation.objects.get(application=app).status == Confirmation.Status.SUPERSEDED
