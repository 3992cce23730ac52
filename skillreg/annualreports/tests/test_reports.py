"""Annual reports (AH-4.2, HN-2; templates 皖人社秘〔2020〕64号附件3 and 淮南市通知附件2): due days from the packs,
the registry pre-fill, the state machine with versions, the bad inputs, timeliness and the credit ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.annualreports import selectors, services
from skillreg.annualreports.models import AnnualReportChange, ReportMiss, ReportStatus
from skillreg.annualreports.sections import TEXT_KEYS, level_key
from skillreg.annualreports.windows import report_due
from skillreg.audit.models import AuditRecord
from skillreg.certificates.models import Certificate
from skillreg.certificates.services import certificate_revoke
from skillreg.core import testing
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.supervision.models import CreditEvent

from .conftest import at, file_on, register

pytestmark = pytest.mark.django_db
D = dt.date


def complete(report, **overrides):  # type: ignore[no-untyped-def]
    """The form data of a complete report: every section, applicants ≥ the pre-filled passes, examiners kept."""
    data = {k: f"{k}情况说明" for k in TEXT_KEYS}
    data["training_scale"] = "320"
    for line in report.content["levels"]:
        key = level_key(line["evaluation_type"], line["level"])
        data[f"{key}_applicants"] = str(line["registry_passes"] + 3)
        data[f"{key}_passes"] = str(line["registry_passes"])
    for code, people in report.content["examiners"].items():
        data[f"examiners_{code}"] = "\n".join(f"{p['name']} {p['certificate_code']}" for p in people)
    data.update(overrides)
    return data


@pytest.mark.req("AH-4.2", "HN-2")
def test_due_days_come_from_the_packs_and_a_setting_elsewhere(settings):
    assert report_due("340102", 2025).due == D(2026, 3, 10)  # Anhui: 1–10 March
    assert report_due("340102", 2025).opens == D(2026, 3, 1)
    hn = report_due("340403", 2026)
    assert (hn.due, hn.template) == (D(2027, 3, 31), "huainan")  # Huainan: by end of March
    assert "淮南" in hn.basis or "通知" in hn.basis
    assert report_due("340403", 2024).due == D(2025, 5, 31)  # the 2023 and 2024 reports
    assert report_due("340403", 2023).due == D(2025, 5, 31)
    assert report_due("340403", 2024).submit_to == hn.submit_to == "淮南市人力资源和社会保障局"
    assert report_due("340102", 2024).due == D(2025, 3, 10)  # elsewhere in Anhui no one-off window
    cq = report_due("500238", 2025)
    assert (cq.due, cq.from_pack) == (D(2026, 3, 31), False)  # no window in the Chongqing packs: the setting
    settings.SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW = None
    assert report_due("500238", 2025) is None


@pytest.mark.req("AH-att3")
def test_figures_are_prefilled_from_the_registry(hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=4, batch="A1")
    register(hn_filing, huainan_institution, D(2026, 6, 9), occupation="6-31-01-03", level=5, n=6, batch="B1")
    register(hn_filing, huainan_institution, D(2025, 6, 9), occupation="4-10-01-05", level=4, n=2, batch="C1")
    with at(D(2026, 7, 1)):
        certificate_revoke(
            certificate=Certificate.objects.filter(batch__number="A1").first(),
            reason="填报有误",
            actor=huainan_institution,
        )
        figures = selectors.evaluation_figures(hn_filing, 2026)
    by_level = {(x.evaluation_type, x.level): x.passes for x in figures.levels}
    assert by_level == {("skill_level", 5): 9, ("skill_level", 4): 0}  # revoked and 2025 certificates do not count
    assert [(x.level, x.passes) for x in figures.levels_run] == [(5, 9)]
    assert [(o.code, o.passes) for o in figures.by_passes] == [("6-31-01-03", 6), ("4-10-01-05", 3)]
    assert [(o.code, o.passes) for o in figures.by_applicants] == [("6-31-01-03", 8), ("4-10-01-05", 6)]
    assert [s.code for s in figures.filed_scope] == ["4-10-01-05", "6-31-01-03"]
    assert len(figures.examiners["4-10-01-05"]) == 5  # from the filed version's people


@pytest.mark.req("HN-2", "HN-att2")
def test_draft_submit_send_back_resubmit_accept_keeps_every_version(
    hn_filing, huainan_institution, huainan_city_officer
):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=4, batch="A1")
    with at(D(2026, 11, 20)):
        report = services.report_start(filing=hn_filing, year=2026, actor=huainan_institution)
        assert services.report_start(filing=hn_filing, year=2026, actor=huainan_institution).pk == report.pk
        key = level_key("skill_level", 5)
        assert report.content["levels"][0]["passes"] == 4 and report.due_on == D(2027, 3, 31)
        # a pre-filled figure changed without a reason
        with pytest.raises(ValidationFailed) as exc:
            services.report_save(
                report=report, data=complete(report, **{f"{key}_passes": "5"}), actor=huainan_institution
            )
        assert exc.value.field == f"{key}_reason" and "证书登记数据（4人）" in exc.value.message
        report.refresh_from_db()
        assert report.content["levels"][0]["passes"] == 4  # nothing half-written
        data = complete(report, **{f"{key}_passes": "5", f"{key}_reason": "1人证书于次年1月补登记"})
        services.report_save(report=report, data=data, actor=huainan_institution)
        services.report_save(report=report, data=data, actor=huainan_institution)  # drafts saved repeatedly
        # Huainan: the examiners of every filed occupation
        with pytest.raises(ValidationFailed) as exc:
            services.report_submit(report=report, data={**data, "examiners_6-31-01-03": ""}, actor=huainan_institution)
        assert exc.value.field == "examiners_6-31-01-03" and "考评员" in exc.value.message
        report = services.report_submit(report=report, data=data, actor=huainan_institution)
        assert report.status == ReportStatus.SUBMITTED
        with pytest.raises(TransitionNotAllowed, match="不能重复报送"):
            services.report_submit(report=report, data=data, actor=huainan_institution)
        with pytest.raises(ValidationFailed, match="退回修改意见"):
            services.report_return(report=report, comment=" ", actor=huainan_city_officer)
        report = services.report_return(report=report, comment="请补充培训规模的构成", actor=huainan_city_officer)
        data["training_social"] = "社会化培训 200 人次，企业职工 120 人次"
        report = services.report_submit(report=report, data=data, actor=huainan_institution)
        report = services.report_accept(report=report, actor=huainan_city_officer)
        assert report.status == ReportStatus.ACCEPTED
        with pytest.raises(TransitionNotAllowed, match="已被接收"):
            services.report_submit(report=report, data=data, actor=huainan_institution)
        with pytest.raises(TransitionNotAllowed):
            services.report_save(report=report, data=data, actor=huainan_institution)
    versions = selectors.report_versions(report)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["training_social"] == "training_social情况说明"
    assert versions[1].content["training_social"].startswith("社会化培训")
    assert versions[1].content["levels"][0]["reason"] == "1人证书于次年1月补登记"
    assert versions[0].registry["levels"][0]["passes"] == 4
    assert [c.action for c in AnnualReportChange.objects.filter(report=report)] == [
        "create", "submit", "return", "submit", "accept"
    ]  # fmt: skip
    actions = set(AuditRecord.objects.filter(object_type="annualreports.annualreport").values_list("action", flat=True))
    assert {"annualreport.create", "annualreport.save", "annualreport.submit", "annualreport.return"} <= actions
    t = selectors.report_timeliness(hn_filing, 2026, today=D(2027, 4, 1))
    assert (t.state, t.days_late) == ("on_time", 0)


def test_a_report_for_a_year_before_the_filing_is_refused(hn_filing, huainan_institution):
    with at(D(2026, 3, 1)), pytest.raises(ValidationFailed) as exc:
        services.report_start(filing=hn_filing, year=2024, actor=huainan_institution)
    assert exc.value.code == "REPORT_YEAR_BEFORE_FILING" and exc.value.field == "year"
    with at(D(2026, 3, 1)), pytest.raises(ValidationFailed, match="尚未开始"):
        services.report_start(filing=hn_filing, year=2027, actor=huainan_institution)


def test_only_the_unit_and_the_supervising_staff_reach_a_report(
    hn_filing,
    huainan_institution,
    huainan_city_officer,
    huainan_county_officer,
    anhui_officer,
    other_institution,
    guizhou_officer,
    wuxi_officer,
):
    with at(D(2026, 2, 1)):
        report = services.report_start(filing=hn_filing, year=2025, actor=huainan_institution)
        with pytest.raises(PermissionDeniedError):
            services.report_start(filing=hn_filing, year=2025, actor=other_institution)
        report = services.report_submit(report=report, data=complete(report), actor=huainan_institution)
        with pytest.raises(PermissionDeniedError):
            services.report_accept(report=report, actor=wuxi_officer)
        for reader in (huainan_county_officer, anhui_officer):  # they see the report; the city reviews it (HN-2)
            with pytest.raises(PermissionDeniedError):
                services.report_accept(report=report, actor=reader)
    assert list(selectors.reports_for(huainan_city_officer)) == [report]
    assert list(selectors.reports_for(huainan_county_officer)) == list(selectors.reports_for(anhui_officer)) == [report]
    assert not selectors.reports_for(guizhou_officer).exists()
    assert not selectors.reports_for(other_institution).exists()


@pytest.mark.req("HN-2")
def test_missing_and_late_reports_are_listed_and_go_to_the_credit_ledger_once(
    hn_filing, huainan_institution, huainan_city_officer, guizhou_officer
):
    # 2025 report due 2026-03-31: none by 2026-04-05 → missing, recorded once however often the task runs
    assert services.report_misses_record(today=D(2026, 3, 31)) == 0
    assert services.report_misses_record(today=D(2026, 4, 5)) == 1
    assert services.report_misses_record(today=D(2026, 4, 6)) == 0
    miss = ReportMiss.objects.get()
    assert (miss.year, miss.kind, miss.due_on) == (2025, "missing", D(2026, 3, 31))
    event = CreditEvent.objects.get(filing=hn_filing)
    assert event.kind == "report_missing" and event.occurred_on == D(2026, 4, 1)
    assert "HN-" not in event.basis and "通知" in event.basis
    with at(D(2026, 4, 10)):
        rows = selectors.staff_timeliness(huainan_city_officer)
        assert [(f.code, t.year, t.state, t.days_late) for f, t in rows] == [(hn_filing.code, 2025, "missing", 10)]
        assert selectors.staff_timeliness(guizhou_officer) == []
        report = services.report_start(filing=hn_filing, year=2025, actor=huainan_institution)
        services.report_submit(report=report, data=complete(report), actor=huainan_institution)
        t = selectors.report_timeliness(hn_filing, 2025)
        assert (t.state, t.days_late, t.label) == ("late", 10, "逾期 10 天报送")
        assert [t.state for _, t in selectors.staff_timeliness(huainan_city_officer)] == ["late"]
    assert CreditEvent.objects.filter(filing=hn_filing).count() == 1  # the same failure is not recorded twice


def test_a_late_first_submission_records_a_late_credit_event(hefei_pair):
    user, officer = hefei_pair
    filing = file_on(user, officer, D(2025, 2, 1))
    with at(D(2026, 3, 13)):
        report = services.report_start(filing=filing, year=2025, actor=user)
        services.report_submit(report=report, data=complete(report), actor=user)  # Anhui: due 10 March
    event = CreditEvent.objects.get(filing=filing)
    assert event.kind == "report_late" and "3 天" in event.note
    assert services.report_misses_record(today=D(2026, 4, 1)) == 0


@pytest.fixture
def hefei_pair(db):
    return (
        testing.make_institution_user("hefei_org", region_code="340102", seed=11),
        testing.make_staff("hf_officer", "hrss-340100", display_name="合肥市经办人"),
    )


def test_reminders_before_the_due_day_are_sent_once(hn_filing, huainan_institution):
    from skillreg.notifications.services import notify

    assert services.report_due_reminders(today=D(2026, 3, 20)) == []
    first = services.report_due_reminders(today=D(2026, 3, 24))
    assert [n.recipient_id for n in first] == [huainan_institution.pk]
    assert "2026-03-31" in first[0].body and "HN-" not in first[0].body
    assert notify(first) == 1 and notify(services.report_due_reminders(today=D(2026, 3, 25))) == 0
    assert len(services.report_due_reminders(today=D(2026, 3, 30))) == 1  # the last-day reminder
    assert services.report_due_reminders(today=D(2026, 4, 1)) == []


def test_where_the_law_sets_no_window_a_missing_report_is_listed_but_not_a_credit_record(
    wuxi_institution, wuxi_officer
):
    filing = file_on(wuxi_institution, wuxi_officer, D(2025, 3, 2))
    assert services.report_misses_record(today=D(2026, 4, 5)) == 0
    assert not CreditEvent.objects.exists()
    with at(D(2026, 4, 5)):
        assert [t.state for _, t in selectors.staff_timeliness(wuxi_officer)] == ["missing"]
    assert selectors.report_timeliness(filing, 2025, today=D(2026, 4, 5)).due.from_pack is False
