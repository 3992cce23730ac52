"""Pages of the filing workflow through the real URL/view/template stack (Django test client)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillreg.applications import services
from skillreg.applications.models import Application, State
from skillreg.core import testing
from skillreg.institutions.models import ApplicantUnit

pytestmark = pytest.mark.django_db


def test_login_page_speaks_chinese_and_rejects_bad_password(client, wuxi_institution):
    r = client.post(reverse("accounts:login"), {"username": "wuxi_org", "password": "wrong"})
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    r = client.post(reverse("accounts:login"), {"username": "wuxi_org", "password": testing.PASSWORD})
    assert r.status_code == 302


def test_register_with_bad_uscc_shows_message_and_creates_nothing(client):
    good = testing.make_uscc("500238", seed=5)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = {
        "name": "某某培训学校",
        "uscc": bad,
        "region": "500238",
        "address": "巫溪县某路1号",
        "contact_name": "张三",
        "contact_phone": "13800138000",
        "username": "mou_school",
        "password": testing.PASSWORD,
        "password2": testing.PASSWORD,
    }
    r = client.post(reverse("accounts:register"), data)
    assert r.status_code == 200
    assert "统一社会信用代码校验位错误" in r.content.decode()
    assert not ApplicantUnit.objects.exists()
    data["uscc"] = good
    r = client.post(reverse("accounts:register"), data)
    assert r.status_code == 302 and ApplicantUnit.objects.get().uscc == good


def _post_form(client, **overrides):
    data = {
        "draft_token": "2b5b1b4a-1a2b-4c3d-9e8f-000000000001",
        "institution_kind": "social_org",
        "evaluation_types": ["skill_level"],
        "coverage_area": "county",
        "applicant_name": "巫溪县康养职业培训学校",
        "institution_name": "巫溪县康养职业技能评价中心",
        "legal_rep_name": "王法人",
        "legal_rep_id_number": testing.make_id_number("500238", "19980505", 101),
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-role": "examiner",
        "people-0-name": "考评甲",
        "people-0-occupation_code": "4-10-01-05",
        "people-0-level": "3",
        "people-0-certificate_code": "KP1",
        "people-0-own_staff": "on",
        "equipment-TOTAL_FORMS": "0",
        "equipment-INITIAL_FORMS": "0",
        "scope-TOTAL_FORMS": "1",
        "scope-INITIAL_FORMS": "0",
        "scope-0-occupation_code": "4-10-01-05",
        "scope-0-evaluation_type": "skill_level",
        "scope-0-levels": ["5", "4"],
        "facts-office_area_m2": "220",
        "save": "1",
    }
    data.update(overrides)
    return client.post(reverse("apply:new"), data)


@pytest.mark.req("AH-att2")
def test_applicant_saves_a_draft_and_sees_every_missing_item(client, wuxi_institution):
    client.force_login(wuxi_institution)
    r = _post_form(client)
    app = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("apply:detail", kwargs={"pid": app.public_id})
    assert app.facts == {"office_area_m2": 220.0}
    page = client.get(r["Location"]).content.decode()
    assert "未上传材料：申请备案机构信用报告" in page
    assert "未填写财务人员" in page
    # the ID number is masked on the page, never shown whole
    assert app.legal_rep_id_number not in page and app.legal_rep_id_number[:6] + "********" in page
    # posting the same new-draft form twice keeps one draft
    _post_form(client)
    assert Application.objects.count() == 1


def test_bad_level_and_unknown_occupation_are_shown_on_the_form(client, wuxi_institution):
    client.force_login(wuxi_institution)
    r = _post_form(client, **{"people-0-level": "6", "scope-0-occupation_code": "9-99-99-99"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "填写内容有误" in page
    assert not Application.objects.exists()


def test_submit_incomplete_lists_everything_at_once(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, skip_materials=("pledge",))
    client.force_login(wuxi_institution)
    r = client.post(reverse("apply:submit", kwargs={"pid": app.public_id}), {"version": app.version}, follow=True)
    page = r.content.decode()
    assert "申请材料不完整，共 1 项需补充" in page and "未上传材料：申请备案材料真实性承诺书" in page
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_other_units_application_is_404(client, wuxi_institution, other_institution):
    app = testing.make_complete_draft(wuxi_institution)
    client.force_login(other_institution)
    for name in ("apply:detail", "apply:edit"):
        assert client.get(reverse(name, kwargs={"pid": app.public_id})).status_code == 404
    material = app.materials.first()
    assert client.get(reverse("apply:material", kwargs={"pid": app.public_id, "mid": material.pk})).status_code == 404
    assert client.post(reverse("apply:submit", kwargs={"pid": app.public_id}), {"version": 1}).status_code == 404


def test_executable_renamed_pdf_upload_shows_chinese_message(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, skip_materials=("assets",))
    client.force_login(wuxi_institution)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("场地.pdf", b"MZ\x90\x00" + b"\0" * 300, content_type="application/pdf")
    r = client.post(
        reverse("apply:upload", kwargs={"pid": app.public_id}), {"kind": "assets", "file": fake}, follow=True
    )
    assert "文件类型不被接受" in r.content.decode()
    assert not app.materials.filter(kind="assets").exists()


def test_staff_scope_and_stale_form(client, wuxi_institution, wuxi_officer, guizhou_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    client.force_login(guizhou_officer)
    assert client.get(reverse("staff:case", kwargs={"pid": app.public_id})).status_code == 404
    assert app.number not in client.get(reverse("staff:worklist") + "?mine=0").content.decode()
    client.force_login(wuxi_officer)
    page = client.get(reverse("staff:worklist")).content.decode()
    assert app.number in page
    assert client.get(reverse("staff:case", kwargs={"pid": app.public_id})).status_code == 200
    url = reverse("staff:act", kwargs={"pid": app.public_id, "action": "accept"})
    assert client.post(url, {"version": app.version}).status_code == 302
    r = client.post(url, {"version": app.version}, follow=True)  # the same form posted again
    assert "不能执行“受理”" in r.content.decode() or "已被他人处理" in r.content.decode()
    app.refresh_from_db()
    assert app.state == State.ACCEPTED and app.events.filter(action="accept").count() == 1


def test_institution_user_cannot_open_staff_pages(client, wuxi_institution):
    client.force_login(wuxi_institution)
    assert client.get(reverse("staff:worklist")).status_code == 404


def test_staff_finds_a_case_by_id_number_or_phone_through_the_blind_index(client, wuxi_institution, wuxi_officer):
    app = testing.make_complete_draft(wuxi_institution)
    services.application_submit(application=app, actor=wuxi_institution)
    client.force_login(wuxi_officer)
    url = reverse("staff:worklist")
    assert app.number in client.get(url, {"q": app.head_id_number}).content.decode()
    assert app.number in client.get(url, {"q": app.legal_rep_phone}).content.decode()
    other = testing.make_id_number("500238", "19970101", 999)
    assert app.number not in client.get(url, {"q": other}).content.decode()
