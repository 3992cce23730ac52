"""The minor findings of issue 11, each as a person meets it (Django test client)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from skillreg.applications import services
from skillreg.applications.eligibility import evaluate_application
from skillreg.core import testing

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def _text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _accepted(user, officer, **kwargs):
    app = testing.make_complete_draft(user, **kwargs)
    services.application_submit(application=app, actor=user)
    app.refresh_from_db()
    services.application_accept(application=app, actor=officer)
    app.refresh_from_db()
    return app


def test_the_applicants_history_names_the_authority_not_its_code(client, wuxi_institution, wuxi_officer, expert):
    app = _accepted(wuxi_institution, wuxi_officer)
    services.assessment_assign(application=app, actor=wuxi_officer, method="expert_review", expert=expert)
    client.force_login(wuxi_institution)
    page = _text(client.get(reverse("apply:detail", kwargs={"pid": app.public_id})).content.decode())
    assert "hrss-500238" not in page and "expert_zhang" not in page and "expert_review" not in page
    assert "巫溪县人力资源和社会保障局" in page or "巫溪县" in page
    assert "张专家" in page and "专家论证" in page


def test_confirmed_checklist_items_read_confirmed_after_the_decision(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, kind="school")  # a route without publicity
    services.application_submit(application=app, actor=wuxi_institution)
    app.refresh_from_db()
    wuxi_officer = testing.make_staff("handler", app.authority.code, display_name="经办人")
    services.application_accept(application=app, actor=wuxi_officer)
    app.refresh_from_db()
    reviewer = testing.make_expert("e2", "李专家")
    services.assessment_assign(application=app, actor=wuxi_officer, method="material_check", expert=reviewer)
    services.assessment_submit(
        assessment=app.assessments.get(), actor=reviewer, opinion="符合", recommendation="approve"
    )
    app.refresh_from_db()
    items = [r for r in evaluate_application(app)["results"] if r["outcome"] == "needs_review"]
    assert items
    assert not app.route.get("publicity_required")
    checklist = [{"key": r["key"], "checked": True, "comment": ""} for r in items]
    services.application_file(application=app, actor=wuxi_officer, reasons="符合", basis="依据", checklist=checklist)
    client.force_login(wuxi_officer)
    page = client.get(reverse("staff:case", kwargs={"pid": app.public_id})).content.decode()
    record = page[page.index('id="policy-record"') :]
    assert "待人工审核" not in record and "审核人员已确认" in record


def test_pending_expert_tasks_come_first_with_their_due_date(client, wuxi_institution, wuxi_officer, expert):
    done_app = _accepted(wuxi_institution, wuxi_officer)
    services.assessment_assign(application=done_app, actor=wuxi_officer, method="material_check", expert=expert)
    task = done_app.assessments.get()
    services.assessment_submit(assessment=task, actor=expert, opinion="材料齐全", recommendation="approve")
    open_app = _accepted(wuxi_institution, wuxi_officer)
    services.assessment_assign(application=open_app, actor=wuxi_officer, method="site_visit", expert=expert)
    client.force_login(expert)
    page = client.get(reverse("staff:my_assessments")).content.decode()
    rows = re.findall(r"<tr><td><a[^>]*>.*?</tr>", page, flags=re.S)
    assert len(rows) == 2
    assert "待提交" in rows[0] and "已提交" in rows[1]
    assert re.search(r"\d{4}-\d{2}-\d{2}<div class=\"muted\">", rows[0]), rows[0]  # the case's due date


def test_experts_need_the_second_factor_before_materials(wuxi_institution, wuxi_officer, expert):
    app = _accepted(wuxi_institution, wuxi_officer)
    services.assessment_assign(application=app, actor=wuxi_officer, method="material_check", expert=expert)
    material = app.materials.first()
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": expert.username, "password": testing.PASSWORD})
    assert response.status_code == 302  # the password alone
    url = reverse("staff:material", kwargs={"pid": app.public_id, "mid": material.pk})
    response = browser.get(url)
    assert response.status_code == 302 and "/accounts/otp/" in response.url


def test_publicity_dates_are_prefilled_as_the_date_field_needs(client, wuxi_institution, wuxi_officer):
    import datetime as dt

    from skillreg.applications.forms import PublicityForm

    html = str(PublicityForm(initial={"version": 1, "starts_on": dt.date(2026, 12, 1)})["starts_on"])
    assert 'type="date"' in html and 'value="2026-12-01"' in html


def test_admin_add_user_page_has_no_english(client, sysadmin):
    sysadmin.is_superuser = True
    sysadmin.save()
    client.force_login(sysadmin)
    page = _text(client.get("/sysadmin/accounts/user/add/").content.decode())
    assert "After you" not in page and "Model name" not in page and "Change or view list link" not in page


def test_an_authority_phone_must_be_a_phone(client, sysadmin):
    from skillreg.accounts.admin import AuthorityAdminForm
    from skillreg.accounts.models import Authority

    authority = Authority.objects.get(code="hrss-500238")
    data = {f: getattr(authority, f) for f in ("code", "name", "kind", "address")}
    form = AuthorityAdminForm({**data, "region": authority.region_id, "phone": "abc"}, instance=authority)
    assert not form.is_valid() and "联系电话格式不正确" in str(form.errors["phone"])
    form = AuthorityAdminForm({**data, "region": authority.region_id, "phone": "023-51521234"}, instance=authority)
    assert form.is_valid(), form.errors


def test_the_register_page_states_the_password_rule(client):
    page = client.get(reverse("accounts:register")).content.decode()
    assert "大写字母、小写字母、数字和特殊字符" in page


def test_revoked_and_valid_certificates_have_different_badges():
    css = (ROOT / "static" / "css" / "skillreg.css").read_text(encoding="utf-8")
    red = next(line for line in css.splitlines() if ".status-refused" in line)
    green = next(line for line in css.splitlines() if ".status-filed" in line)
    assert ".status-revoked" in red and ".status-valid" in green


def test_management_rules_are_offered_as_rules_not_staff_roles():
    from skillreg.applications.forms import FactsForm

    form = FactsForm(prefix="facts")
    rules = dict(form.fields["management_rules"].choices)
    roles = dict(form.fields["staff_roles"].choices)
    assert rules["archive"] == "档案管理制度" and rules["exam_affairs"] == "考务管理制度"
    assert roles["archive"] == "档案管理人员"
    assert "代码" not in form.fields["management_rules"].label


def test_a_failed_list_check_names_the_missing_items_in_chinese(client, wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution)
    facts = dict(app.facts)
    facts["management_rules"] = ["administrative"]
    type(app).objects.filter(pk=app.pk).update(facts=facts)
    client.force_login(wuxi_institution)
    page = _text(client.get(reverse("apply:self_check", kwargs={"pid": app.public_id})).content.decode())
    assert "financial" not in page and "archive" not in page
    assert "财务管理制度" in page
