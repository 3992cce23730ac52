"""The audit viewer speaks Chinese: roles, actions, objects and fields by label, never by code (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from skillreg.audit.labels import action_label, changes_text, object_label
from skillreg.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_codes_become_labels():
    assert action_label("auth.otp_verify") == "动态口令验证"
    assert action_label("application.submit") == "提交申请"
    assert action_label("something.new") == "其他操作"
    assert object_label("accounts.user", "31") == "用户 31"
    coded = changes_text({"kind": "credit_report", "mode": "valid_only"})
    assert coded == "类别：申请备案机构信用报告；导入方式：仅导入正确的行"
    assert changes_text({"state": "submitted"}) == "状态：已提交待受理"
    assert (
        changes_text({"fields": ["applicant_name"], "pii_changed": []}) == "修改的栏目：申报单位名称；修改的个人信息：—"
    )


def test_the_viewer_page_shows_no_internal_code(client, audit_admin, wuxi_institution):
    with transaction.atomic():
        audit_record(actor=wuxi_institution, action="auth.otp_verify", obj=wuxi_institution, summary="动态口令验证")
        audit_record(
            actor=wuxi_institution,
            action="application.submit",
            obj=wuxi_institution,
            summary="提交",
            before={"state": "draft"},
            after={"state": "submitted", "missing_materials": []},
        )
    client.force_login(audit_admin)
    html = client.get(reverse("audit:search")).content.decode()
    table = html[html.index('id="audit-records"') :]
    text = re.sub(r"<[^>]+>", " ", table)
    for code in ("auth.otp_verify", "accounts.user", "'state'", "submitted", "institution", "missing_materials"):
        assert code not in text, code
    for label in ("动态口令验证", "用户", "状态：已提交", "机构用户", "提交申请"):
        assert label in text, label


# Values shown as they are: login names, digests (files, draw seeds and registers), filing and batch numbers.
_VERBATIM_KEYS = {
    "username",
    "expert",
    "sha256",
    "seed_hash",
    "register_digest",
    "fingerprint",
    "files",
    "code",
    "number",
    "uscc",
    "name",
    "original_name",
}


@pytest.mark.django_db
def test_every_record_the_demo_writes_reads_in_chinese():
    """The viewer names every action, field and coded value of every record the whole demo writes (filing,
    change, renewal, exit, certificates, imports) — the lifecycle's records showed "kind: voluntary"."""
    import re

    from skillreg.applications.demo import load_demo
    from skillreg.audit import labels
    from skillreg.audit.models import AuditRecord

    load_demo()
    problems = set()
    for r in AuditRecord.objects.all():
        if labels.action_label(r.action) == "其他操作":
            problems.add(f"action {r.action}")
        for data in (r.before, r.after):
            for key, value in (data or {}).items() if isinstance(data, dict) else ():
                if labels.field_label(key) == "其他":
                    problems.add(f"field {key} ({r.action})")
                if key in _VERBATIM_KEYS:
                    continue
                for word in re.findall(r"[A-Za-z_]{3,}", labels.value_text(key, value)):
                    problems.add(f"value {key}={word} ({r.action})")
    assert not problems, sorted(problems)
