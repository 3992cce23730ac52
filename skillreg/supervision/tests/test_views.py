"""The supervision pages: public notices, objections and draw re-run; staff, institution and inspector pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from skillreg.accounts.middleware import otp_required
from skillreg.deadlines.tests.conftest import at
from skillreg.supervision.models import NoticeKind, NoticeTopic, Objection
from skillreg.supervision.services.notices import notice_publish
from skillreg.supervision.services.plans import plan_create, plan_draw

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def publicity(wuxi_officer):
    with at(DAY):
        return notice_publish(
            kind=NoticeKind.PUBLICITY,
            topic=NoticeTopic.SELECTION,
            title="遴选结果公示",
            body="拟遴选：某某职业培训学校",
            legal_basis="渝人社发〔2020〕128号 第十一条",
            actor=wuxi_officer,
        )


@pytest.mark.req("CQ-11")
def test_public_objection_journey_and_staff_answer(client, publicity, wuxi_officer, guizhou_officer):
    with at(DAY):
        page = client.get(reverse("notices:detail", args=[publicity.pk]))
        assert page.status_code == 200 and "提出异议" in page.content.decode()
        key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)
        empty = client.post(reverse("notices:detail", args=[publicity.pk]), {"submission_key": key, "body": ""})
        assert empty.status_code == 422 and "这个字段是必填项" in empty.content.decode()
        done = client.post(reverse("notices:detail", args=[publicity.pk]), {"submission_key": key, "body": "有异议"})
        again = client.post(reverse("notices:detail", args=[publicity.pk]), {"submission_key": key, "body": "有异议"})
    html = done.content.decode()
    tracking = re.search(r'id="tracking-no">([^<]+)<', html).group(1)
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    assert "未重复受理" in again.content.decode() and Objection.objects.count() == 1
    status = client.get(reverse("notices:objection_status"), {"tracking_no": tracking, "query_code": code})
    assert "已受理，待答复" in status.content.decode()
    wrong = client.get(reverse("notices:objection_status"), {"tracking_no": tracking, "query_code": "XXXX"})
    assert "受理编号或查询码不正确" in wrong.content.decode()
    objection = Objection.objects.get()
    client.force_login(guizhou_officer)
    assert client.get(reverse("supervision:objection", args=[objection.pk])).status_code == 404
    client.force_login(wuxi_officer)
    assert tracking in client.get(reverse("supervision:home")).content.decode()
    client.post(reverse("supervision:objection", args=[objection.pk]), {"answer": "经核查，异议不成立"})
    client.logout()
    status = client.get(reverse("notices:objection_status"), {"tracking_no": tracking, "query_code": code})
    assert "经核查，异议不成立" in status.content.decode()


def test_objection_after_the_period_shows_a_chinese_message(client, publicity):
    with at(publicity.ends_on + dt.timedelta(days=1)):
        page = client.get(reverse("notices:detail", args=[publicity.pk]))
        assert "公示期已结束" in page.content.decode()
        post = client.post(reverse("notices:detail", args=[publicity.pk]), {"submission_key": "k", "body": "迟到"})
    assert post.status_code == 422 and "不能再提出异议" in post.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.req("CQ-25")
def test_staff_publish_plan_draw_and_the_public_reruns_it(client, two_filings, wuxi_inspectors, wuxi_officer):
    client.force_login(wuxi_officer)
    with at(DAY):
        r = client.post(
            reverse("supervision:plan_new"),
            {
                "title": "第四季度抽查",
                "items": "备案信息",
                "inspect_on": "2026-12-01",
                "sample_size": "1",
                "per_target": "2",
            },
        )
        assert r.status_code == 302
        plan_url = r["Location"]
        page = client.get(plan_url).content.decode()
        seed_hash = re.search(r'id="seed-hash">([0-9a-f]{64})<', page).group(1)
        client.post(plan_url)
    client.logout()
    pk = int(plan_url.rstrip("/").split("/")[-1])
    verify = client.get(reverse("notices:draw_verify", args=[pk])).content.decode()
    assert seed_hash in verify and "复核通过" in verify
    other = client.get(reverse("notices:draw_verify", args=[pk]), {"seed": "guess"}).content.decode()
    assert "复核不通过" in other
    assert "随机抽取结果" in client.get(reverse("notices:list")).content.decode()


def test_bad_plan_input_is_shown_next_to_the_field(client, wuxi_officer):
    client.force_login(wuxi_officer)
    r = client.post(
        reverse("supervision:plan_new"), {"title": "x", "items": "y", "inspect_on": "2026-12-01", "per_target": "2"}
    )
    assert r.status_code == 422 and "请填写抽查数量或抽查比例中的一项" in r.content.decode()


def test_inspector_needs_a_second_factor_and_sees_only_own_targets(client, two_filings, wuxi_inspectors, wuxi_officer):
    assert otp_required(wuxi_inspectors[0].user)
    with at(DAY):
        plan = plan_create(title="抽查", items="x", inspect_on=DAY, sample_size=1, per_target=1, actor=wuxi_officer)
        plan = plan_draw(plan=plan, actor=wuxi_officer)
    chosen = plan.result["assignments"][0]
    for entry in wuxi_inspectors:
        client.force_login(entry.user)
        html = client.get(reverse("supervision:home")).content.decode()
        assert (chosen[0] in html) == (entry.number in chosen[1])
        assert client.get(reverse("supervision:plan", args=[plan.pk])).status_code == 404


@pytest.mark.req("CQ-30")
def test_rectification_pages_order_answer_close(client, cq_filing, wuxi_officer, wuxi_institution, other_institution):
    client.force_login(wuxi_officer)
    r = client.post(
        reverse("supervision:rectification_new"),
        {"filing_code": cq_filing.code, "reason": "考务记录不全", "requirements": "补齐记录", "due_on": "2026-12-31"},
    )
    assert r.status_code == 302
    url = r["Location"]
    bad = client.post(
        reverse("supervision:rectification_new"),
        {"filing_code": "X", "reason": "x", "requirements": "x", "due_on": "2026-12-31"},
    )
    assert "本机关监管范围内没有该备案编码的机构" in bad.content.decode()
    client.force_login(other_institution)
    assert client.get(url).status_code == 404
    client.force_login(wuxi_institution)
    assert "补齐记录" in client.get(url).content.decode()
    client.post(url, {"action": "answer", "answer": "已补齐"})
    client.post(url, {"action": "close", "note": "x"})  # an institution cannot close: 404, nothing changes
    client.force_login(wuxi_officer)
    assert "已补齐" in client.get(url).content.decode()
    client.post(url, {"action": "close", "note": "复查合格"})
    cq_filing.refresh_from_db()
    assert cq_filing.status == "active"


@pytest.mark.req("CQ-26")
def test_inspector_records_a_finding_on_the_page(client, two_filings, wuxi_inspectors, wuxi_officer):
    with at(DAY):
        plan = plan_create(title="抽查", items="x", inspect_on=DAY, sample_size=1, per_target=1, actor=wuxi_officer)
        plan = plan_draw(plan=plan, actor=wuxi_officer)
    inspection = plan.inspections.get()
    client.force_login(inspection.inspector.user)
    url = reverse("supervision:inspection", args=[inspection.pk])
    form = {f"ok_{k}": "1" for k in ("filing", "information", "policy", "measures", "other")}
    form.update({"ok_scope": "0", "findings": "超范围评价", "conclusion": "rectify", "requirements": "停止"})
    missing_due = client.post(url, form)
    assert missing_due.status_code == 422 and "整改期限" in missing_due.content.decode()
    client.post(url, {**form, "due_on": "2026-12-31"})
    html = client.get(url).content.decode()
    assert "责令整改，期限 2026-12-31" in html
    inspection.refresh_from_db()
    assert inspection.rectification.filing.status == "rectifying"


@pytest.mark.req("CQ-27")
def test_public_complaint_form_lookup_and_staff_answer(client, cq_filing, wuxi_officer, guizhou_officer):
    page = client.get(reverse("notices:complaint_new")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {"filing_code": "S000", "category": "fees", "body": "乱收费", "submission_key": key}
    bad = client.post(reverse("notices:complaint_new"), data)
    assert bad.status_code == 422 and "未找到该备案编码的评价机构" in bad.content.decode()
    done = client.post(reverse("notices:complaint_new"), {**data, "filing_code": cq_filing.code})
    html = done.content.decode()
    tracking = re.search(r'id="tracking-no">([^<]+)<', html).group(1)
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    from skillreg.supervision.models import Complaint

    c = Complaint.objects.get()
    client.force_login(guizhou_officer)
    assert client.get(reverse("supervision:complaint", args=[c.pk])).status_code == 404
    client.force_login(wuxi_officer)
    assert tracking in client.get(reverse("supervision:home")).content.decode()
    missing = client.post(reverse("supervision:complaint", args=[c.pk]), {"action": "answer", "answer": "x"})
    assert missing.status_code == 422 and "请选择办理结果" in missing.content.decode()
    client.post(
        reverse("supervision:complaint", args=[c.pk]),
        {"action": "answer", "outcome": "unfounded", "answer": "经查收费合规"},
    )
    client.logout()
    status = client.get(reverse("notices:complaint_status"), {"tracking_no": tracking, "query_code": code})
    assert "经查收费合规" in status.content.decode() and "已办结" in status.content.decode()


@pytest.mark.req("CQ-26")
def test_inspection_record_pdf_carries_the_checklist(
    client, two_filings, wuxi_inspectors, wuxi_officer, guizhou_officer
):
    import io

    from pypdf import PdfReader

    from skillreg.supervision.checklist import CQ26_ITEMS
    from skillreg.supervision.services.inspections import inspection_conclude

    with at(DAY):
        plan = plan_create(title="抽查", items="x", inspect_on=DAY, sample_size=1, per_target=1, actor=wuxi_officer)
        plan = plan_draw(plan=plan, actor=wuxi_officer)
        inspection = plan.inspections.get()
        items = {k: {"ok": k != "scope", "note": "超范围" if k == "scope" else ""} for k, _ in CQ26_ITEMS}
        inspection_conclude(
            inspection=inspection,
            actor=inspection.inspector.user,
            checklist=items,
            findings="超范围评价",
            conclusion="rectify",
            requirements="停止",
            due_on=dt.date(2026, 12, 31),
        )
    client.force_login(wuxi_officer)
    r = client.get(reverse("supervision:inspection_record", args=[inspection.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert inspection.filing.code in text and "不符合" in text and "第二十六条" in text and "责令整改" in text
    client.force_login(guizhou_officer)
    assert client.get(reverse("supervision:inspection_record", args=[inspection.pk])).status_code == 404
