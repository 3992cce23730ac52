"""Messages after a failed action: one banner, the reason, nothing stored half (issue 11, minors)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.applications import services
from skillreg.applications.models import State
from skillreg.core import testing

pytestmark = pytest.mark.django_db


def _banners(page: str) -> int:
    return page.count('class="msg msg-error"')


def test_a_failed_submit_is_one_banner(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, skip_materials=("pledge", "assets", "charter"))
    app.people.all().delete()
    client.force_login(wuxi_institution)
    r = client.post(reverse("apply:submit", kwargs={"pid": app.public_id}), {"version": app.version}, follow=True)
    page = r.content.decode()
    assert _banners(page) == 1
    assert "未上传材料：申请备案材料真实性承诺书" in page  # listed once, on the page


def test_a_too_long_supplement_note_is_refused_not_stored_empty(client, wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    services.supplement_request(application=app, actor=wuxi_officer, items=["营业执照"], note="")
    app.refresh_from_db()
    client.force_login(wuxi_institution)
    r = client.post(
        reverse("apply:submit", kwargs={"pid": app.public_id}),
        {"version": app.version, "note": "补" * 10_000},
        follow=True,
    )
    page = r.content.decode()
    assert "补正说明" in page and "2000" in page and _banners(page) == 1
    app.refresh_from_db()
    assert app.state == State.SUPPLEMENT_REQUESTED


def test_a_too_long_staff_reason_is_refused(client, wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    app.refresh_from_db()
    client.force_login(wuxi_officer)
    url = reverse("staff:act", kwargs={"pid": app.public_id, "action": "refuse_acceptance"})
    r = client.post(url, {"version": app.version, "reasons": "理" * 6000, "basis": "依据"}, follow=True)
    assert "理由" in r.content.decode() and "5000" in r.content.decode()
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
