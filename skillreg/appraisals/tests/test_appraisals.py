"""Periodic evaluation (AH-4.2, HN-2): the scheme from the packs, pre-fill from the data, scoring, confirmation,
the Huainan self-check (附件1), and the results on renewal and exit decision pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from skillreg.appraisals.models import Appraisal, AppraisalHistory, AppraisalStatus
from skillreg.appraisals.scheme import SchemeError, grade_for, parse_scheme, scheme_for, total
from skillreg.appraisals.selectors import decision_references
from skillreg.appraisals.selfcheck import ITEMS, SEED_FILE
from skillreg.appraisals.services import appraisal_confirm, appraisal_score, appraisal_start, self_check_submit
from skillreg.audit.models import AuditRecord
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.policy.errors import PackError
from skillreg.policy.lint import normalize
from skillreg.policy.loader import parse_pack
from skillreg.supervision.services.complaints import complaint_answer, complaint_submit

D = dt.date
DAY = D(2026, 11, 20)


@pytest.fixture
def hn_filing(huainan_institution, huainan_city_officer):
    """huainan_institution's filing (田家庵区 340403), filed by the Huainan city officer on 2026-03-02."""
    return file_on(huainan_institution, huainan_city_officer, D(2026, 3, 2), region_code="340403", kind="employer")


def _scheme_mapping(weights: list[float]) -> dict:
    return {
        "id": "x",
        "requirement": "HN-2",
        "label": "测试方案",
        "version": 1,
        "items": [{"code": f"i{n}", "label": f"项{n}", "weight": w, "basis": "依据"} for n, w in enumerate(weights)],
        "grades": [{"minimum": 60, "label": "合格"}, {"minimum": 0, "label": "不合格"}],
        "cite": {"article": "第二条", "quote": "实行定期评估"},
    }


@pytest.mark.req("AH-4.2", "HN-2")
def test_the_most_specific_pack_sets_the_scheme_and_its_weights_add_up():
    hn = scheme_for("340403", DAY)
    ah = scheme_for("341100", DAY)  # another Anhui city: the province's scheme
    assert hn is not None and hn.pack_id == "hn-2025" and "self_check" in {i.code for i in hn.definition.items}
    assert ah is not None and ah.pack_id == "ah-2020-64" and ah.article == "第二条第（二）项"
    assert scheme_for("500238", DAY) is None  # Chongqing's documents set no periodic evaluation
    for s in (hn, ah):
        assert sum(i.weight for i in s.definition.items) == 100
    snap = hn.snapshot()
    assert total(snap, {i["code"]: i["max_score"] for i in snap["items"]}) == 100
    assert total(snap, {}) is None
    assert grade_for(snap, 89.9) == "良好" and grade_for(snap, 59) == "不合格"


@pytest.mark.req("HN-2")
def test_a_scheme_whose_weights_do_not_add_up_is_refused_with_a_clear_message():
    with pytest.raises(SchemeError) as exc:
        parse_scheme(_scheme_mapping([50, 40]))
    assert "权重之和应为100，现为90" in exc.value.message
    parse_scheme(_scheme_mapping([60, 40]))  # adds up: accepted
    pack = Path("policies/340400-huainan/hn-2025.yaml").read_text(encoding="utf-8")
    broken = pack.replace("weight: 15, basis: 每年3月底前", "weight: 10, basis: 每年3月底前")
    assert broken != pack
    with pytest.raises(PackError) as perr:
        parse_pack(broken, "hn.yaml")
    assert "权重之和应为100，现为95" in perr.value.message


def test_every_self_check_item_quotes_hn_attachment_1_verbatim():
    seed = normalize(Path("policies/seeds", SEED_FILE).read_text(encoding="utf-8"))
    for item in ITEMS:
        assert normalize(item.quote) in seed, item.code


