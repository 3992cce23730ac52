"""Guizhou (GZ, 52xxxx): selection conditions, exclusions, renewal thresholds, exit limits."""

from __future__ import annotations

import datetime as dt

import pytest

from skillreg.policy.errors import DateError

from .helpers import judge, outcome, profile, results, set_line


@pytest.mark.parametrize(("person_times", "expected"), [(999, "fail"), (1000, "pass")])
@pytest.mark.req("GZ-6.3")
def test_GZ_6_3_social_org_1000_person_times_per_occupation(person_times, expected):
    data = set_line(profile("guizhou", "social_org"), 1, training_person_times=person_times)
    record = judge(data)
    r = outcome(record, "GZ-6.3.per_occupation", index=1)
    assert r["outcome"] == expected
    assert record["verdict"] == ("not_eligible" if expected == "fail" else "needs_review")


@pytest.mark.parametrize(("person_times", "expected"), [(199, "fail"), (200, "pass")])
@pytest.mark.req("GZ-6.3")
def test_GZ_6_3_new_occupation_200_person_times(person_times, expected):
    data = set_line(profile("guizhou", "social_org"), 0, new_occupation=True, training_person_times=person_times)
    assert outcome(judge(data), "GZ-6.3.per_occupation", index=0)["outcome"] == expected


@pytest.mark.req("GZ-6.3")
def test_GZ_6_3_local_feature_enterprise_200_and_no_years():
    data = profile("guizhou", "social_org", local_feature_enterprise=True, training_years_consecutive=0)
    set_line(data, 0, training_person_times=200)
    record = judge(data)
    assert outcome(record, "GZ-6.3.per_occupation", index=0)["outcome"] == "pass"
    assert outcome(record, "GZ-6.3.years")["outcome"] == "pass"


@pytest.mark.req("GZ-6.3")
def test_GZ_6_3_unknown_local_feature_with_500_is_missing_not_assumed():
    data = profile("guizhou", "social_org", local_feature_enterprise=None)
    set_line(data, 0, training_person_times=500)
    r = outcome(judge(data), "GZ-6.3.per_occupation", index=0)
    assert r["outcome"] == "missing"
    assert r["missing_facts"] == ["facts.local_feature_enterprise"]


@pytest.mark.parametrize(
    ("years", "all_new", "expected"), [(1.5, False, "fail"), (2, False, "pass"), (0, True, "pass")]
)
@pytest.mark.req("GZ-6.3")
def test_GZ_6_3_two_consecutive_years_unless_new_occupations(years, all_new, expected):
    data = profile("guizhou", "social_org", training_years_consecutive=years)
    for i in range(2):
        set_line(data, i, new_occupation=all_new)
    assert outcome(judge(data), "GZ-6.3.years")["outcome"] == expected


@pytest.mark.parametrize(
    ("kind", "fact", "value", "rule"),
    [
        ("social_org", "government_affiliated", True, "GZ-7.1"),
        ("employer", "training_evaluation_violation_record", True, "GZ-7.2"),
        ("social_org", "failed_annual_inspection_3y", True, "GZ-7.3"),
        ("social_org", "on_illegal_org_list", True, "GZ-7.4"),
        ("employer", "abnormal_operation_list_3y", True, "GZ-7.5"),
        ("school", "unfinished_rectification", True, "GZ-7.6"),
    ],
)
@pytest.mark.req("GZ-7")
def test_GZ_7_exclusions_make_not_eligible(kind, fact, value, rule):
    record = judge(profile("guizhou", kind, **{fact: value}))
    assert outcome(record, rule)["outcome"] == "fail"
    assert record["verdict"] == "not_eligible"


@pytest.mark.req("GZ-7.3")
def test_GZ_7_3_annual_inspection_not_applicable_to_enterprise():
    record = judge(profile("guizhou", "employer", failed_annual_inspection_3y=True, legal_form="enterprise"))
    assert outcome(record, "GZ-7.3")["outcome"] == "pass"
    assert results(record, "GZ-7.1") == []  # GZ-7.1 concerns social_org applicants only


@pytest.mark.parametrize(("spacing", "expected"), [(79, "fail"), (80, "pass")])
@pytest.mark.req("GZ-6.7")
def test_GZ_6_7_desk_spacing_at_least_80_cm(spacing, expected):
    assert (
        outcome(judge(profile("guizhou", "social_org", desk_spacing_cm=spacing)), "GZ-6.7.seating")["outcome"]
        == expected
    )


