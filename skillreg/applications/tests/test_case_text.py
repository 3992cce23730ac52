"""What the case pages say is the law of the case's own region, in the document's words (issue 11, majors 3–5):
no requirement IDs, no fact paths, no other region's time limits; the staff case page shows the running clocks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from skillreg.applications import services
from skillreg.core import testing

pytestmark = pytest.mark.django_db

REQUIREMENT_ID = re.compile(r"\b(?:CQ|WX|AH|HN|GZ)-\d")
FACT_PATH = re.compile(r"facts\.|level_facts|scope\[\d")


def _visible(html: str) -> str:
    """The page text a person reads (no tags, attributes, scripts)."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _submitted(user, region_code: str, **kwargs):
    app = testing.make_complete_draft(user, region_code=region_code, **kwargs)
    services.application_submit(application=app, actor=user)
    app.refresh_from_db()
    return app


def test_anhui_case_page_cites_no_chongqing_limit(client, huainan_institution, huainan_county_officer):
    app = _submitted(huainan_institution, "340403", kind="school")
    client.force_login(huainan_county_officer)
    page = _visible(client.get(reverse("staff:case", kwargs={"pid": app.public_id})).content.decode())
    assert "一次性告知补正" in page
    assert not REQUIREMENT_ID.search(page), REQUIREMENT_ID.findall(page)
    assert "渝人社发" not in page and "90日" not in page and "5个工作日" not in page
    assert not FACT_PATH.search(page), FACT_PATH.findall(page)


def test_wuxi_case_page_shows_its_running_clocks_with_the_document(client, wuxi_institution, wuxi_officer):
    app = _submitted(wuxi_institution, "500238")
    client.force_login(wuxi_officer)
    page = _visible(client.get(reverse("staff:case", kwargs={"pid": app.public_id})).content.decode())
    assert "未规定法定办理期限" not in page
    assert "告知补正全部材料" in page and "渝人社发〔2020〕128号" in page and "第十条" in page
    assert "5个工作日内" in page
    assert not REQUIREMENT_ID.search(page), REQUIREMENT_ID.findall(page)


def test_self_check_names_missing_facts_by_label_and_form_section(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, region_code="500238")
    facts = dict(app.facts)
    facts.pop("registered_in_region", None)
    facts.pop("office_area_m2", None)
    type(app).objects.filter(pk=app.pk).update(facts=facts)
    client.force_login(wuxi_institution)
    page = _visible(client.get(reverse("apply:self_check", kwargs={"pid": app.public_id})).content.decode())
    assert "缺少信息" in page
    assert "办公场地面积" in page and "八、备案条件相关情况" in page
    assert not FACT_PATH.search(page), FACT_PATH.findall(page)
    assert not REQUIREMENT_ID.search(page), REQUIREMENT_ID.findall(page)


def test_applicant_detail_of_an_anhui_draft_cites_no_chongqing_document(client, huainan_institution):
    app = testing.make_complete_draft(
        huainan_institution, region_code="340403", kind="school", skip_materials=("pledge",)
    )
    client.force_login(huainan_institution)
    page = _visible(client.get(reverse("apply:detail", kwargs={"pid": app.public_id})).content.decode())
    assert "渝人社发" not in page and "5个工作日" not in page


def test_a_citation_without_a_document_number_names_the_document():
    from skillreg.applications.eligibility import citation_text

    text = citation_text(
        {
            "doc_number": None,
            "title": "关于进一步加强技能人才评价机构备案管理工作的通知",
            "article": "二、",
            "quote": "定期开展自查自纠",
        }
    )
    assert text.startswith("《关于进一步加强技能人才评价机构备案管理工作的通知》 二、")