@pytest.mark.django_db
@pytest.mark.req("HN-2")
def test_staff_score_a_huainan_institution_prefilled_from_the_data_and_confirm_once(
    hn_filing, huainan_city_officer, huainan_institution
):
    with at(D(2026, 6, 1)):
        c = complaint_submit(filing_code=hn_filing.code, category="fees", body="乱收费", submission_key="k1")
        complaint_answer(complaint=c.complaint, outcome="verified", answer="属实", actor=huainan_city_officer)
    with at(DAY):
        self_check_submit(
            filing=hn_filing,
            year=2026,
            answers={"video": (False, "技能考场缺1路监控")},
            remedy="12月底前补装",
            actor=huainan_institution,
        )
        appraisal = appraisal_start(filing=hn_filing, year=2026, actor=huainan_city_officer)
        assert appraisal_start(filing=hn_filing, year=2026, actor=huainan_city_officer).pk == appraisal.pk
        s = appraisal.scores
        assert appraisal.scheme_version == 1 and appraisal.scheme["pack"] == "hn-2025"
        assert s["complaints"]["prefill"]["score"] == 75 and "经查属实1件" in s["complaints"]["prefill"]["note"]
        assert s["rectification"]["score"] == 100  # no order this year: a fact, not a guess
        assert s["self_check"]["score"] == 88 and "符合7项" in s["self_check"]["prefill"]["note"]
        assert s["credit"]["score"] == 80 and "B级" in s["credit"]["prefill"]["note"]
        assert s["annual_report"]["prefill"] is None and s["annual_report"]["score"] is None  # no provider yet
        assert s["inspections"]["prefill"] is None  # no inspection this year: scored by hand
        data = {code: (str(v["score"]) if v["score"] is not None else "", "") for code, v in s.items()}

        # bad input: out of range, and a hand score without a note; nothing is written
        with pytest.raises(ValidationFailed) as exc:
            appraisal_score(
                appraisal=appraisal,
                data={**data, "annual_report": ("101", "按时报送"), "inspections": ("90", "")},
                actor=huainan_city_officer,
            )
        fields = {e["field"]: e["message"] for e in exc.value.details["errors"]}
        assert "应在0至100分之间" in fields["score_annual_report"]
        assert "请说明评分理由" in fields["note_inspections"]
        appraisal.refresh_from_db()
        assert appraisal.scores["annual_report"]["score"] is None

        with pytest.raises(ValidationFailed) as inc:
            appraisal_confirm(appraisal=appraisal, actor=huainan_city_officer)
        assert inc.value.code == "APPRAISAL_INCOMPLETE"

        data.update(annual_report=("100", "3月20日按时报送"), inspections=("90", "本年度未被抽查，按日常监管情况评分"))
        data["certificates"] = ("100", "证书数据按时上报")
        data["pass_rate"] = ("100", "本年度未发现通过率异常")
        appraisal = appraisal_score(appraisal=appraisal, data=data, actor=huainan_city_officer)
        assert appraisal.total is not None and appraisal.grade
        appraisal = appraisal_confirm(appraisal=appraisal, actor=huainan_city_officer)
        assert appraisal.status == AppraisalStatus.CONFIRMED
        with pytest.raises(TransitionNotAllowed) as twice:
            appraisal_confirm(appraisal=appraisal, actor=huainan_city_officer)
        assert twice.value.code == "APPRAISAL_ALREADY_CONFIRMED"
        with pytest.raises(TransitionNotAllowed):
            appraisal_score(appraisal=appraisal, data=data, actor=huainan_city_officer)
    assert [h.to_status for h in AppraisalHistory.objects.filter(appraisal=appraisal)] == ["draft", "confirmed"]
    assert AuditRecord.objects.filter(action="appraisal.confirm").count() == 1


@pytest.mark.django_db
@pytest.mark.req("HN-2")
def test_a_periodic_evaluation_before_the_filing_year_or_by_someone_else_is_refused(
    hn_filing, huainan_city_officer, wuxi_officer, huainan_institution
):
    with at(DAY):
        with pytest.raises(ValidationFailed) as exc:
            appraisal_start(filing=hn_filing, year=2025, actor=huainan_city_officer)
        assert exc.value.code == "YEAR_BEFORE_FILING" and "2026" in exc.value.message
        with pytest.raises(ValidationFailed):
            appraisal_start(filing=hn_filing, year=2027, actor=huainan_city_officer)
        with pytest.raises(PermissionDeniedError):
            appraisal_start(filing=hn_filing, year=2026, actor=wuxi_officer)
        with pytest.raises(PermissionDeniedError):
            appraisal_start(filing=hn_filing, year=2026, actor=huainan_institution)
        with pytest.raises(ValidationFailed) as sc:
            self_check_submit(
                filing=hn_filing, year=2026, answers={"video": (False, "")}, remedy="", actor=huainan_institution
            )
        fields = {e["field"] for e in sc.value.details["errors"]}
        assert fields == {"note_video", "remedy"}
    assert not Appraisal.objects.exists()


