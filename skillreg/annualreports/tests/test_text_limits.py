"""Annual reports refuse what is too long instead of cutting it: a figure's reason, an examiner line, the
reviewer's comment (too long: TEXT_TOO_LONG, nothing written, no audit record; at the limit: stored whole)."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.annualreports import services
from skillreg.annualreports.models import AnnualReportChange, ReportStatus
from skillreg.annualreports.sections import level_key
from skillreg.audit.models import AuditRecord
from skillreg.core.errors import ValidationFailed

from .conftest import at, register
from .test_reports import complete as _complete

pytestmark = pytest.mark.django_db
D = dt.date


def complete(report, **overrides):  # type: ignore[no-untyped-def]
    """As the report tests' form data, with the applicants filed with the results where there are some."""
    data = _complete(report)
    for line in report.content["levels"]:
        if line.get("registry_applicants") is not None:
            data[f"{level_key(line['evaluation_type'], line['level'])}_applicants"] = str(line["registry_applicants"])
    return {**data, **overrides}


@pytest.fixture
def submitted(hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=2, batch="T1")
    with at(D(2026, 11, 20)):
        report = services.report_start(filing=hn_filing, year=2026, actor=huainan_institution)
        return services.report_submit(report=report, data=complete(report), actor=huainan_institution)


def test_a_figures_reason_over_the_limit_is_refused_and_one_at_the_limit_kept_whole(hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=2, batch="T2")
    key = level_key("skill_level", 5)
    with at(D(2026, 11, 20)):
        report = services.report_start(filing=hn_filing, year=2026, actor=huainan_institution)
        saves = AuditRecord.objects.filter(action="annualreport.save").count()
        too_long = "因" * (services.REASON_MAX + 1)
        with pytest.raises(ValidationFailed) as exc:
            services.report_save(
                report=report,
                data=complete(report, **{f"{key}_passes": "3", f"{key}_reason": too_long}),
                actor=huainan_institution,
            )
        errors = {e["field"]: e for e in exc.value.details["errors"]}
        assert errors[f"{key}_reason"]["code"] == "TEXT_TOO_LONG"
        assert f"不能超过 {services.REASON_MAX} 字（现为 {services.REASON_MAX + 1} 字）" in exc.value.message
        report.refresh_from_db()
        assert report.content["levels"][0]["passes"] == 2  # nothing written
        assert AuditRecord.objects.filter(action="annualreport.save").count() == saves
        whole = "因" * services.REASON_MAX
        services.report_save(
            report=report,
            data=complete(report, **{f"{key}_passes": "3", f"{key}_reason": whole}),
            actor=huainan_institution,
        )
        report.refresh_from_db()
        assert report.content["levels"][0]["reason"] == whole


def test_an_examiner_line_over_the_limit_is_refused_not_cut(hn_filing, huainan_institution):
    register(hn_filing, huainan_institution, D(2026, 5, 8), occupation="4-10-01-05", level=5, n=1, batch="T3")
    with at(D(2026, 11, 20)):
        report = services.report_start(filing=hn_filing, year=2026, actor=huainan_institution)
        field = "examiners_4-10-01-05"
        long_code = "K" * (services.EXAMINER_CODE_MAX + 1)
        with pytest.raises(ValidationFailed) as exc:
            services.report_save(
                report=report, data=complete(report, **{field: f"张三 {long_code}"}), actor=huainan_institution
            )
        errors = {e["field"]: e for e in exc.value.details["errors"]}
        assert errors[field]["code"] == "TEXT_TOO_LONG"
        assert f"（现为 {services.EXAMINER_CODE_MAX + 1} 字）" in errors[field]["message"]
        exact = "K" * services.EXAMINER_CODE_MAX
        services.report_save(
            report=report, data=complete(report, **{field: f"张三 {exact}"}), actor=huainan_institution
        )
        report.refresh_from_db()
        assert report.content["examiners"]["4-10-01-05"] == [{"name": "张三", "certificate_code": exact}]


def test_a_reviewers_comment_over_the_limit_is_refused_and_the_report_stays_submitted(submitted, huainan_city_officer):
    with at(D(2026, 11, 21)):
        for call in (services.report_return, services.report_accept):
            with pytest.raises(ValidationFailed) as exc:
                call(report=submitted, comment="意" * (services.COMMENT_MAX + 1), actor=huainan_city_officer)
            assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == "comment"
            assert exc.value.as_dict()["details"] == {
                "limit": services.COMMENT_MAX,
                "length": services.COMMENT_MAX + 1,
            }
        submitted.refresh_from_db()
        assert submitted.status == ReportStatus.SUBMITTED
        assert not AuditRecord.objects.filter(action__in=["annualreport.return", "annualreport.accept"]).exists()
        whole = "意" * services.COMMENT_MAX
        services.report_return(report=submitted, comment=whole, actor=huainan_city_officer)
    assert AnnualReportChange.objects.get(report=submitted, action="return").comment == whole
