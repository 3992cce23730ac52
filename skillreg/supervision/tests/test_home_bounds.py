"""The staff home's open lists are bounded (issue 16, item 5): the most urgent rows, the total and a link to the
whole list; the whole lists are pages; the statistics are a page of their own; the inspector candidates are read
by role, not by testing every user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision import selectors, views
from skillreg.supervision.models import Complaint
from skillreg.supervision.services.complaints import complaint_submit
from skillreg.supervision.services.rectification import rectification_order

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _complaints(filing, n, start=0):
    """``n`` complaints, the i-th submitted i days before DAY (so the earliest handling deadline is the last one)."""
    for i in range(start, start + n):
        with at(DAY - dt.timedelta(days=i)):
            complaint_submit(filing_code=filing.code, category="fees", body=f"投诉{i}", submission_key=f"key{i}")


def _home(client, user):
    client.force_login(user)
    with at(DAY):
        return client.get(reverse("supervision:home"))


def test_open_complaints_on_the_home_are_the_most_urgent_few_with_the_total_and_a_link(
    client, cq_filing, wuxi_officer, monkeypatch
):
    monkeypatch.setattr(views, "HOME_ROWS", 3)
    _complaints(cq_filing, 5)
    html = _home(client, wuxi_officer).content.decode()
    listed = html.split('id="complaint-list"')[1].split("</table>")[0]
    shown = [c.tracking_no for c in Complaint.objects.all() if c.tracking_no in listed]
    earliest = list(Complaint.objects.order_by("due_on", "submitted_at", "id").values_list("tracking_no", flat=True))
    assert sorted(shown) == sorted(earliest[:3])
    assert "仅显示办理期限最早的前 3 件（共 5 件）" in html
    assert reverse("supervision:complaints") in html


def test_the_home_reads_as_many_queries_for_30_open_complaints_as_for_3(client, cq_filing, wuxi_officer):
    _complaints(cq_filing, 3)
    _home(client, wuxi_officer)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as few:
        assert _home(client, wuxi_officer).status_code == 200
    _complaints(cq_filing, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        html = _home(client, wuxi_officer).content.decode()
    assert len(many) == len(few)
    assert html.count('id="complaint-TS') == 30  # under the cap: every one listed, no note
    assert "仅显示办理期限最早" not in html


def test_open_rectifications_on_the_home_are_capped_by_period_with_the_total(
    client, two_filings, wuxi_officer, monkeypatch
):
    monkeypatch.setattr(views, "HOME_ROWS", 1)
    first, second = two_filings
    with at(DAY):
        later = rectification_order(
            filing=first, reason="原因一", due_on=DAY + dt.timedelta(days=30), actor=wuxi_officer
        )
        sooner = rectification_order(
            filing=second, reason="原因二", due_on=DAY + dt.timedelta(days=10), actor=wuxi_officer
        )
    html = _home(client, wuxi_officer).content.decode()
    listed = html.split('id="rectification-list"')[1].split("</table>")[0]
    assert reverse("supervision:rectification", args=[sooner.pk]) in listed
    assert reverse("supervision:rectification", args=[later.pk]) not in listed
    assert "仅显示整改期限最早的前 1 家（共 2 家）" in html
    assert reverse("supervision:rectifications") in html
    client.force_login(wuxi_officer)
    with at(DAY):
        whole = client.get(reverse("supervision:rectifications")).content.decode()
    assert whole.index(second.code) < whole.index(first.code)  # the whole list, the same order


def test_the_complaint_list_pages_the_open_ones_by_deadline_and_all_of_them_newest_first(
    client, cq_filing, wuxi_officer, guizhou_officer, monkeypatch
):
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    _complaints(cq_filing, 5)
    client.force_login(wuxi_officer)
    with at(DAY):
        first = client.get(reverse("supervision:complaints")).content.decode()
        last = client.get(reverse("supervision:complaints"), {"page": 3}).content.decode()
        everything = client.get(reverse("supervision:complaints"), {"show": "all"}).content.decode()
    by_deadline = list(Complaint.objects.order_by("due_on", "id").values_list("tracking_no", flat=True))
    assert by_deadline[0] in first and by_deadline[1] in first and by_deadline[2] not in first
    assert by_deadline[4] in last and "第 3/3 页（共 5 条）" in last
    newest = Complaint.objects.order_by("-submitted_at", "-id").first()
    assert newest is not None and newest.tracking_no in everything
    client.force_login(guizhou_officer)
    with at(DAY):
        other = client.get(reverse("supervision:complaints")).content.decode()
    assert by_deadline[0] not in other and "暂无待办结的投诉举报" in other


def test_complaint_statistics_are_a_page_of_their_own(client, cq_filing, wuxi_officer):
    _complaints(cq_filing, 2)
    home = _home(client, wuxi_officer).content.decode()
    assert 'id="complaint-stats"' not in home and reverse("supervision:complaint_statistics") in home
    with at(DAY):
        page = client.get(reverse("supervision:complaint_statistics")).content.decode()
    assert 'id="complaint-stats"' in page and "违规收费" in page


def test_inspector_candidates_are_read_by_role_not_by_testing_every_user(wuxi_officer, monkeypatch):
    for i in range(5):
        testing.make_institution_user(f"cand_inst{i}", region_code="500238", seed=300 + i)
    inspector = testing.make_admin("cand_inspector", "inspector")
    tested: list[str] = []
    real = selectors.scope.is_inspector

    def counting(user):
        tested.append(user.username)
        return real(user)

    monkeypatch.setattr(selectors.scope, "is_inspector", counting)
    assert selectors.inspector_candidates(wuxi_officer) == [inspector]
    assert tested == ["cand_inspector"]  # the institution users were never read


@pytest.mark.postgres
def test_the_open_complaints_by_deadline_are_an_index(cq_filing, wuxi_officer):
    _complaints(cq_filing, 3)
    sql, params = selectors.open_complaints(wuxi_officer)[:50].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "complaint_open_due" in plan, plan


def test_pending_objections_on_the_home_are_the_oldest_few_with_the_total(client, wuxi_officer, monkeypatch):
    from skillreg.supervision.models import NoticeKind, NoticeTopic
    from skillreg.supervision.services.notices import notice_publish, objection_submit

    monkeypatch.setattr(views, "HOME_ROWS", 2)
    with at(DAY - dt.timedelta(days=3)):
        notice = notice_publish(
            kind=NoticeKind.PUBLICITY,
            topic=NoticeTopic.SELECTION,
            title="遴选结果公示",
            body="拟遴选：某某职业培训学校",
            legal_basis="渝人社发〔2020〕128号 第十一条",
            ends_on=DAY,
            actor=wuxi_officer,
        )
    lodged = []
    for i in range(3):
        with at(DAY - dt.timedelta(days=2 - i)):
            lodged.append(objection_submit(notice=notice, body=f"异议{i}", submission_key=f"obj{i}").objection)
    html = _home(client, wuxi_officer).content.decode()
    listed = html.split('id="objection-list"')[1].split("</table>")[0]
    assert lodged[0].tracking_no in listed and lodged[1].tracking_no in listed
    assert lodged[2].tracking_no not in listed
    assert "仅显示最早提出的前 2 件（共 3 件）" in html
