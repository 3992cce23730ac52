"""Reminders: renewal (60/30 days before the CQ-14 deadline), report windows (AH-4.2, HN-2 incl. the
one-off 2023/2024 window), staff before case deadlines; each sent once, by inbox, e-mail and SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from skillreg.core import testing
from skillreg.notifications.models import Message

from .conftest import file_on, request_supplement_on, submit_on, sweep_on
from .test_exits import _renewal

pytestmark = pytest.mark.django_db
D = dt.date


class RecordingGateway:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingGateway.sent.append((phone, text))


@pytest.fixture
def sms(settings):
    settings.SKILLREG_SMS_GATEWAY = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    return RecordingGateway.sent


@pytest.mark.req("CQ-14")
def test_renewal_reminders_60_and_30_days_before_the_cq14_deadline(wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2024, 1, 1))  # valid to 31 Dec 2026
    # Renewal by 31 Dec − 30 days = Tue 1 Dec 2026; reminders from 2 Oct and 1 Nov.
    assert sweep_on(D(2026, 10, 1)).reminders == 0
    assert sweep_on(D(2026, 10, 2)).reminders == 1
    assert sweep_on(D(2026, 10, 20)).reminders == 0
    assert sweep_on(D(2026, 11, 1)).reminders == 1
    bodies = list(Message.objects.filter(recipient=wuxi_institution).values_list("body", flat=True))
    assert len(bodies) == 2
    assert all("2026-12-01" in b and "渝人社发〔2020〕128号）第十四条" in b and filing.code in b for b in bodies)
    assert not any("CQ-14" in b for b in bodies)


def test_no_renewal_reminder_once_the_institution_has_applied(wuxi_institution, wuxi_officer):
    file_on(wuxi_institution, wuxi_officer, D(2024, 1, 1))
    _renewal(wuxi_institution, D(2026, 9, 1))
    assert sweep_on(D(2026, 10, 2)).reminders == 0


def test_a_late_sweep_sends_only_the_latest_renewal_reminder(wuxi_institution, wuxi_officer):
    file_on(wuxi_institution, wuxi_officer, D(2024, 1, 1))
    assert sweep_on(D(2026, 11, 5)).reminders == 1
    assert "30 天" in Message.objects.get().subject


@pytest.mark.req("AH-4.2")
def test_anhui_report_window_1_to_10_march(hefei_institution, hefei_officer):
    file_on(hefei_institution, hefei_officer, D(2025, 6, 1))
    assert sweep_on(D(2026, 2, 28)).reminders == 0
    assert sweep_on(D(2026, 3, 1)).reminders == 1
    assert sweep_on(D(2026, 3, 10)).reminders == 0
    assert sweep_on(D(2026, 3, 11)).reminders == 0
    message = Message.objects.get()
    assert "2025年度" in message.subject and "2026-03-01 至 2026-03-10" in message.body
    assert "皖人社秘〔2020〕64号）四、（二）" in message.body


@pytest.mark.req("HN-2")
def test_huainan_windows_by_end_of_march_and_the_one_off_2023_2024_window(huainan_institution, huainan_city_officer):
    file_on(huainan_institution, huainan_city_officer, D(2024, 6, 3))
    # Before the Huainan notice took effect, the Anhui 1–10 March window applied in Huainan too.
    assert sweep_on(D(2025, 3, 3)).reminders == 1
    # The one-off window: 2023 and 2024 reports by 2025-05-31 (HN-2).
    assert sweep_on(D(2025, 4, 15)).reminders == 1
    once = Message.objects.get(subject__contains="2023年度")
    assert "2024年度" in once.subject and "2025-05-31" in once.body and "HN-2" not in once.body
    # From 2026 the yearly Huainan window: by the end of March.
    assert sweep_on(D(2026, 3, 20)).reminders == 1
    assert "2026-03-31" in Message.objects.get(subject__contains="2025年度").body


@pytest.mark.req("CQ-10")
def test_supplement_deadline_reminds_the_institution_and_delivers_email_and_sms_once(
    wuxi_institution, wuxi_officer, sms, django_capture_on_commit_callbacks
):
    wuxi_officer.email = "officer@wuxi.example"
    wuxi_officer.phone = "13900001111"
    wuxi_officer.save()
    wuxi_institution.email = "org@wuxi.example"
    wuxi_institution.save()
    app = submit_on(wuxi_institution, D(2026, 9, 3))
    request_supplement_on(app, wuxi_officer, D(2026, 9, 5))  # due Thu 8 Oct; working day before: 30 Sep
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_on(D(2026, 9, 30)).reminders == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_on(D(2026, 10, 8)).reminders == 0
    reminders = [m for m in mail.outbox if "期限" in m.subject]  # the applicant's case notices come too (issue 11)
    assert sorted(m.to[0] for m in reminders) == ["officer@wuxi.example", "org@wuxi.example"]
    assert sorted(p for p, text in sms if "期限" in text) == ["13800138000", "13900001111"]
    assert Message.objects.filter(emailed_at__isnull=False, dedupe_key__startswith="case-due:").count() == 2
    assert "补正期限" in Message.objects.get(recipient=wuxi_institution, dedupe_key__startswith="case-due:").body


def test_the_logging_gateway_is_the_default(settings):
    from skillreg.notifications.sms import LoggingSmsGateway, SmsGateway, get_sms_gateway

    settings.SKILLREG_SMS_GATEWAY = None
    gateway = get_sms_gateway()
    assert isinstance(gateway, LoggingSmsGateway) and isinstance(gateway, SmsGateway)


def test_institution_users_only_get_their_own_units_reminders(wuxi_institution, other_institution, wuxi_officer):
    file_on(wuxi_institution, wuxi_officer, D(2024, 1, 1))
    testing.make_staff("wuxi_officer_2", "hrss-500238")
    sweep_on(D(2026, 10, 2))
    assert Message.objects.filter(recipient=other_institution).count() == 0
    assert Message.objects.filter(recipient=wuxi_institution, dedupe_key__startswith="renewal:").count() == 1
