"""Staff SLA dashboard and confirmation queue (data scope, POST + CSRF), case timeline page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from skillreg.applications.models import State
from skillreg.core import testing
from skillreg.deadlines.models import Confirmation

from .conftest import at, submit_on, sweep_on

pytestmark = pytest.mark.django_db
D = dt.date
DASHBOARD = "/staff/deadlines/"


def _client(user, **kwargs) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_url_names():
    assert reverse("deadlines:dashboard") == DASHBOARD


def test_dashboard_lists_due_today_overdue_at_risk_and_counts(wuxi_institution, wuxi_officer, cq_centre_officer):
    a = submit_on(wuxi_institution, D(2026, 9, 29))  # due 12 Oct
    b = submit_on(wuxi_institution, D(2026, 10, 8))  # due 14 Oct (8: 9, 10, 12, 13, 14)
    with at(D(2026, 10, 12)):
        for user in (wuxi_officer, cq_centre_officer):  # the city centre sees the county's cases too
            response = _client(user).get(DASHBOARD)
            assert response.status_code == 200
            board = response.context["board"]
            assert [r.application["pk"] for r in board.due_today] == [a.pk]
            assert [r.application["pk"] for r in board.at_risk] == [b.pk]
            assert board.by_authority == [
                {"authority": "巫溪县人力资源和社会保障局", "deadlines": 2, "due_today": 1, "overdue": 0, "at_risk": 1}
            ]
    html = response.content.decode()
    assert "今日届满" in html and a.number in html and "<script" not in html


def test_dashboard_shows_nothing_outside_the_scope(wuxi_institution, guizhou_officer):
    submit_on(wuxi_institution, D(2026, 9, 29))
    with at(D(2026, 10, 12)):
        board = _client(guizhou_officer).get(DASHBOARD).context["board"]
    assert board.due_today == board.by_authority == []


def test_dashboard_is_for_staff_only(wuxi_institution, client):
    assert _client(wuxi_institution).get(DASHBOARD).status_code == 404
    assert client.get(DASHBOARD).status_code == 302  # to the login page


@pytest.fixture
def held(wuxi_institution):
    app = submit_on(wuxi_institution, D(2026, 12, 28))
    sweep_on(D(2027, 1, 5))
    return Confirmation.objects.get(application=app)


def test_confirm_from_the_queue(held, wuxi_officer):
    with at(D(2027, 1, 5), 14):  # log in "then": sessions expire after 30 minutes
        client = _client(wuxi_officer)
        page = client.get(DASHBOARD)
        assert [c.pk for c in page.context["board"].confirmations] == [held.pk]
        assert "确认执行" in page.content.decode()
        assert client.get(reverse("deadlines:confirm", args=[held.pk])).status_code == 405
        response = client.post(reverse("deadlines:confirm", args=[held.pk]), follow=True)
    assert "已确认" in response.content.decode()
    held.application.refresh_from_db()
    assert held.application.state == State.ACCEPTED


def test_dismiss_from_the_queue_requires_a_reason(held, wuxi_officer):
    with at(D(2027, 1, 5), 14):
        client = _client(wuxi_officer)
        response = client.post(reverse("deadlines:dismiss", args=[held.pk]), {"reason": ""}, follow=True)
        assert "请填写不予执行的理由" in response.content.decode()
        client.post(reverse("deadlines:dismiss", args=[held.pk]), {"reason": "元旦放假，暂定期限有误"})
    held.refresh_from_db()
    assert held.status == Confirmation.Status.DISMISSED


def test_queue_actions_need_csrf_and_scope(held, wuxi_officer, guizhou_officer):
    strict = _client(wuxi_officer, enforce_csrf_checks=True)
    assert strict.post(reverse("deadlines:confirm", args=[held.pk])).status_code == 403
    assert _client(guizhou_officer).post(reverse("deadlines:confirm", args=[held.pk])).status_code == 404
    assert (
        _client(guizhou_officer).post(reverse("deadlines:dismiss", args=[held.pk]), {"reason": "x"}).status_code == 404
    )
    held.refresh_from_db()
    assert held.status == Confirmation.Status.OPEN


def test_city_centre_sees_but_cannot_decide_a_county_case(held, cq_centre_officer):
    with at(D(2027, 1, 5), 14):
        client = _client(cq_centre_officer)
        assert [c.pk for c in client.get(DASHBOARD).context["board"].confirmations] == [held.pk]
        response = client.post(reverse("deadlines:confirm", args=[held.pk]), follow=True)
    assert "此申请当前不由您所在的机关办理" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Confirmation.Status.OPEN


def test_case_timeline_page_is_scoped(wuxi_institution, wuxi_officer, guizhou_officer):
    app = submit_on(wuxi_institution, D(2026, 9, 29))
    url = reverse("deadlines:case", kwargs={"pid": app.public_id})
    with at(D(2026, 10, 9)):
        response = _client(wuxi_officer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "作出是否受理的决定" in html and "2026-10-12" in html and "第十条" in html
    assert _client(guizhou_officer).get(url).status_code == 404
    other = testing.make_staff("wuxi_2", "hrss-500238")
    assert _client(other).get(url).status_code == 200
