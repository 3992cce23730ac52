"""The required materials are the governing pack's list for the application's type: CQ-8 for a Chongqing filing,
GZ-11 for a Guizhou renewal (issue 10); upload, the submit check and the supplement notice read that list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.applications.materials import materials_for, required_materials
from skillreg.applications.models import ApplicationType, Material
from skillreg.applications.services import material_upload
from skillreg.applications.services.drafts import missing_items
from skillreg.applications.services.lifecycle import lifecycle_draft_start
from skillreg.core import testing
from skillreg.core.errors import ValidationFailed
from skillreg.deadlines.tests.conftest import at, file_on

pytestmark = pytest.mark.django_db
D = dt.date
GZ11 = ["renewal_form", "work_report", "conditions_evidence", "pay_linkage_evidence", "other_supplement"]


@pytest.mark.req("CQ-8", "GZ-11")
def test_each_pack_lists_its_own_materials_per_application_type():
    cq = materials_for("500238", "filing", "social_org", D(2026, 11, 1))
    assert [m.value for m in cq.items] == ["basic_info", "work_plan", "assets", "credit_report", "experience", "pledge"]
    assert cq.basis == "渝人社发〔2020〕128号 第八条"
    gz_employer = materials_for("520100", "renewal", "employer", D(2026, 11, 1))
    assert [m.value for m in gz_employer.items] == GZ11 and "第十一条" in gz_employer.basis
    assert [m.value for m in gz_employer.required] == GZ11[:4]  # （五）其他材料：按要求提交
    gz_org = materials_for("520100", "renewal", "social_org", D(2026, 11, 1))
    assert "pay_linkage_evidence" not in gz_org.codes  # （四）用人单位需额外提交
    gz_filing = materials_for("520100", "filing", "social_org", D(2026, 11, 1))
    assert gz_filing.basis == "" and len(gz_filing.items) == 6  # the 细则 lists no filing materials: default list


@pytest.mark.req("GZ-11")
def test_a_guizhou_renewal_asks_the_gz11_materials_at_upload_submit_and_supplement(client, guizhou_officer):
    gz_institution = testing.make_institution_user("gz_mat_org", region_code="520100", seed=74)
    filing = file_on(gz_institution, guizhou_officer, D(2026, 1, 12), region_code="520100", kind="employer")
    with at(D(2026, 10, 15)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=gz_institution)
        assert [m.value for m in required_materials(app).items] == GZ11
        missing = {m["field"] for m in missing_items(app) if m["field"].startswith("material.")}
        assert missing == {f"material.{c}" for c in GZ11[:4]}
        with pytest.raises(ValidationFailed) as exc:  # a CQ-8 kind is not on this list
            material_upload(
                application=app, actor=gz_institution, kind="credit_report",
                fileobj=testing.upload(testing.PDF_BYTES, "x.pdf"), name="x.pdf",
            )  # fmt: skip
        assert exc.value.code == "MATERIAL_KIND_INVALID"
        client.force_login(gz_institution)
        page = client.get(reverse("apply:detail", args=[app.public_id])).content.decode()
        assert "《贵州省职业技能等级认定机构续期申请表》" in page and "第十一条" in page
        assert "申请备案机构信用报告" not in page
        with testing.upload(testing.PDF_BYTES, "续期申请表.pdf") as f:
            f.name = "续期申请表.pdf"
            r = client.post(reverse("apply:upload", args=[app.public_id]), {"kind": "renewal_form", "file": f})
        assert r.status_code == 302
        assert Material.objects.filter(application=app, kind="renewal_form").exists()
        missing = {m["field"] for m in missing_items(app) if m["field"].startswith("material.")}
        assert "material.renewal_form" not in missing and len(missing) == 3


@pytest.mark.req("CQ-8")
def test_a_chongqing_filing_still_asks_the_cq8_materials(wuxi_institution):
    app = testing.make_complete_draft(wuxi_institution, skip_materials=("pledge",))
    missing = [m["message"] for m in missing_items(app) if m["field"].startswith("material.")]
    assert missing == ["未上传材料：申请备案材料真实性承诺书"]
    with pytest.raises(ValidationFailed):
        material_upload(
            application=app, actor=wuxi_institution, kind="renewal_form",
            fileobj=testing.upload(testing.PDF_BYTES, "x.pdf"), name="x.pdf",
        )  # fmt: skip
