"""The quality-supervision pages: who sees what (404 outside the scope), the forms' Chinese errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at
from skillreg.quality.models import AssignmentStatus, SupervisorAssignment
from skillreg.quality.services.assignments import draw_commit, draw_run
from skillreg.quality.workflow import ASSIGNMENT_TRANSITIONS, SUPERVISOR_TRANSITIONS

from .conftest import PLAN_START, TODAY, enrol

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_workflow_tables_use_the_model_values():
    from skillreg.quality.models import AssignmentStatus, SupervisorStatus

    for t in SUPERVISOR_TRANSITIONS.values():
        assert {*t.sources, t.target} <= set(SupervisorStatus.values)
    for t in ASSIGNMENT_TRANSITIONS.values():
        assert {*t.sources, t.target} <= set(AssignmentStatus.values)


def test_staff_page_lists_register_and_plans(wuxi_officer, supervisors, plan):
    with at(TODAY):
        page = client_for(wuxi_officer).get("/quality/")
    body = page.content.decode()
    assert page.status_code == 200 and "WX-DD-001" in body and plan.number in body
    assert str(supervisors[0].id_number) not in body


def test_other_region_gets_404(guizhou_officer, supervisors, plan):
    c = client_for(guizhou_officer)
    assert c.get(f"/quality/supervisors/{supervisors[0].pk}/").status_code == 404
    assert c.get(f"/quality/plans/{plan.pk}/").status_code == 404


def test_reveal_is_audited(wuxi_officer, supervisors):
    from skillreg.audit.models import AuditRecord

    sup = supervisors[0]
    c = client_for(wuxi_officer)
    page = c.get(f"/quality/supervisors/{sup.pk}/").content.decode()
    assert str(sup.id_number) not in page
    page = c.post(f"/quality/supervisors/{sup.pk}/", {"form": "reveal", "field": "id_number"}).content.decode()
    assert str(sup.id_number) in page
    assert AuditRecord.objects.filter(action="pii.reveal").count() == 1


def test_enrol_form_shows_chinese_errors(wuxi_officer):
    page = client_for(wuxi_officer).post(
        "/quality/supervisors/new/",
        {
            "number": "X1",
            "name": "张三",
            "id_number": "123",
            "unit_name": "某单位",
            "selected_on": "2026-01-01",
            "selection_basis": "遴选",
            "term_from": "2026-01-02",
            "term_to": "2027-01-01",
            "occupations": "9-99-99-99",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200 and "职业（工种）编码不存在" in body


def test_draw_from_the_plan_page_and_own_institution_message(wuxi_officer, supervisors, plan, cq_filing):
    with at(dt.date(2026, 1, 20)):
        own = enrol(wuxi_officer, 7, unit_uscc=cq_filing.unit.uscc)
    c = client_for(wuxi_officer)
    with at(TODAY):
        c.post(f"/quality/plans/{plan.pk}/", {"form": "commit", "count": "1"})
        row = plan.supervisor_draws.get()
        c.post(f"/quality/plans/{plan.pk}/", {"form": "draw", "draw": str(row.pk)})
        page = c.post(f"/quality/plans/{plan.pk}/", {"form": "designate", "supervisor": str(own.pk), "reason": "熟悉"})
        assert "不能选派其督导本单位的评价活动" in page.content.decode()
        verify = c.get(f"/quality/draws/{row.pk}/verify/").content.decode()
    assert "复核通过" in verify
    assert SupervisorAssignment.objects.filter(plan=plan).count() == 1


def test_supervisor_sees_only_own_tasks_and_reports_once(wuxi_officer, supervisors, plan):
    with at(TODAY):
        row = draw_run(row=draw_commit(plan=plan, count=1, actor=wuxi_officer), actor=wuxi_officer)
    a = SupervisorAssignment.objects.get(draw=row)
    other = next(s for s in supervisors if s.pk != a.supervisor_id)
    assert client_for(other.user).get(f"/quality/assignments/{a.pk}/report/").status_code == 404
    c = client_for(a.supervisor.user)
    with at(PLAN_START):
        page = c.post(
            f"/quality/assignments/{a.pk}/report/",
            {
                "onsite_record": "考场秩序良好",
                "problems": "视频监控有盲区\n",
                "verdict": "minor",
                "photos": [testing.upload(PNG, "现场.png")],
            },
        )
        assert page.status_code == 302
        a.refresh_from_db()
        assert a.status == AssignmentStatus.REPORTED
        again = c.get(f"/quality/assignments/{a.pk}/report/")
        assert again.status_code == 302 and again.url == f"/quality/reports/{a.report.pk}/"
        photo = a.report.photos.get()
        assert c.get(f"/quality/photos/{photo.pk}/").status_code == 200
        assert client_for(other.user).get(f"/quality/photos/{photo.pk}/").status_code == 404
        assert client_for(other.user).get(f"/quality/reports/{a.report.pk}/").status_code == 404


def test_report_form_errors_are_chinese(wuxi_officer, supervisors, plan):
    with at(TODAY):
        row = draw_run(row=draw_commit(plan=plan, count=1, actor=wuxi_officer), actor=wuxi_officer)
    a = SupervisorAssignment.objects.get(draw=row)
    with at(PLAN_START):
        page = client_for(a.supervisor.user).post(
            f"/quality/assignments/{a.pk}/report/", {"onsite_record": "记录", "verdict": "serious", "problems": ""}
        )
    assert "请逐条填写发现的问题" in page.content.decode()


def test_institution_page_shows_internal_supervisors(wuxi_institution, plan):
    with at(TODAY):
        body = client_for(wuxi_institution).get("/quality/").content.decode()
    assert "督导0" in body and "不少于 2 名" in body and "评价活动结束后显示" in body


def test_other_institution_sees_nothing(other_institution, plan):
    with at(TODAY):
        body = client_for(other_institution).get("/quality/").content.decode()
    assert plan.number not in body


def test_no_eligible_supervisor_is_said_on_the_plan_page(wuxi_officer, plan, cq_filing):
    with at(dt.date(2026, 1, 20)):
        enrol(wuxi_officer, 7, unit_uscc=cq_filing.unit.uscc)
    c = client_for(wuxi_officer)
    with at(TODAY):
        c.post(f"/quality/plans/{plan.pk}/", {"form": "commit", "count": "1"})
        row = plan.supervisor_draws.get()
        body = c.post(f"/quality/plans/{plan.pk}/", {"form": "draw", "draw": str(row.pk)}).content.decode()
    assert "符合条件" in body and "须回避" in body
    assert not SupervisorAssignment.objects.exists()


def test_staff_home_lists_the_earliest_plans_not_yet_over_and_says_when_there_are_more(
    wuxi_officer, cq_filing, monkeypatch
):
    from skillreg.quality import views

    from .conftest import make_plan

    monkeypatch.setattr(views, "PLANS_SHOWN", 2)
    for i in range(3):
        day = PLAN_START + dt.timedelta(days=i)
        make_plan(cq_filing, number=f"P2026-10{i}", start=day, end=day)
    with at(TODAY):
        body = client_for(wuxi_officer).get("/quality/").content.decode()
    assert "P2026-100" in body and "P2026-101" in body and "P2026-102" not in body
    assert "仅显示前 2 条" in body


def test_supervisor_accounts_free_reads_only_supervisor_logins(wuxi_officer, monkeypatch):
    from skillreg.quality import selectors

    for i in range(4):
        testing.make_institution_user(f"qs_free_inst{i}", region_code="500238", seed=400 + i)
    free = testing.make_admin("qs_free_sup", "qsupervisor")
    tested: list[str] = []
    real = selectors.scope.is_quality_supervisor

    def counting(user):  # type: ignore[no-untyped-def]
        tested.append(user.username)
        return real(user)

    monkeypatch.setattr(selectors.scope, "is_quality_supervisor", counting)
    assert selectors.supervisor_accounts_free(wuxi_officer) == [free]
    assert tested == ["qs_free_sup"]
