"""The applicant hears of every step that concerns them, in the inbox and by e-mail (issue 11, major 10)."""

from __future__ import annotations

import pytest

from skillreg.applications import services
from skillreg.core import testing
from skillreg.notifications.models import Message
from skillreg.notifications.services import deliver_pending

pytestmark = pytest.mark.django_db


def _subjects(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True))


def test_supplement_accept_and_filing_are_told_to_the_applicant(
    wuxi_institution, other_institution, wuxi_officer, mailoutbox
):
    wuxi_institution.email = "org@example.org"
    wuxi_institution.save()
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    services.supplement_request(application=app, actor=wuxi_officer, items=["营业执照副本"], note="请加盖公章")
    app.refresh_from_db()
    subjects = _subjects(wuxi_institution)
    assert [s.split("：")[0] for s in subjects] == ["申请已提交", "请补正申请材料"]
    body = Message.objects.filter(recipient=wuxi_institution).latest("id").body
    assert "营业执照副本" in body and "请加盖公章" in body
    services.supplement_complete(application=app, actor=wuxi_institution)
    app.refresh_from_db()
    services.application_accept(application=app, actor=wuxi_officer)
    assert _subjects(wuxi_institution)[-1].startswith("申请已受理")
    assert not Message.objects.filter(recipient=other_institution).exists()
    assert not Message.objects.filter(recipient=wuxi_officer, subject__startswith="申请已受理").exists()
    deliver_pending()
    assert any(m.subject.endswith("申请已受理：" + app.institution_name) for m in mailoutbox)


def test_a_refusal_carries_its_reasons(wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    app.refresh_from_db()
    services.application_refuse_acceptance(
        application=app, actor=wuxi_officer, reasons="不属于本机关受理范围", basis="渝人社发〔2020〕128号 第十条"
    )
    message = Message.objects.filter(recipient=wuxi_institution).latest("id")
    assert message.subject.startswith("申请不予受理")
    assert "理由：不属于本机关受理范围" in message.body and "依据：渝人社发〔2020〕128号 第十条" in message.body
