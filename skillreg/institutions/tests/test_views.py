"""Pages of the lifecycle: the filing page (institution, staff), the public history, data scope (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.applications.models import Application, ApplicationType
from skillreg.institutions.exits import filing_exit_order

from .conftest import at, file_on

pytestmark = pytest.mark.django_db
D = dt.date


def test_institution_sees_its_filing_with_versions_and_may_start_a_change(client, wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2), kind="employer")
    client.force_login(wuxi_institution)
    html = client.get(reverse("filings:detail", args=[filing.code])).content.decode()
    assert "现行备案信息（第1版）" in html and "申请变更备案" in html and "有效期内核发证书" in html
    assert "CQ-" not in html and "renewal_application" not in html  # no internal names on the page
    response = client.post(reverse("filings:apply", args=[filing.code, "change"]))
    app = Application.objects.get(for_filing=filing)
    assert app.application_type == ApplicationType.CHANGE
    assert response.status_code == 302 and response["Location"] == reverse("apply:edit", args=[app.public_id])
    again = client.post(reverse("filings:apply", args=[filing.code, "change"]), follow=True).content.decode()
    assert "尚未办结" in again and Application.objects.filter(for_filing=filing).count() == 1


def test_other_units_and_other_provinces_get_404(
    client, wuxi_institution, wuxi_officer, other_institution, guizhou_officer
):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    for user in (other_institution, guizhou_officer):
        client.force_login(user)
        assert client.get(reverse("filings:detail", args=[filing.code])).status_code == 404
        assert client.post(reverse("filings:apply", args=[filing.code, "change"])).status_code == 404
    client.logout()
    assert client.get(reverse("filings:detail", args=[filing.code])).status_code == 302  # login first


def test_staff_orders_an_exit_and_the_public_page_shows_it_with_the_history(client, wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    client.force_login(wuxi_officer)
    with at(D(2026, 5, 6)):
        response = client.post(
            reverse("filings:order_exit", args=[filing.code]),
            {"reason": "伪造考核记录", "wrapup_due_on": "2026-05-31", "announcement": "责令终止评价活动"},
            follow=True,
        )
        assert "已责令终止评价活动" in response.content.decode()
        client.logout()
        html = client.get(reverse("portal:institution", args=[filing.code])).content.decode()
    assert "责令终止" in html and "2026-05-05" in html and "状态变化记录" in html and "第1版" in html


def test_termination_notice_pdf_only_after_the_wrap_up(client, wuxi_institution, wuxi_officer):
    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    with at(D(2026, 5, 6)):
        filing_exit_order(filing=filing, actor=wuxi_officer, reason="严重违规", wrapup_due_on=D(2026, 5, 31))
    url = reverse("filings:termination_notice", args=[filing.code])
    with at(D(2026, 5, 20)):
        client.force_login(wuxi_officer)
        assert client.get(url).status_code == 404
        exit_id = filing.exits.get().pk
        client.post(reverse("filings:wrap_up", args=[filing.code, exit_id]), {"archives_note": "档案已移交"})
        response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_staff_cancels_a_filing_whose_rectification_failed(client, wuxi_institution, wuxi_officer):
    from skillreg.supervision.services import rectification_order

    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    with at(D(2026, 4, 1)):
        rectification_order(filing=filing, reason="考务记录造假", actor=wuxi_officer)
    with at(D(2026, 6, 1)):
        client.force_login(wuxi_officer)
        html = client.get(reverse("filings:detail", args=[filing.code])).content.decode()
        assert "注销备案" in html
        done = client.post(reverse("filings:cancel", args=[filing.code]), {"reason": "复查仍不合格"}, follow=True)
    assert "已注销备案" in done.content.decode()
    filing.refresh_from_db()
    assert filing.status == "cancelled"


def test_staff_list_shows_the_renewal_deadline_and_the_wrap_up_clock(client, gz_institution, gz_officer):
    from .conftest import sweep_on

    live = file_on(gz_institution, gz_officer, D(2026, 3, 2))
    with at(D(2026, 6, 1)):
        client.force_login(gz_officer)
        html = client.get(reverse("filings:list")).content.decode()
    assert live.code in html and "延续申请截止" in html and "2029-03-01" in html  # Guizhou: no earlier day set
    sweep_on(D(2029, 3, 2))
    with at(D(2029, 3, 3)):
        client.force_login(gz_officer)
        html = client.get(reverse("filings:list")).content.decode()
    assert "2029-03-16" in html  # GZ-14: 15 days of wrap-up after the last day (2029-03-01)


@pytest.mark.req("GZ-13", "GZ-15")
def test_a_refused_exit_form_comes_back_with_the_typed_text_and_the_error_beside_its_field(
    client, wuxi_institution, wuxi_officer
):
    """Bad input loses nothing: the voluntary exit without a date and the ordered exit with a reason over the limit
    are shown again (422) with what was typed, the message next to the field, and nothing written."""
    from skillreg.audit.models import AuditRecord
    from skillreg.deadlines.models import FilingExit
    from skillreg.institutions.status import REASON_MAX

    filing = file_on(wuxi_institution, wuxi_officer, D(2026, 3, 2))
    audits = AuditRecord.objects.count()
    with at(D(2026, 5, 6)):
        client.force_login(wuxi_institution)
        r = client.post(
            reverse("filings:exit", args=[filing.code]), {"terminates_on": "", "reason": "转型经营，申请退出"}
        )
        html = r.content.decode()
        assert r.status_code == 422 and "转型经营，申请退出</textarea>" in html
        assert html.index("拟终止评价活动日期（如") < html.index('name="reason" id="id_reason"')  # beside the date
        client.force_login(wuxi_officer)
        long_reason = "伪" * (REASON_MAX + 1)
        r = client.post(
            reverse("filings:order_exit", args=[filing.code]),
            {"reason": long_reason, "wrapup_due_on": "2026-05-31", "announcement": "责令终止评价活动"},
        )
        html = r.content.decode()
        assert r.status_code == 422 and f"{long_reason}</textarea>" in html
        assert (
            f"不能超过 {REASON_MAX} 字" in html
            and 'value="2026-05-31"' in html
            and "责令终止评价活动</textarea>" in html
        )
    assert not FilingExit.objects.exists()
    written = AuditRecord.objects.order_by("pk").values_list("action", flat=True)[audits:]
    assert [a for a in written if a != "auth.login"] == []  # the sign-ins only
