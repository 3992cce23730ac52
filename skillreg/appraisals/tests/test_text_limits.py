"""What a person types in the periodic evaluation is refused when too long, never cut: the scorer's notes, the
self-check's gap notes and remedy (too long: TEXT_TOO_LONG next to the field, nothing written; at the limit: whole)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.appraisals.models import Appraisal, SelfCheck
from skillreg.appraisals.selfcheck import ITEMS
from skillreg.appraisals.services import (
    NOTE_MAX,
    REMEDY_MAX,
    appraisal_score,
    appraisal_start,
    self_check_submit,
)
from skillreg.audit.models import AuditRecord
from skillreg.core.errors import ValidationFailed
from skillreg.deadlines.tests.conftest import at, file_on

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2026, 11, 20)


@pytest.fixture
def hn_filing(huainan_institution, huainan_city_officer):
    return file_on(huainan_institution, huainan_city_officer, D(2026, 3, 2), region_code="340403", kind="employer")


def test_a_self_check_remedy_or_note_over_the_limit_is_refused_and_nothing_is_written(hn_filing, huainan_institution):
    code = ITEMS[0].code
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            self_check_submit(
                filing=hn_filing,
                year=2026,
                answers={code: (False, "差" * (NOTE_MAX + 1))},
                remedy="补" * (REMEDY_MAX + 12),
                actor=huainan_institution,
            )
    errors = {e["field"]: e for e in exc.value.details["errors"]}
    assert errors["remedy"]["code"] == "TEXT_TOO_LONG"
    assert errors["remedy"]["message"] == f"补缺补差措施不能超过 {REMEDY_MAX} 字（现为 {REMEDY_MAX + 12} 字）"
    assert errors[f"note_{code}"]["code"] == "TEXT_TOO_LONG"
    assert f"不能超过 {NOTE_MAX} 字（现为 {NOTE_MAX + 1} 字）" in errors[f"note_{code}"]["message"]
    assert not SelfCheck.objects.exists()
    assert not AuditRecord.objects.filter(action="appraisal.self_check").exists()


def test_a_self_check_at_the_limits_is_stored_whole(hn_filing, huainan_institution):
    code = ITEMS[0].code
    note, remedy = "差" * NOTE_MAX, "补" * REMEDY_MAX
    with at(DAY):
        check = self_check_submit(
            filing=hn_filing, year=2026, answers={code: (False, note)}, remedy=remedy, actor=huainan_institution
        )
    check.refresh_from_db()
    assert check.answers[code]["note"] == note and check.remedy == remedy


def test_a_scorers_note_over_the_limit_is_refused_and_one_at_the_limit_kept_whole(hn_filing, huainan_city_officer):
    with at(DAY):
        appraisal = appraisal_start(filing=hn_filing, year=2026, actor=huainan_city_officer)
        code = appraisal.scheme["items"][0]["code"]
        with pytest.raises(ValidationFailed) as exc:
            appraisal_score(appraisal=appraisal, data={code: ("80", "理" * (NOTE_MAX + 1))}, actor=huainan_city_officer)
        (error,) = exc.value.details["errors"]
        assert error["field"] == f"note_{code}" and error["code"] == "TEXT_TOO_LONG"
        assert f"（现为 {NOTE_MAX + 1} 字）" in error["message"]
        assert Appraisal.objects.get(pk=appraisal.pk).scores[code].get("note") in (None, "")
        assert not AuditRecord.objects.filter(action="appraisal.score").exists()
        saved = appraisal_score(appraisal=appraisal, data={code: ("80", "理" * NOTE_MAX)}, actor=huainan_city_officer)
    assert saved.scores[code]["note"] == "理" * NOTE_MAX


def test_the_self_check_page_shows_the_error_next_to_the_field_and_keeps_the_text(
    client, hn_filing, huainan_institution
):
    url = reverse("appraisals:self_check", args=[hn_filing.code, 2026])
    typed = "补" * (REMEDY_MAX + 1)
    with at(DAY):
        client.force_login(huainan_institution)
        page = client.get(url).content.decode()
        assert f'maxlength="{REMEDY_MAX}"' in page and f'maxlength="{NOTE_MAX}"' in page  # the browser's hint agrees
        r = client.post(url, {**{f"met_{i.code}": "1" for i in ITEMS}, "met_office": "0", "remedy": typed})
    body = r.content.decode()
    assert r.status_code == 422
    assert f"补缺补差措施不能超过 {REMEDY_MAX} 字（现为 {REMEDY_MAX + 1} 字）" in body
    assert f">{typed}</textarea>" in body  # what was typed is shown again, whole
    assert not SelfCheck.objects.exists()
