"""Evaluation plans (issue 14): reporting checked against the filing on every evaluation day, review, results
and roster, the registry accepting only the roster's certificates, anomalies and the annual-report figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillreg.audit.models import AuditRecord
from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.evaluations import selectors, services
from skillreg.evaluations.models import EvaluationPlan, PlanStatus, PlanStatusChange, RosterEntry
from skillreg.institutions.models import FilingVersion
from skillreg.supervision.models import Notice
from skillreg.supervision.services import rectification_order

from .conftest import TODAY, examiners, file_institution, person, report, roster_csv, when

pytestmark = pytest.mark.django_db


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [e["code"] for e in exc.value.details.get("errors", [])]


def acknowledged(filing, user, officer, **over):
    plan = report(filing, user, **over)
    return services.plan_acknowledge(plan=plan, actor=officer)


def held(filing, user, officer, people, *, applicants=None, number="PJ-2026-101", day=None):
    """A plan held 2026-06-01/02 (reported late, on the day), acknowledged and publicised."""
    day = day or dt.date(2026, 6, 1)
    plan = acknowledged(
        filing, user, officer, number=number, starts_at=when(day, 9), ends_at=when(day + dt.timedelta(days=1), 17)
    )
    services.results_publish(plan=plan, actor=user, body="合格人员名单：" + "、".join(p["name"] for p in people))
    return plan


@pytest.mark.req("CQ-4")
def test_a_plan_is_reported_acknowledged_and_recorded(filing, wuxi_institution, wuxi_officer, guizhou_officer):
    plan = report(filing, wuxi_institution)
    assert plan.status == PlanStatus.REPORTED and not plan.reported_late
    assert (plan.starts_on, plan.ends_on, plan.venue) == (
        dt.date(2026, 7, 15),
        dt.date(2026, 7, 16),
        "技能考核场地300平方米",
    )
    assert AuditRecord.objects.filter(action="evaluation.plan.report").count() == 1
    with pytest.raises(PermissionDeniedError):
        services.plan_acknowledge(plan=plan, actor=guizhou_officer)
    with pytest.raises(PermissionDeniedError):
        services.plan_acknowledge(plan=plan, actor=wuxi_institution)
    plan = services.plan_acknowledge(plan=plan, actor=wuxi_officer)
    assert plan.status == PlanStatus.ACKNOWLEDGED
    assert [h.to_status for h in PlanStatusChange.objects.filter(plan=plan)] == ["reported", "acknowledged"]
    with pytest.raises(TransitionNotAllowed):
        services.plan_acknowledge(plan=plan, actor=wuxi_officer)


@pytest.mark.req("CQ-4")
def test_a_returned_plan_is_corrected_and_reported_again(filing, wuxi_institution, wuxi_officer):
    plan = report(filing, wuxi_institution)
    with pytest.raises(ValidationFailed) as exc:
        services.plan_return(plan=plan, actor=wuxi_officer, reason=" ")
    assert exc.value.code == "PLAN_REASON_REQUIRED"
    plan = services.plan_return(plan=plan, actor=wuxi_officer, reason="考评人员不足")
    assert plan.status == PlanStatus.RETURNED
    again = report(filing, wuxi_institution, plan=plan, examiners=examiners(n=3))
    assert again.pk == plan.pk and again.status == PlanStatus.REPORTED and len(again.examiners) == 3
    with pytest.raises(TransitionNotAllowed) as exc2:
        report(filing, wuxi_institution, plan=again)
    assert exc2.value.code == "PLAN_ALREADY_REPORTED"


@pytest.mark.req("CQ-4")
def test_a_plan_outside_the_filed_scope_is_refused_with_every_fault(filing, wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        report(filing, wuxi_institution, occupation_code="4-10-01-03", venue="别处", examiners=[{"name": "外人"}])
    assert exc.value.code == "PLAN_INVALID"
    assert {"PLAN_OUT_OF_SCOPE", "PLAN_VENUE_NOT_FILED", "PLAN_EXAMINER_NOT_REGISTERED"} <= set(codes(exc))
    with pytest.raises(ValidationFailed) as exc:
        report(filing, wuxi_institution, level=2)
    assert "PLAN_LEVEL_OUT_OF_SCOPE" in codes(exc)
    assert (
        EvaluationPlan.objects.count() == 0 and AuditRecord.objects.filter(action__startswith="evaluation").count() == 0
    )


@pytest.mark.req("CQ-4", "CQ-14")
def test_a_plan_on_a_date_after_expiry_is_refused(filing, wuxi_institution):
    last = filing.valid_to
    with pytest.raises(ValidationFailed) as exc:
        report(filing, wuxi_institution, starts_at=when(last, 9), ends_at=when(last + dt.timedelta(days=1), 17))
    assert codes(exc) == ["PLAN_AFTER_EXPIRY"]
    assert "不在备案有效期" in exc.value.details["errors"][0]["message"]
    assert report(filing, wuxi_institution, starts_at=when(last, 9), ends_at=when(last, 17)).ends_on == last


@pytest.mark.req("CQ-30")
def test_a_plan_in_a_rectification_is_refused(filing, wuxi_institution, wuxi_officer):
    rectification_order(filing=filing, reason="x", actor=wuxi_officer, ordered_on=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        report(filing, wuxi_institution)  # 07-15 … 07-16: the rectification has no end yet
    assert "PLAN_DURING_RECTIFICATION" in codes(exc)


@pytest.mark.req("HN-1")
def test_huainan_needs_five_registered_examiners_per_occupation(huainan_institution, huainan_city_officer):
    hn = file_institution(huainan_institution, huainan_city_officer, scope=[("6-31-01-03", [5, 4])])
    args = dict(venue=hn.address, supervisors=["督导0"])
    assert report(hn, huainan_institution, number="HN-1", **args).status == PlanStatus.REPORTED
    version = FilingVersion.objects.get(filing=hn)
    people = dict(version.people)
    people["examiners"] = people["examiners"][:4]
    FilingVersion.objects.filter(pk=version.pk).update(people=people)  # a version with 4: set up directly
    with pytest.raises(ValidationFailed) as exc:
        report(hn, huainan_institution, number="HN-2", **args)
    fault = next(e for e in exc.value.details["errors"] if e["code"] == "PLAN_TOO_FEW_EXAMINERS")
    assert "4 人" in fault["message"] and "不少于5人" in fault["message"]
    assert "《关于进一步加强技能人才评价机构备案管理工作的通知》一、" in fault["message"]
    assert "HN-1" not in fault["message"]


@pytest.mark.req("WX-6.2.1")
def test_wuxi_threshold_is_three_examiners_from_its_pack(filing, wuxi_institution):
    from skillreg.evaluations.checks import examiner_threshold

    assert examiner_threshold("500238", TODAY).value == 3
    assert examiner_threshold("340403", TODAY).value == 5
    assert examiner_threshold("500101", TODAY) is None  # Chongqing sets no number: only registration is checked


@pytest.mark.req("CQ-4")
def test_an_examiner_in_two_plans_at_overlapping_times_is_refused(filing, wuxi_institution):
    report(filing, wuxi_institution)
    with pytest.raises(ValidationFailed) as exc:
        report(
            filing,
            wuxi_institution,
            number="PJ-2026-102",
            venue="理论考场1间（30座）",
            examiners=examiners(n=1, first=1),
        )
    assert codes(exc) == ["PLAN_EXAMINER_DOUBLE_BOOKED"]
    assert "考评031" in exc.value.details["errors"][0]["message"]
    # the other examiners are free; the same examiner after the first plan ends is fine too
    report(
        filing, wuxi_institution, number="PJ-2026-103", venue="理论考场1间（30座）", examiners=examiners(n=2, first=2)
    )
    day = dt.date(2026, 7, 16)
    report(
        filing, wuxi_institution, number="PJ-2026-104", examiners=examiners(n=1), venue="理论考场1间（30座）",
        starts_at=when(day, 18), ends_at=when(day, 20),
    )  # fmt: skip


def test_a_plan_reported_too_late_is_flagged(filing, wuxi_institution, settings):
    settings.SKILLREG_PLAN_REPORT_DAYS_BEFORE = 31
    assert report(filing, wuxi_institution).reported_late  # 30 days ahead
    settings.SKILLREG_PLAN_REPORT_DAYS_BEFORE = 30
    assert not report(filing, wuxi_institution, number="PJ-2026-102", examiners=examiners(n=1, first=3)).reported_late


@pytest.mark.req("CQ-4")
def test_results_are_published_filed_once_and_reviewed(filing, wuxi_institution, wuxi_officer):
    people = [person(n) for n in range(1, 4)]
    day = dt.date(2026, 6, 1)  # held before today: results may be published and filed (test_oversight.py)
    plan = acknowledged(filing, wuxi_institution, wuxi_officer, starts_at=when(day, 9), ends_at=when(day, 17))
    with pytest.raises(TransitionNotAllowed) as exc:
        services.results_file(plan=plan, actor=wuxi_institution, applicants=5, passes=3, roster=roster_csv(people))
    assert exc.value.code == "PLAN_NOTICE_REQUIRED"
    notice = services.results_publish(plan=plan, actor=wuxi_institution, body="合格人员名单：学员零零一等3人")
    assert (notice.topic, notice.filing_id, notice.authority_id) == (
        "evaluation_result",
        filing.pk,
        filing.authority_id,
    )
    assert (notice.ends_on - notice.starts_on).days + 1 == services.results_publicity_days()
    plan = services.results_file(plan=plan, actor=wuxi_institution, applicants=5, passes=3, roster=roster_csv(people))
    assert (plan.status, plan.applicants, plan.passes, plan.roster.count()) == ("results_filed", 5, 3, 3)
    assert plan.roster.first().holder_id_masked.startswith("500238")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.results_file(plan=plan, actor=wuxi_institution, applicants=5, passes=3, roster=roster_csv(people))
    assert exc.value.code == "PLAN_RESULTS_ALREADY_FILED"
    assert RosterEntry.objects.count() == 3
    plan = services.results_return(plan=plan, actor=wuxi_officer, reason="合格人数有误")
    assert plan.status == "results_returned" and RosterEntry.objects.count() == 0
    plan = services.results_file(plan=plan, actor=wuxi_institution, applicants=4, passes=3, roster=roster_csv(people))
    plan = services.results_accept(plan=plan, actor=wuxi_officer)
    assert plan.status == PlanStatus.RESULTS_ACCEPTED


def test_a_roster_that_does_not_match_is_refused_whole(filing, wuxi_institution, wuxi_officer):
    plan = held(filing, wuxi_institution, wuxi_officer, [])
    rows = [person(1), person(1), {"name": "坏号", "id": "500238199801011230"}, {**person(4), "level": 3}]
    with pytest.raises(ValidationFailed) as exc:
        services.results_file(plan=plan, actor=wuxi_institution, applicants=9, passes=4, roster=roster_csv(rows))
    assert exc.value.code == "PLAN_RESULTS_INVALID"
    assert {"ROSTER_PERSON_DUPLICATE", "ID_INVALID_CHECKSUM", "ROSTER_LEVEL_MISMATCH"} <= set(codes(exc))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACKNOWLEDGED and plan.roster_errors and RosterEntry.objects.count() == 0
    with pytest.raises(ValidationFailed) as exc:
        services.results_file(plan=plan, actor=wuxi_institution, applicants=1, passes=2, roster=roster_csv([person(1)]))
    assert "PLAN_PASSES_GT_APPLICANTS" in codes(exc) or "ROSTER_COUNT_MISMATCH" in codes(exc)


def test_a_roster_of_20000_rows_with_errors_gives_one_workbook_and_writes_nothing(
    filing, wuxi_institution, wuxi_officer
):
    from openpyxl import load_workbook

    from skillreg.core import objectstore

    plan = held(filing, wuxi_institution, wuxi_officer, [])
    rows = [
        {"name": f"学员{n}", "id": testing.make_id_number("500238", f"19{70 + n // 1000 % 30}0101", n % 1000)}
        for n in range(20_000)
    ]
    for n in (7, 4_000, 19_999):
        rows[n] = {**rows[n], "code": "4-10-01-05"}
    with pytest.raises(ValidationFailed) as exc:
        services.results_file(
            plan=plan, actor=wuxi_institution, applicants=20_000, passes=20_000, roster=roster_csv(rows)
        )
    assert exc.value.details["errors_count"] == 3 and set(codes(exc)) == {"ROSTER_OCCUPATION_MISMATCH"}
    plan.refresh_from_db()
    assert RosterEntry.objects.count() == 0 and plan.status == PlanStatus.ACKNOWLEDGED
    with objectstore.local_copy(plan.roster_errors) as path:
        sheet = load_workbook(path, read_only=True).worksheets[0]
        got = [r for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ("行号", "出错的列", "错误说明") and [r[0] for r in got[1:]] == [9, 4002, 20001]


@pytest.mark.req("CQ-4")
def test_the_registry_takes_only_the_rosters_certificates(filing, wuxi_institution, wuxi_officer):
    people = [person(n) for n in range(1, 4)]
    plan = held(filing, wuxi_institution, wuxi_officer, people)

    def item(p, **over):
        return {
            "number": "", "holder_name": p["name"], "id_type": "居民身份证", "id_number": p["id"],
            "occupation_code": "6-31-01-03", "level": 4, "issue_date": "2026-06-10", "batch_number": plan.number,
            **over,
        }  # fmt: skip

    _job, results = certificates_report(
        filing=filing, actor=wuxi_institution, items=[item(people[0])], mode="valid_only"
    )
    assert [e["code"] for r in results for e in r.get("errors", [])] == ["BATCH_RESULTS_NOT_FILED"]
    services.results_file(plan=plan, actor=wuxi_institution, applicants=5, passes=3, roster=roster_csv(people))
    stranger = person(99)
    items = [item(p) for p in people] + [item(stranger), item(people[0], holder_name="别名")]
    _job, results = certificates_report(filing=filing, actor=wuxi_institution, items=items, mode="valid_only")
    assert [[e["code"] for e in r.get("errors", [])] for r in results] == [
        [],
        [],
        [],
        ["CERT_NOT_ON_ROSTER"],
        ["CERT_DUPLICATE_IN_FILE"] if False else results[4]["errors"] and [e["code"] for e in results[4]["errors"]],
    ]
    assert "合格名册" in results[3]["errors"][0]["message"]
    assert sorted(Certificate.objects.values_list("holder_name", flat=True)) == sorted(p["name"] for p in people)


def test_a_wrong_name_for_a_roster_person_is_refused(filing, wuxi_institution, wuxi_officer):
    people = [person(1)]
    plan = held(filing, wuxi_institution, wuxi_officer, people)
    services.results_file(plan=plan, actor=wuxi_institution, applicants=1, passes=1, roster=roster_csv(people))
    item = {
        "number": "", "holder_name": "别名", "id_type": "居民身份证", "id_number": people[0]["id"],
        "occupation_code": "6-31-01-03", "level": 4, "issue_date": "2026-06-10", "batch_number": plan.number,
    }  # fmt: skip
    _job, results = certificates_report(filing=filing, actor=wuxi_institution, items=[item], mode="valid_only")
    assert [e["code"] for e in results[0]["errors"]] == ["CERT_ROSTER_NAME_MISMATCH"]
    assert Certificate.objects.count() == 0


def test_anomalies_full_pass_shared_venue_and_examiner_twice_a_day(
    filing, wuxi_institution, wuxi_officer, guizhou_officer
):
    people = [person(1), person(2)]
    plan = held(filing, wuxi_institution, wuxi_officer, people)
    services.results_file(plan=plan, actor=wuxi_institution, applicants=2, passes=2, roster=roster_csv(people))
    day = dt.date(2026, 7, 20)
    morning = report(filing, wuxi_institution, number="AM", starts_at=when(day, 8), ends_at=when(day, 11))
    afternoon = report(
        filing,
        wuxi_institution,
        number="PM",
        starts_at=when(day, 14),
        ends_at=when(day, 17),
        venue="理论考场1间（30座）",
    )  # same examiners, same day, another place
    report(
        filing, wuxi_institution, number="AM2", starts_at=when(day, 9), ends_at=when(day, 10),
        examiners=examiners(n=1, first=4),
    )  # same venue as AM at the same time, other examiner  # fmt: skip
    found = selectors.anomalies(wuxi_officer)
    kinds = sorted(a.kind for a in found)
    assert kinds == ["examiner_overlap", "full_pass", "late_report", "venue_overlap"]
    twice = next(a for a in found if a.kind == "examiner_overlap")
    assert {p.number for p in twice.plans} == {morning.number, afternoon.number} and "同日" in twice.detail
    assert selectors.anomalies(guizhou_officer) == [] and selectors.anomalies(wuxi_institution) == []


def test_anomalies_pair_only_the_plans_of_the_listed_institutions(filing, wuxi_institution, wuxi_officer):
    """Issue 16: both kinds of pair are plans of one institution, so the other plans of the province (thousands
    on a busy day) are neither read nor paired; plans are paired per institution and day."""
    day = dt.date(2026, 7, 20)
    report(filing, wuxi_institution, number="AM", starts_at=when(day, 8), ends_at=when(day, 11))
    venue = "理论考场1间（30座）"
    report(filing, wuxi_institution, number="PM", starts_at=when(day, 14), ends_at=when(day, 17), venue=venue)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.anomalies(wuxi_officer)
    assert any(a.kind == "examiner_overlap" for a in found)
    pool = [q["sql"] for q in ctx.captured_queries if "starts_on" in q["sql"] and "INNER JOIN" in q["sql"]]
    assert pool and all('"filing_id" IN (' in sql for sql in pool[-1:])


def test_the_anomaly_page_is_paged(client, filing, wuxi_institution, wuxi_officer, monkeypatch):
    from skillreg.evaluations import views

    day = dt.date(2026, 7, 20)
    report(filing, wuxi_institution, number="AM", starts_at=when(day, 8), ends_at=when(day, 11))
    venue = "理论考场1间（30座）"
    report(filing, wuxi_institution, number="PM", starts_at=when(day, 14), ends_at=when(day, 17), venue=venue)
    report(
        filing, wuxi_institution, number="AM2", starts_at=when(day, 9), ends_at=when(day, 10),
        examiners=examiners(n=1, first=4),
    )  # same venue as AM at the same time  # fmt: skip
    found = selectors.anomalies(wuxi_officer)
    assert len(found) >= 2
    monkeypatch.setattr(views, "ANOMALIES_PER_PAGE", 1)
    client.force_login(wuxi_officer)
    pages = [client.get(reverse("evaluations:anomalies"), {"page": n}).content.decode() for n in (1, 2)]
    assert f"第 1/{len(found)} 页" in pages[0] and f"第 2/{len(found)} 页" in pages[1]
    for html, anomaly in zip(pages, found, strict=False):
        assert html.count('<tr class="anomaly-') == 1 and f"anomaly-{anomaly.kind}" in html


@pytest.mark.req("AH-att3", "HN-att2")
def test_results_by_level_for_the_annual_report(filing, wuxi_institution, wuxi_officer):
    people = [person(n) for n in range(1, 4)]
    plan = held(filing, wuxi_institution, wuxi_officer, people)
    services.results_file(plan=plan, actor=wuxi_institution, applicants=5, passes=3, roster=roster_csv(people))
    report(filing, wuxi_institution, number="FUTURE")  # not held: not counted
    got = selectors.results_by_level(filing, 2026)
    assert got["plans"] == 1
    sl = got["by_type"]["skill_level"]
    assert sl["levels"] == [
        {"level": 4, "label": "四级/中级工", "applicants": 5, "passes": 3, "pass_rate": 0.6, "plans": 1}
    ]
    assert got["by_occupation"][0]["code"] == "6-31-01-03" and got["by_occupation"][0]["levels"] == {
        4: {"applicants": 5, "passes": 3}
    }
    assert selectors.results_by_level(filing, 2025)["plans"] == 0


def test_pages_for_the_institution_and_staff(client, filing, wuxi_institution, wuxi_officer, guizhou_officer):
    client.force_login(wuxi_institution)
    r = client.get(reverse("evaluations:report"))
    assert r.status_code == 200 and "技能考核场地300平方米" in r.content.decode()
    start = TODAY + dt.timedelta(days=30)
    data = {
        "number": "WEB-1", "occupation_code": "6-31-01-03", "level": 4, "evaluation_type": "skill_level",
        "starts_at": f"{start:%Y-%m-%d}T09:00", "ends_at": f"{start:%Y-%m-%d}T17:00", "venue": "技能考核场地300平方米",
        "expected_candidates": 20, "examiners": ["KP6-31-01-030"], "supervisors": ["督导0"],
    }  # fmt: skip
    r = client.post(reverse("evaluations:report"), data | {"level": 2})
    assert r.status_code == 200 and "不含二级/技师" in r.content.decode()
    assert EvaluationPlan.objects.count() == 0
    r = client.post(reverse("evaluations:report"), data)
    plan = EvaluationPlan.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("evaluations:plan", args=[plan.pk])
    client.force_login(wuxi_officer)
    for name in ("evaluations:calendar", "evaluations:queue", "evaluations:anomalies"):
        page = client.get(reverse(name) + ("?month=2026-07" if name.endswith("calendar") else ""))
        assert page.status_code == 200 and "WEB-1" in page.content.decode() or name.endswith("anomalies")
    assert client.post(reverse("evaluations:acknowledge", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACKNOWLEDGED
    client.force_login(guizhou_officer)
    assert client.get(reverse("evaluations:plan", args=[plan.pk])).status_code == 404
    assert Notice.objects.count() == 0


@pytest.mark.req("WX-7.3")
def test_live_links_and_their_evidence_are_kept_not_video(filing, wuxi_institution, wuxi_officer):
    import io

    plan = report(filing, wuxi_institution)
    with pytest.raises(ValidationFailed) as exc:
        services.plan_links_update(plan=plan, actor=wuxi_institution, video_link="javascript:alert(1)", data_link="")
    assert codes(exc) == ["PLAN_LINK_INVALID"]
    with pytest.raises(PermissionDeniedError):
        services.plan_links_update(plan=plan, actor=wuxi_officer, video_link="", data_link="")
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    plan = services.plan_links_update(
        plan=plan,
        actor=wuxi_institution,
        video_link="rtsp://10.1.2.3/live/room1",
        data_link="https://kaowu.example.gov.cn/plan/1",
        note="县平台已接入",
        evidence=(png, "接入截图.png"),
    )
    assert plan.video_link.startswith("rtsp://") and plan.links_evidence and plan.links_evidence_name == "接入截图.png"
    assert AuditRecord.objects.filter(action="evaluation.plan.links").count() == 1
    # a note over the limit is refused whole, not cut: nothing changes, nothing is audited
    with pytest.raises(ValidationFailed) as exc:
        services.plan_links_update(
            plan=plan, actor=wuxi_institution, video_link="", data_link="", note="说" * (services.LINKS_NOTE_MAX + 1)
        )
    assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == "note"
    plan.refresh_from_db()
    assert plan.links_note == "县平台已接入" and plan.video_link.startswith("rtsp://")
    assert AuditRecord.objects.filter(action="evaluation.plan.links").count() == 1
    whole = "说" * services.LINKS_NOTE_MAX
    plan = services.plan_links_update(plan=plan, actor=wuxi_institution, video_link="", data_link="", note=whole)
    assert plan.links_note == whole


@pytest.mark.req("CQ-4")
def test_the_api_answers_a_holder_not_on_the_roster_with_a_stable_code(client, filing, wuxi_institution, wuxi_officer):
    import json

    people = [person(1)]
    plan = held(filing, wuxi_institution, wuxi_officer, people)
    services.results_file(plan=plan, actor=wuxi_institution, applicants=1, passes=1, roster=roster_csv(people))
    stranger = person(2)
    items = [
        {
            "holder_name": p["name"],
            "id_type": "居民身份证",
            "id_number": p["id"],
            "occupation_code": "6-31-01-03",
            "level": 4,
            "issue_date": "2026-06-10",
            "batch_number": plan.number,
        }  # fmt: skip
        for p in (people[0], stranger)
    ]
    client.force_login(wuxi_institution)
    body = client.post(
        "/api/v1/certificates/report",
        json.dumps({"mode": "valid_only", "items": items}),
        content_type="application/json",
    ).json()
    assert [r["status"] for r in body["results"]] == ["created", "invalid"]
    assert body["results"][1]["errors"][0]["code"] == "CERT_NOT_ON_ROSTER"


def test_every_unregistered_examiner_is_named(filing, wuxi_institution):
    with pytest.raises(ValidationFailed) as exc:
        report(filing, wuxi_institution, examiners=[{"name": "甲"}, {"name": "乙"}], supervisors=["不认识"])
    messages = [e["message"] for e in exc.value.details["errors"]]
    assert codes(exc) == ["PLAN_EXAMINER_NOT_REGISTERED"] * 2 + ["PLAN_SUPERVISOR_NOT_REGISTERED"]
    assert "“甲”" in messages[0] and "“乙”" in messages[1]
