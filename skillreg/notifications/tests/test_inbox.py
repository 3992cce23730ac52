"""The inbox: own messages only, mark as read by POST, one message per (recipient, dedupe key)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from skillreg.notifications.models import Message
from skillreg.notifications.services import Notice, deliver_pending, notify

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_notify_is_idempotent_per_recipient_and_key(wuxi_institution, wuxi_officer):
    notice = Notice(wuxi_officer.pk, "case-due:1:2026-10-12", "期限提醒", "明天届满", "/staff/")
    assert notify([notice, notice], deliver=False) == 1
    assert notify([notice], deliver=False) == 0
    assert notify([Notice(wuxi_institution.pk, notice.dedupe_key, "期限提醒", "明天届满")], deliver=False) == 1
    assert Message.objects.count() == 2


def test_delivery_is_claimed_once(wuxi_officer, mailoutbox):
    wuxi_officer.email = "o@example.org"
    wuxi_officer.save()
    notify([Notice(wuxi_officer.pk, "k1", "标题", "内容")], deliver=False)
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    assert len(mailoutbox) == 1 and "【技能人才评价机构备案管理系统】标题" == mailoutbox[0].subject


def test_inbox_lists_only_own_messages_and_marks_read(wuxi_institution, other_institution):
    notify([Notice(wuxi_institution.pk, "a", "补正期限提醒", "请于 2026-10-08 前补正")], deliver=False)
    notify([Notice(other_institution.pk, "b", "别人的消息", "不应看到")], deliver=False)
    client = _client(wuxi_institution)
    page = client.get(reverse("notifications:inbox"))
    html = page.content.decode()
    assert page.status_code == 200 and "补正期限提醒" in html and "别人的消息" not in html
    assert "未读 1 条" in html and "<script" not in html
    mine = Message.objects.get(recipient=wuxi_institution)
    other = Message.objects.get(recipient=other_institution)
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox")
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    assert "未读 0 条" in client.get(reverse("notifications:inbox")).content.decode()


def test_mark_all_read_and_login_required(wuxi_institution, client):
    notify([Notice(wuxi_institution.pk, f"k{i}", f"消息{i}", "内容") for i in range(3)], deliver=False)
    response = _client(wuxi_institution).post(reverse("notifications:read_all"), follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_inbox_requires_csrf_for_post(wuxi_institution):
    notify([Notice(wuxi_institution.pk, "a", "t", "b")], deliver=False)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(wuxi_institution)
    assert strict.post(reverse("notifications:read", args=[Message.objects.get().pk])).status_code == 403


def _many(user, n):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() - dt.timedelta(days=n)
    Message.objects.bulk_create(
        [
            # every second pair at the same moment: the order's tie is broken by id, as on the page
            Message(
                recipient=user,
                subject=f"消息{i:04d}",
                body="内容",
                dedupe_key=f"m{i}",
                created_at=start + dt.timedelta(hours=i // 2),
            )
            for i in range(n)
        ]
    )


def test_a_deep_inbox_page_is_read_by_its_keys_first_and_shows_the_same_messages(wuxi_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many(wuxi_officer, 250)
    expected = list(Message.objects.filter(recipient=wuxi_officer).values_list("subject", flat=True))[210:240]
    with CaptureQueriesContext(connection) as queries:
        html = _client(wuxi_officer).get(reverse("notifications:inbox"), {"page": 8}).content.decode()
    assert [s for s in expected if s in html] == expected and html.index(expected[0]) < html.index(expected[-1])
    assert html.count("消息0") + html.count("消息1") + html.count("消息2") == 30
    keys = [
        q["sql"] for q in queries.captured_queries if "notifications_message" in q["sql"] and "OFFSET 210" in q["sql"]
    ]
    assert keys and all('"subject"' not in sql for sql in keys)  # the OFFSET runs over the keys alone


@pytest.mark.postgres
def test_the_inbox_order_is_an_index_of_the_recipient(wuxi_officer):
    from django.db import connection

    _many(wuxi_officer, 50)
    qs = Message.objects.filter(recipient_id=wuxi_officer.pk)[:30]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "message_inbox_order" in plan, plan
