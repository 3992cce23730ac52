"""The legal basis of supervision notices and records comes from the rule packs' ``legal_bases`` of the filing's
region (a county inherits its city's or province's article, never another province's): an Anhui or Huainan
ordered exit cites its own document, a Guizhou one 第十五条, a Chongqing one 第三十条."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from skillreg.core import testing
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.institutions.exits import filing_exit_order
from skillreg.policy import loader
from skillreg.policy.errors import PackError
from skillreg.supervision import basis
from skillreg.supervision.models import Notice, NoticeTopic
from skillreg.supervision.services.rectification import rectification_fail, rectification_order

D = dt.date
CQ = "《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）"
WX = "《巫溪县职业技能等级评价机构建设规范（试行）》（溪人社发〔2021〕62号）"
AH = "《关于进一步加强技能人才评价机构备案工作的通知》（皖人社秘〔2020〕64号）"
HN = "《关于进一步加强技能人才评价机构备案管理工作的通知》"  # no 文号: the title alone
GZ = "《贵州省职业技能等级认定机构遴选及退出实施细则》"
SC58 = basis.STATE_COUNCIL_58
ON = D(2026, 6, 1)


@pytest.mark.req("CQ-25", "CQ-26", "CQ-27", "CQ-29", "CQ-30", "CQ-31", "CQ-11", "WX-7.3", "AH-4.3", "HN-3")
@pytest.mark.req("GZ-13", "GZ-15")
@pytest.mark.parametrize(
    ("purpose", "region", "expected"),
    [
        ("ordered_exit", "500101", f"{CQ}第三十条"),
        ("ordered_exit", "500238", f"{CQ}第三十条"),
        ("ordered_exit", "340102", f"{AH}四、（三）"),
        ("ordered_exit", "340403", f"{HN}三、"),
        ("ordered_exit", "520100", f"{GZ}第十五条"),
        ("rectification", "500238", f"{CQ}第三十条"),  # Wuxi states none of its own: Chongqing's
        ("rectification", "340102", f"{AH}四、（三）"),
        ("rectification", "340403", f"{HN}三、"),
        ("rectification", "520100", basis.NO_ARTICLE),  # never Chongqing's
        ("cancellation", "520100", basis.NO_ARTICLE),
        ("inspection_draw", "500238", f"{CQ}第二十五条；{SC58}"),
        ("inspection_draw", "340403", f"{AH}四、（三）；{SC58}"),  # Huainan inherits Anhui's
        ("inspection_draw", "520100", SC58),  # the national basis only
        ("inspection", "500238", f"{CQ}第二十六条"),
        ("inspection", "340403", f"{HN}三、"),
        ("inspection", "520100", basis.NO_ARTICLE),
        ("complaints", "500238", f"{CQ}第二十七条；{WX}七、（三）"),  # Wuxi adds its own to Chongqing's
        ("complaints", "500101", f"{CQ}第二十七条"),
        ("complaints", "340403", f"{AH}四、（三）"),
        ("complaints", "520100", basis.NO_ARTICLE),
        ("credit", "500238", f"{CQ}第二十九条"),
        ("credit", "340102", basis.NO_ARTICLE),  # Anhui's document states it has none
        ("credit", "340403", basis.NO_ARTICLE),
        ("voluntary_exit", "500238", f"{CQ}第三十一条"),
        ("voluntary_exit", "520100", f"{GZ}第十三条"),
        ("voluntary_exit", "340102", basis.NO_ARTICLE),
        ("selection_publicity", "500238", f"{CQ}第十一条第二款"),
        ("selection_publicity", "520100", basis.NO_ARTICLE),
    ],
)
def test_each_region_cites_its_own_documents(purpose, region, expected):
    text = basis.legal_basis(purpose, region=region, on=ON)
    assert text == expected
    assert not any(p in text for p in ("CQ-", "WX-", "AH-", "HN-", "GZ-"))


def test_a_region_no_pack_covers_or_no_region_cites_no_article():
    assert basis.legal_basis("rectification", region="110000", on=ON) == basis.NO_ARTICLE
    assert basis.legal_basis("inspection_draw", region=None, on=ON) == SC58
    assert basis.according(basis.NO_ARTICLE) == "经研究决定，"
    assert basis.according(f"{GZ}第十五条") == f"依据{GZ}第十五条，"


def _wuxi_with(extra: str) -> loader.PackSet:
    path = Path(loader.DEFAULT_POLICY_DIR) / "500238-wuxi" / "wx-2021-62.yaml"
    text = path.read_text(encoding="utf-8").replace("legal_bases:\n", "legal_bases:\n" + extra, 1)
    return loader.default_packset().with_draft(loader.parse_pack(text, "wx-draft.yaml"))


@pytest.mark.req("WX-7.3", "CQ-30")
def test_a_wuxi_rectification_cites_wuxis_own_article_once_wuxi_states_one(monkeypatch):
    draft = _wuxi_with(
        "  - purpose: rectification\n    requirement: WX-7.3\n"
        "    cite: {article: 七、（三）, quote: 评价机构应建立信息化考务系统}\n"
    )
    monkeypatch.setattr(loader, "default_packset", lambda root=None: draft)
    assert basis.legal_basis("rectification", region="500238", on=ON) == f"{WX}七、（三）"
    assert basis.legal_basis("rectification", region="500101", on=ON) == f"{CQ}第三十条"


@pytest.mark.req("WX-7.3")
def test_a_county_that_states_none_does_not_inherit(monkeypatch):
    draft = _wuxi_with("  - purpose: credit\n    none: 本规范未规定信用评估。\n")
    monkeypatch.setattr(loader, "default_packset", lambda root=None: draft)
    assert basis.legal_basis("credit", region="500238", on=ON) == basis.NO_ARTICLE


@pytest.mark.parametrize(
    "entry",
    [
        "  - purpose: credit\n",  # neither cite nor none
        "  - purpose: credit\n    none: 无\n    requirement: WX-7.3\n    cite: {article: 七、, quote: 评价机构}\n",
        "  - purpose: credit\n    cite: {article: 七、, quote: 评价机构}\n",  # no requirement ID
        "  - purpose: credit\n    none: 无\n    with_parent: true\n",
        "  - purpose: complaints\n    none: 重复\n",  # a purpose stated twice
        "  - purpose: audit\n    none: 无\n",  # unknown purpose
    ],
)
def test_a_malformed_legal_basis_is_refused(entry):
    with pytest.raises(PackError):
        _wuxi_with(entry)


# ----------------------------------------------------------------------------- notices and records (database)


@pytest.mark.django_db
@pytest.mark.req("AH-4.3", "HN-3", "GZ-15", "CQ-30")
@pytest.mark.parametrize(
    ("org_region", "authority", "expected"),
    [
        ("340102", "hrss-340100", f"{AH}四、（三）"),
        ("340403", "hrss-340400", f"{HN}三、"),
        ("520100", "hrss-520100", f"{GZ}第十五条"),
        ("500238", "hrss-500238", f"{CQ}第三十条"),
    ],
)
def test_an_ordered_exit_notice_cites_the_filings_own_document(client, org_region, authority, expected):
    org = testing.make_institution_user(f"bs_org_{org_region}", region_code=org_region, seed=31)
    officer = testing.make_staff(f"bs_officer_{org_region}", authority, display_name="监管员")
    filing = file_on(org, officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        filing_exit_order(filing=filing, actor=officer, reason="伪造考核记录，情节严重", wrapup_due_on=D(2026, 5, 31))
        notice = Notice.objects.get(filing=filing, topic=NoticeTopic.EXIT)
        public = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert notice.legal_basis == expected
    assert f"依据{expected}，" in notice.body
    assert expected in public and not any(p in public for p in ("CQ-", "AH-", "HN-", "GZ-"))


@pytest.mark.django_db
@pytest.mark.req("CQ-30")
def test_a_guizhou_cancellation_cites_no_chongqing_article(client):
    org = testing.make_institution_user("bs_gz_org", region_code="520100", seed=32)
    officer = testing.make_staff("bs_gz_officer", "hrss-520100", display_name="贵阳市监管员")
    filing = file_on(org, officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        rect = rectification_order(filing=filing, reason="超范围评价", actor=officer)
        client.force_login(officer)
        page = client.get(reverse("supervision:rectification", args=[rect.pk])).content.decode()
    with at(D(2026, 5, 26)):
        rectification_fail(rectification=rect, actor=officer, reason="整改期满仍超范围评价")
    notice = Notice.objects.get(filing=filing, topic=NoticeTopic.CANCELLATION)
    assert notice.legal_basis == basis.NO_ARTICLE and "渝人社发" not in notice.body
    assert "经研究决定，注销其备案信息" in notice.body
    assert basis.NO_ARTICLE in page and "渝人社发" not in page


@pytest.mark.django_db
@pytest.mark.req("CQ-30")
def test_a_wuxi_rectification_page_shows_chongqings_article(client, cq_filing, wuxi_officer):
    with at(D(2026, 5, 6)):
        rect = rectification_order(filing=cq_filing, reason="超范围评价", actor=wuxi_officer)
        client.force_login(wuxi_officer)
        page = client.get(reverse("supervision:rectification", args=[rect.pk])).content.decode()
    assert f'<dd id="rect-basis">{CQ}第三十条</dd>' in page and "CQ-30" not in page
