"""Dashboard figures against known data, and their data scope (issue 15 item 5).

Anhui (340000) → 淮南市 (340400) → 田家庵区 (340403) / 大通区 (340402); 合肥市 瑶海区 (340102); and a Chongqing filing
nobody in Anhui may see. The clock stands at 2026-03-16 (Monday)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine

from skillreg.dashboards import selectors, sources
from skillreg.dashboards.charts import UNKNOWN, month_points
from skillreg.institutions.selectors import filing_on
from skillreg.regions.models import Region

from . import builders as b

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 16, 10, tzinfo=b.SHANGHAI), tick=False):
        yield


@pytest.fixture
def anhui_filings(db):
    return {
        # 田家庵区: rectified from 2025-09-10 to 2025-11-04
        "tja": b.filing(
            "340403",
            "social_org",
            [(D(2025, 3, 3), "active"), (D(2025, 9, 10), "rectifying"), (D(2025, 11, 5), "active")],
        ),
        # 大通区: an employer whose version from 2025-10-01 records it as a school (the version in force counts)
        "dt": b.filing(
            "340402",
            "employer",
            [(D(2025, 6, 15), "active")],
            kinds=[(D(2025, 6, 15), "employer"), (D(2025, 10, 1), "school")],
        ),
        # 淮南市 itself: terminated on 2025-12-01
        "hn": b.filing("340400", "school", [(D(2025, 1, 10), "active"), (D(2025, 12, 1), "terminated")]),
        # 合肥市 瑶海区
        "hf": b.filing("340102", "social_org", [(D(2025, 2, 1), "active")]),
        # 田家庵区, filed in 2026
        "new": b.filing("340403", "employer", [(D(2026, 1, 15), "active")]),
        # 合肥市 瑶海区, a filing without versions: its own kind column counts
        "old": b.filing("340102", "school", [(D(2025, 4, 1), "active")], versions=False),
        # Chongqing: never on an Anhui dashboard
        "cq": b.filing("500238", "social_org", [(D(2025, 1, 6), "active")]),
    }


def _filters(code: str, start: dt.date | None = None, end: dt.date | None = None) -> selectors.Filters:
    return selectors.Filters(Region.objects.get(code=code), start or D(2025, 1, 1), end or D(2026, 2, 28))


def _reference(filings, day):
    """(status, kind, region id) counts computed with filing_on, one filing at a time."""
    out: Counter = Counter()
    for f in filings:
        on = filing_on(f, day)
        if on.status is None:
            continue
        out[(on.status, on.version.kind if on.version else f.kind, f.region_id)] += 1
    return dict(out)


def test_institution_counts_match_filing_on_at_every_month_end(anhui_officer, anhui_filings):
    f = _filters("340000")
    in_anhui = [x for k, x in anhui_filings.items() if k != "cq"]
    for day in month_points(f.start, f.end):
        assert selectors.institution_counts(anhui_officer, f, day) == _reference(in_anhui, day), day


def test_institution_charts_by_status_kind_and_region(anhui_officer, anhui_filings):
    status, kind, region = selectors.institution_charts(anhui_officer, _filters("340000"))
    months = status.categories
    assert months[0] == "2025年1月" and months[-1] == "2026年2月" and len(months) == 14
    at = {m: i for i, m in enumerate(months)}
    by = {s.name: s.values for s in status.series}
    assert by["有效"][at["2025年1月"]] == 1  # 淮南市 only (Hefei files on 2025-02-01)
    assert by["有效"][at["2025年9月"]] == 4 and by["整改中"][at["2025年9月"]] == 1
    assert by["已终止"][at["2025年12月"]] == 1 and by["有效"][at["2025年12月"]] == 4
    assert by["有效"][at["2026年2月"]] == 5
    kinds = {s.name: s.values for s in kind.series}
    assert kinds["用人单位"][at["2025年9月"]] == 1 and kinds["院校"][at["2025年9月"]] == 2
    assert kinds["用人单位"][at["2025年10月"]] == 0 and kinds["院校"][at["2025年10月"]] == 3  # 大通区's new version
    regions = {s.name: s.values for s in region.series}
    assert set(regions) == {"淮南市", "合肥市"}  # a province sees its cities, Chongqing nowhere
    assert regions["淮南市"][at["2026年2月"]] == 4 and regions["合肥市"][at["2026年2月"]] == 2
    # the table holds the chart's numbers, plus a total per month
    row = status.table_rows[at["2025年9月"]]
    assert row[0] == "2025年9月" and row[-1] == 5
    assert status.table_headers[0] == "月份" and status.table_headers[-1] == "合计"


def test_a_city_sees_its_counties_and_itself_a_county_only_itself(
    huainan_city_officer, huainan_county_officer, anhui_filings
):
    region = selectors.institution_charts(huainan_city_officer, _filters("340400"))[2]
    names = {s.name: s.values[-1] for s in region.series}
    assert names == {"淮南市本级": 1, "田家庵区": 2, "大通区": 1}  # terminated filings still counted, as terminated
    county = selectors.institution_charts(huainan_county_officer, _filters("340403"))[0]
    assert {s.name: s.values[-1] for s in county.series} == {"有效": 2, "整改中": 0}  # 整改中 in 2025-09/10


def test_a_county_sees_nothing_of_another_even_if_it_asks(huainan_county_officer, guizhou_officer, anhui_filings):
    # Filters naming a region outside the scope still meet the scope Q (the form refuses them before).
    other = _filters("340402")
    assert all(
        not selectors.institution_counts(huainan_county_officer, other, d) for d in month_points(other.start, other.end)
    )
    assert selectors.certificate_counts(huainan_county_officer, other) == {}
    assert selectors.case_counts(huainan_county_officer, other) == {}
    for chart in selectors.dashboard(guizhou_officer, _filters("520000")):
        assert chart.empty


def test_cached_month_ends_are_kept_per_scope(huainan_city_officer, huainan_county_officer, anhui_filings):
    other, day = _filters("340402"), D(2026, 2, 28)
    assert sum(selectors.institution_counts(huainan_city_officer, other, day).values()) == 1  # now cached
    assert selectors.institution_counts(huainan_county_officer, other, day) == {}


def test_no_dashboard_figures_for_institutions_admins_or_anonymous(wuxi_institution, sysadmin, anhui_filings):
    f = _filters("340000")
    for user in (wuxi_institution, sysadmin, None):
        assert not selectors.may_view(user)
        assert selectors.institution_counts(user, f, D(2026, 2, 28)) == {}
        assert selectors.certificate_counts(user, f) == {}


# ------------------------------------------------------------------------------------------------ certificates


@pytest.fixture
def anhui_certificates(anhui_filings):
    tja, dt_ = anhui_filings["tja"], anhui_filings["dt"]
    b1 = b.batch(tja, "6-31-01-03", 4, ends_on=D(2025, 9, 1), applicants=20, passes=12)
    b.certificates(b1, 12, issued=D(2025, 9, 20), revoked=2)  # revoked ones never count
    b2 = b.batch(tja, "6-31-01-03", 3, ends_on=D(2024, 12, 1), applicants=10, passes=5)  # ended before the range
    b.certificates(b2, 5, issued=D(2025, 1, 5))
    b3 = b.batch(dt_, "4-10-01-05", 5, ends_on=D(2025, 11, 1), applicants=8, passes=6)
    b.certificates(b3, 6, issued=D(2025, 11, 10))
    b.certificates(
        b.batch(anhui_filings["cq"], "4-10-01-05", 5, ends_on=D(2025, 11, 1), applicants=9, passes=9),
        9,
        issued=D(2025, 11, 10),
    )
    return b1, b2, b3


def test_certificates_and_pass_rates_per_occupation_and_level(huainan_city_officer, anhui_certificates):
    cert, rate = selectors.certificate_charts(huainan_city_officer, _filters("340400"))
    assert cert.table_headers == ["职业编码", "职业（工种）", "等级", "证书数", "报考人数", "通过率"]
    rows = {(r[0], r[2]): r[3:] for r in cert.table_rows}
    assert rows[("6-31-01-03", "四级/中级工")] == [12, 20, "60.0%"]
    assert rows[("6-31-01-03", "三级/高级工")] == [5, UNKNOWN, UNKNOWN]  # its batch ended before the range
    assert rows[("4-10-01-05", "五级/初级工")] == [6, 8, "75.0%"]
    assert len(rows) == 3  # nothing of Chongqing
    assert cert.categories[0] == "电工"  # most certificates first
    levels = {r[0]: r[1:] for r in rate.table_rows}
    assert levels["三级/高级工"] == [5, UNKNOWN, UNKNOWN]
    assert levels["四级/中级工"] == [12, 20, "60.0%"]
    assert rate.series[0].values == [75.0, 60.0, None]  # levels 5, 4, 3
    assert rate.percent


def test_the_applicants_source_is_the_one_denominator(huainan_city_officer, anhui_certificates):
    b1 = anhui_certificates[0]
    with sources.registered("applicants", lambda user, f: {(b1.occupation_id, 4): 24}):
        cert, rate = selectors.certificate_charts(huainan_city_officer, _filters("340400"))
    rows = {(r[0], r[2]): r[3:] for r in cert.table_rows}
    assert rows[("6-31-01-03", "四级/中级工")] == [12, 24, "50.0%"]
    assert rows[("4-10-01-05", "五级/初级工")] == [6, UNKNOWN, UNKNOWN]  # the source does not know it
    assert rate.series[0].values == [None, 50.0, None]


# ------------------------------------------------------------------------------------------------ cases


@pytest.fixture
def chongqing_cases(db):
    return [
        # received 2026-03-02: the 5-working-day acceptance limit (CQ-10) ended 2026-03-09 → overdue
        b.case("500238", "submitted", submitted=D(2026, 3, 2)),
        # received 2026-03-10: the limit ends 2026-03-17, one working day ahead → due soon
        b.case("500238", "resubmitted", submitted=D(2026, 3, 10)),
        # accepted 2026-03-05: 90 days of technical evaluation (CQ-11) → in time
        b.case("500101", "under_evaluation", submitted=D(2026, 2, 20), accepted=D(2026, 3, 5)),
        # filed: no running clock
        b.case("500238", "filed", submitted=D(2026, 1, 5)),
        # submitted before the range: not counted
        b.case("500238", "submitted", submitted=D(2025, 5, 5)),
    ]


@pytest.mark.req("CQ-10", "CQ-11")
def test_cases_by_stage_and_clock_status(cq_centre_officer, wuxi_officer, chongqing_cases):
    f = _filters("500000", D(2026, 1, 1), TODAY)
    assert selectors.case_counts(cq_centre_officer, f) == {
        ("submitted", "overdue"): 1,
        ("resubmitted", "at_risk"): 1,
        ("under_evaluation", "running"): 1,
        ("filed", "none"): 1,
    }
    chart = selectors.case_chart(cq_centre_officer, f)
    assert chart.categories == ["已提交待受理", "已补正待受理", "技术评估中", "已备案"]
    assert [s.name for s in chart.series] == ["已逾期", "即将届满（2个工作日内）", "期限内", "无进行中的法定时限"]
    assert [r[-1] for r in chart.table_rows] == [1, 1, 1, 1]
    wuxi = selectors.case_counts(wuxi_officer, _filters("500238", D(2026, 1, 1), TODAY))
    assert wuxi == {("submitted", "overdue"): 1, ("resubmitted", "at_risk"): 1, ("filed", "none"): 1}


def test_case_counts_are_kept_for_the_cache_period_and_computed_again_without_it(
    cq_centre_officer, chongqing_cases, monkeypatch, settings
):
    """The cases in range are counted once per period (issue 16), not on every drawing."""
    calls = Counter()
    real = selectors._case_counts

    def counted(*args, **kwargs):
        calls["clocks"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "_case_counts", counted)
    f = _filters("500000", D(2026, 1, 1), TODAY)
    first = selectors.case_counts(cq_centre_officer, f)
    assert selectors.case_counts(cq_centre_officer, f) == first and calls["clocks"] == 1
    other = _filters("500000", D(2026, 2, 1), TODAY)  # another range: its own entry
    selectors.case_counts(cq_centre_officer, other)
    assert calls["clocks"] == 2
    settings.SKILLREG_DASHBOARD_CACHE_SECONDS = 0
    assert selectors.case_counts(cq_centre_officer, f) == first and calls["clocks"] == 3


# ------------------------------------------------------------------------------------------------ annual reports


def test_report_timeliness_is_hidden_until_a_source_provides_it(anhui_officer, anhui_filings):
    f = _filters("340000")
    with sources.registered("report_timeliness", None):
        assert "reports-timeliness" not in [c.key for c in selectors.dashboard(anhui_officer, f)]
    rows = [sources.TimelinessRow(2025, 3, 1, 1), sources.TimelinessRow(2024, 2, 0, 2)]
    with sources.registered("report_timeliness", lambda user, filters: rows):
        chart = selectors.timeliness_chart(anhui_officer, f)
    assert chart is not None
    assert chart.categories == ["2024年度", "2025年度"]
    assert chart.table_rows == [["2024年度", 2, 0, 2, 4], ["2025年度", 3, 1, 1, 5]]
    with sources.registered("report_timeliness", lambda user, filters: []):
        assert selectors.timeliness_chart(anhui_officer, f) is None


@pytest.mark.req("AH-4.2")
def test_the_annual_report_app_feeds_the_timeliness_chart(anhui_officer, anhui_filings):
    """Wired in annualreports' AppConfig: no report was sent, so every live filing filed in 2025 owes its 2025
    report (due 1–10 March 2026) and shows as missing; the 2026 filing owes none; the terminated one is left out."""
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        chart = selectors.timeliness_chart(anhui_officer, _filters("340000", D(2025, 1, 1), D(2026, 3, 31)))
        assert chart is not None
        assert chart.table_rows == [["2025年度", 0, 0, 4, 4]]
        county = selectors.timeliness_chart(anhui_officer, _filters("340403", D(2025, 1, 1), D(2026, 3, 31)))
        assert county is not None and county.table_rows == [["2025年度", 0, 0, 1, 1]]


def test_unknown_source_names_are_refused():
    with pytest.raises(ValueError, match="unknown dashboard source"):
        sources.register("pass_rates", lambda user, f: {})
