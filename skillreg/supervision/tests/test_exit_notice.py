"""An ordered exit (责令终止, GZ-15) and a cancellation (注销备案, CQ-30) are announced by a public 公告 with the
legal basis, published through the notices service in the decision's transaction; the institution's public page
links it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.core import testing
from skillreg.core.errors import TransitionNotAllowed
from skillreg.deadlines.tests.conftest import at, file_on
from skillreg.institutions.exits import filing_exit_order
from skillreg.supervision.models import Notice, NoticeKind, NoticeTopic
from skillreg.supervision.services.rectification import rectification_fail, rectification_order

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def gz_institution(db):
    return testing.make_institution_user("sv_gz_org", region_code="520100", seed=17)


@pytest.fixture
def gz_officer(db):
    return testing.make_staff("sv_gy_officer", "hrss-520100", display_name="贵阳市监管员")


@pytest.mark.req("GZ-15")
def test_an_ordered_exit_publishes_a_notice_linked_from_the_public_page(client, gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        filing_exit_order(
            filing=filing, actor=gz_officer, reason="伪造考核记录，情节严重", wrapup_due_on=D(2026, 5, 31)
        )
        notice = Notice.objects.get(filing=filing)
        page = client.get(reverse("portal:institution", args=[filing.code])).content.decode()
    assert (notice.kind, notice.topic) == (NoticeKind.ANNOUNCEMENT, NoticeTopic.EXIT)
    assert notice.legal_basis == "《贵州省职业技能等级认定机构遴选及退出实施细则》第十五条"
    assert "伪造考核记录，情节严重" in notice.body and "移出评价机构目录" in notice.body
    assert notice.starts_on == D(2026, 5, 6) and notice.authority == gz_officer.authority
    assert reverse("notices:detail", args=[notice.pk]) in page and notice.title in page
    with at(D(2026, 5, 6)):
        public = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "第十五条" in public and "GZ-15" not in public


@pytest.mark.req("GZ-15")
def test_a_refused_exit_order_publishes_nothing(gz_institution, gz_officer):
    filing = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        filing_exit_order(filing=filing, actor=gz_officer, reason="严重违规", wrapup_due_on=D(2026, 5, 31))
        with pytest.raises(TransitionNotAllowed):  # the filing is no longer live: nothing is announced twice
            filing_exit_order(filing=filing, actor=gz_officer, reason="再次", wrapup_due_on=D(2026, 5, 31))
    assert Notice.objects.filter(filing=filing).count() == 1


@pytest.mark.req("CQ-30")
def test_a_cancellation_is_announced_and_linked(client, cq_filing, wuxi_officer):
    with at(D(2026, 12, 1)):
        rect = rectification_order(filing=cq_filing, reason="超范围评价", actor=wuxi_officer)
    with at(D(2026, 12, 21)):
        rectification_fail(rectification=rect, actor=wuxi_officer, reason="整改期满仍超范围评价")
        page = client.get(reverse("portal:institution", args=[cq_filing.code])).content.decode()
    notice = Notice.objects.get(filing=cq_filing, topic=NoticeTopic.CANCELLATION)
    assert notice.legal_basis.endswith("第三十条") and 'id="filing-notices"' in page and notice.title in page