@pytest.mark.parametrize(("rooms", "seats", "expected"), [(1, 59, "fail"), (2, 0, "pass"), (1, 60, "pass")])
@pytest.mark.req("GZ-6.7")
def test_GZ_6_7_two_rooms_or_60_computer_seats(rooms, seats, expected):
    data = profile("guizhou", "social_org", standard_theory_rooms=rooms, computer_exam_seats=seats)
    assert outcome(judge(data), "GZ-6.7.theory")["outcome"] == expected


@pytest.mark.parametrize(("area", "expected"), [(99, "fail"), (100, "pass")])
@pytest.mark.req("GZ-6.7")
def test_GZ_6_7_office_100_m2(area, expected):
    assert outcome(judge(profile("guizhou", "social_org", office_area_m2=area)), "GZ-6.7.office")["outcome"] == expected


@pytest.mark.parametrize(("n", "expected"), [(3, "fail"), (4, "pass")])
@pytest.mark.req("GZ-6.6")
def test_GZ_6_6_four_examiners_per_occupation(n, expected):
    data = set_line(profile("guizhou", "social_org"), 0, examiners=n)
    assert outcome(judge(data), "GZ-6.6.examiners", index=0)["outcome"] == expected


@pytest.mark.req("GZ-6.1", "GZ-4.3")
def test_GZ_6_1_and_4_3_judgment_items_are_always_review():
    record = judge(profile("guizhou", "social_org"))
    assert outcome(record, "GZ-6.1")["outcome"] == "needs_review"
    emp = judge(profile("guizhou", "employer"))
    assert [r["outcome"] for r in results(emp, "GZ-4.3.business")] == ["needs_review", "needs_review"]
    assert emp["verdict"] == "needs_review"


def _renewal(kind, **facts):
    data = profile("guizhou", kind, currently_operating=True, certificate_post_pay_linkage=True, **facts)
    data["application_type"] = "renewal"
    for line in data["scope"]:
        line["facts"]["certificates_issued"] = 300
    return data


@pytest.mark.parametrize(
    ("kind", "rule", "total", "expected"),
    [
        ("employer", "GZ-8.2", 149, "fail"),
        ("employer", "GZ-8.2", 150, "pass"),
        ("school", "GZ-9.2", 299, "fail"),
        ("school", "GZ-9.2", 300, "pass"),
        ("social_org", "GZ-10.2.total", 599, "fail"),
        ("social_org", "GZ-10.2.total", 600, "pass"),
    ],
)
@pytest.mark.req("GZ-8", "GZ-9", "GZ-10")
def test_GZ_8_to_10_renewal_certificate_thresholds(kind, rule, total, expected):
    record = judge(_renewal(kind, certificates_issued_total=total))
    assert outcome(record, rule)["outcome"] == expected
    assert results(record, "GZ-6.3.per_occupation") == []  # selection conditions not re-run at renewal


@pytest.mark.parametrize(("n", "expected"), [(99, "fail"), (100, "pass")])
@pytest.mark.req("GZ-10.2")
def test_GZ_10_2_renewal_100_per_occupation(n, expected):
    data = set_line(_renewal("social_org", certificates_issued_total=700), 1, certificates_issued=n)
    assert outcome(judge(data), "GZ-10.2.per_occupation", index=1)["outcome"] == expected


@pytest.mark.req("GZ-13", "GZ-14")
def test_GZ_13_14_exit_limits():
    exits = {e["id"]: e for e in judge(profile("guizhou", "school"))["exit"]}
    assert (exits["voluntary_exit_notice"]["length"], exits["voluntary_exit_notice"]["direction"]) == (30, "before")
    assert (exits["automatic_exit_wrapup"]["length"], exits["automatic_exit_wrapup"]["unit"]) == (15, "calendar_days")


@pytest.mark.parametrize(("on", "ok"), [(dt.date(2026, 1, 8), False), (dt.date(2026, 1, 9), True)])
def test_GZ_not_used_before_its_date(on, ok):
    if ok:
        assert judge(profile("guizhou", "employer"), on=on)["packs"][0]["id"] == "gz-selection-exit"
    else:
        with pytest.raises(DateError) as exc:
            judge(profile("guizhou", "employer"), on=on)
        assert exc.value.field == "on"
        assert "2026-01-09" in exc.value.message