@pytest.mark.django_db
@pytest.mark.req("HN-2")
def test_the_confirmed_result_and_credit_grade_show_on_the_exit_page(client, hn_filing, huainan_city_officer):
    with at(DAY):
        appraisal = appraisal_start(filing=hn_filing, year=2026, actor=huainan_city_officer)
        data = {i["code"]: ("80", "人工评分") for i in appraisal.scheme["items"]}
        appraisal_score(appraisal=appraisal, data=data, actor=huainan_city_officer)
        appraisal_confirm(appraisal=appraisal, actor=huainan_city_officer)
        refs = decision_references(hn_filing, DAY)
        assert [a.year for a in refs.appraisals] == [2026] and refs.credit.grade == "A"
        client.force_login(huainan_city_officer)
        page = client.get(reverse("filings:detail", args=[hn_filing.code])).content.decode()
        assert 'id="decision-references"' in page and "80.0" in page and "良好" in page
        assert "A级（守信）" in page and "退出的重要依据" in page
        score_page = client.get(reverse("appraisals:appraisal", args=[hn_filing.code, 2026])).content.decode()
        assert "已确认" in score_page and "淮南市评价机构定期评估方案" in score_page
        assert client.get(reverse("appraisals:home") + "?year=2026").status_code == 200


@pytest.mark.django_db
def test_pages_reject_bad_scores_next_to_the_field(client, hn_filing, huainan_city_officer, huainan_institution):
    with at(DAY):
        client.force_login(huainan_city_officer)
        url = reverse("appraisals:appraisal", args=[hn_filing.code, 2026])
        assert client.post(url, {"action": "start"}).status_code == 302
        r = client.post(url, {"action": "save", "score_annual_report": "150", "note_annual_report": "x"})
        assert r.status_code == 422 and "应在0至100分之间" in r.content.decode()
        client.force_login(huainan_institution)
        assert client.get(url).status_code == 404  # the scoring page is the staff's
        sc = reverse("appraisals:self_check", args=[hn_filing.code, 2026])
        r = client.post(sc, {"met_office": "0", "note_office": "", "remedy": ""})
        assert r.status_code == 422 and "请说明差距" in r.content.decode()
        assert client.post(sc, {f"met_{i.code}": "1" for i in ITEMS}).status_code == 302
        assert "已于" in client.get(sc).content.decode()


@pytest.mark.django_db
@pytest.mark.req("HN-2")
def test_only_institutions_whose_rules_ask_for_it_are_offered_the_yearly_self_check(
    client, hn_filing, huainan_institution, wuxi_institution, wuxi_officer
):
    """The self-check is Huainan's (HN-2, 附件1): a Chongqing institution is not told to follow a Huainan notice."""
    cq_filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2), region_code="500238", kind="employer")
    with at(DAY):
        client.force_login(wuxi_institution)
        home = client.get(reverse("appraisals:home")).content.decode()
        assert "未要求评价机构填报年度自查" in home and "淮南" not in home
        assert "年度自查</a>" not in client.get("/filings/").content.decode()  # not in the navigation either
        url = reverse("appraisals:self_check", args=[cq_filing.code, 2026])
        page = client.get(url).content.decode()
        assert 'id="self-check-not-required"' in page and "self-check-form" not in page and "淮南" not in page
        posted = client.post(url, {"remedy": ""})
        assert posted.status_code == 422 and "未要求评价机构填报年度自查" in posted.content.decode()
        with pytest.raises(ValidationFailed) as exc:
            self_check_submit(filing=cq_filing, year=2026, answers={}, remedy="", actor=wuxi_institution)
        assert exc.value.code == "SELF_CHECK_NOT_REQUIRED"

        client.force_login(huainan_institution)
        home = client.get(reverse("appraisals:home")).content.decode()
        assert f"self-check-{hn_filing.code}" in home and "淮南" in home
        assert "年度自查</a>" in client.get("/filings/").content.decode()
    assert not AuditRecord.objects.filter(action="appraisal.self_check").exists()
