"""Filing applications (备案申请): the AH-att2 form as relational data, plus eligibility facts.

Status changes happen only in ``services`` through ``workflow.TRANSITIONS``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from skillreg.core.fields import BlindIndexField, EncryptedTextField
from skillreg.institutions.models import InstitutionKind


class ApplicationType(models.TextChoices):
    FILING = "filing", "备案"
    CHANGE = "change", "变更"
    RENEWAL = "renewal", "延续"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待受理"
    SUPPLEMENT_REQUESTED = "supplement_requested", "待补正"
    RESUBMITTED = "resubmitted", "已补正待受理"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    UNDER_EVALUATION = "under_evaluation", "技术评估中"
    PUBLICITY = "publicity", "公示中"
    FILED = "filed", "已备案"
    REFUSED = "refused", "不予备案"
    WITHDRAWN = "withdrawn", "已撤回"
    ABANDONED = "abandoned", "视为放弃"


TERMINAL_STATES = {State.NOT_ACCEPTED, State.FILED, State.REFUSED, State.WITHDRAWN, State.ABANDONED}


class Ownership(models.TextChoices):
    """Who owns an employer — decides the filing authority in Chongqing (CQ-6)."""

    CENTRAL = "central", "中央企业（在渝分支机构）"
    PROVINCIAL = "provincial", "省（市）属企业"
    LOCAL = "local", "区县属企业"
    PRIVATE = "private", "其他企业"


class CoverageArea(models.TextChoices):
    """Where a social_org evaluates — city-wide or within one county (CQ-6)."""

    PROVINCE_WIDE = "province_wide", "全省（市）范围"
    CITY_WIDE = "city_wide", "全市（州）范围"
    COUNTY = "county", "本区县范围"


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("申请编号", max_length=20, unique=True, null=True, blank=True)
    application_type = models.CharField(
        "申请类型", max_length=16, choices=ApplicationType.choices, default=ApplicationType.FILING
    )
    unit = models.ForeignKey(
        "institutions.ApplicantUnit", on_delete=models.PROTECT, related_name="applications", verbose_name="申报单位"
    )
    # The filing a change (变更) or renewal (延续) application is about; empty for a new filing.
    for_filing = models.ForeignKey(
        "institutions.Filing",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lifecycle_applications",
        verbose_name="所属备案",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=24, choices=State.choices, default=State.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every transition")

    # Routing
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="机构所在地区"
    )
    authority = models.ForeignKey(
        "accounts.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="当前办理机关",
    )
    route = models.JSONField("审核路径", default=list, help_text="[{authority, step, label, rule}]")
    route_step = models.PositiveSmallIntegerField(default=0)

    # What is applied for
    institution_kind = models.CharField("机构类别", max_length=16, choices=InstitutionKind.choices)
    evaluation_types = models.JSONField("评价类型", default=list)
    ownership = models.CharField("企业隶属", max_length=16, choices=Ownership.choices, blank=True)
    coverage_area = models.CharField("评价区域范围", max_length=16, choices=CoverageArea.choices, blank=True)

    # AH-att2 form
    applicant_name = models.CharField("申报单位名称", max_length=200)
    applicant_address = models.CharField("单位地址", max_length=200)
    institution_name = models.CharField("拟设评价机构名称", max_length=200)
    institution_address = models.CharField("机构地址", max_length=200)
    sponsor = models.CharField("举办单位", max_length=200, blank=True)
    legal_rep_name = models.CharField("法定代表人姓名", max_length=64)
    legal_rep_phone = EncryptedTextField("法定代表人联系电话", blank=True, default="")
    legal_rep_id_number = EncryptedTextField("法定代表人身份证号码", blank=True, default="")
    head_name = models.CharField("机构主要负责人姓名", max_length=64)
    head_phone = EncryptedTextField("主要负责人联系电话", blank=True, default="")
    head_id_number = EncryptedTextField("主要负责人身份证号码", blank=True, default="")
    # Exact search on the encrypted columns (HMAC-SM3 blind indexes, skillreg.core.fields).
    legal_rep_phone_bidx = BlindIndexField(source="legal_rep_phone", purpose="phone")
    legal_rep_id_number_bidx = BlindIndexField(source="legal_rep_id_number", purpose="id_number")
    head_phone_bidx = BlindIndexField(source="head_phone", purpose="phone")
    head_id_number_bidx = BlindIndexField(source="head_id_number", purpose="id_number")
    venue_description = models.TextField("场地情况", blank=True)
    coverage_region = models.CharField("鉴定范围：区域", max_length=200, blank=True)
    coverage_industry = models.CharField("鉴定范围：行业", max_length=200, blank=True)
    coverage_unit = models.CharField("鉴定范围：单位", max_length=200, blank=True)
    pledge_accepted = models.BooleanField("备案人承诺", default=False)

    # Eligibility facts (application-profile format, skillreg.policy.profile): structured, typed
    facts = models.JSONField("条件事实", default=dict, blank=True)

    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(
        null=True, blank=True, help_text="Date of receipt; the day a supplement completes counts as receipt (CQ-10)"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "备案申请"
        indexes = [
            models.Index(fields=["authority", "state"]),
            models.Index(fields=["region", "state"]),
            # The staff work list's order: its first pages walk this index instead of sorting every case in scope
            # (issue 16: staff pages with 100,000 cases). It carries the list's filter columns (PostgreSQL
            # INCLUDE; SQLite ignores it): a deep page's keys (core.paging's deferred join) are then read from
            # the index alone, without a heap fetch for each of the thousands of cases skipped.
            models.Index(
                fields=["submitted_at", "id"],
                include=["state", "region", "authority", "institution_kind"],
                name="application_worklist_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.institution_name}"


class Person(models.Model):
    """Examiners, managers, technicians and finance staff listed on the form."""

    class Role(models.TextChoices):
        EXAMINER = "examiner", "考评人员"
        SUPERVISOR = "supervisor", "内部质量督导员"
        EXPERT = "expert", "技术专家"
        MANAGER = "manager", "管理人员"
        TECHNICIAN = "technician", "技术人员"
        FINANCE = "finance", "财务人员"
        NETWORK = "network", "网络技术人员"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="people")
    role = models.CharField("类别", max_length=16, choices=Role.choices)
    name = models.CharField("姓名", max_length=64)
    phone = EncryptedTextField("联系电话", blank=True, default="")
    phone_bidx = BlindIndexField(source="phone", purpose="phone")
    occupation = models.ForeignKey(
        "occupations.Occupation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("考评等级", null=True, blank=True)
    certificate_code = models.CharField("考评/执业证书编码", max_length=64, blank=True)
    # An examiner's ID number identifies the person across institutions (one person, two filings: the
    # evaluation plans' double-booking check and anomaly list match its blind index, docs/decisions.md).
    id_number = EncryptedTextField("身份证号码", blank=True, default="")
    id_number_bidx = BlindIndexField(source="id_number", purpose="id_number")
    own_staff = models.BooleanField("本单位自有人员", default=True)
    full_time = models.BooleanField("专职", default=True)

    class Meta:
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Equipment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField("名称", max_length=100)
    brand = models.CharField("品牌", max_length=100, blank=True)
    model = models.CharField("规格/型号", max_length=100, blank=True)
    quantity = models.PositiveIntegerField("数量")
    ownership = models.CharField("所有权归属", max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ×{self.quantity}"


class ScopeLine(models.Model):
    """拟鉴定职业（工种）等级 / 专项职业能力考核项目 — one occupation with its levels."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scope")
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField("等级", default=list)
    evaluation_type = models.CharField("评价类型", max_length=16, default="skill_level")
    facts = models.JSONField("本职业条件事实", default=dict, blank=True)

    class Meta:
        ordering = ["occupation__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "occupation", "evaluation_type"], name="unique_scope_occupation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.levels}"


class MaterialKind(models.TextChoices):
    """Every kind of material any pack asks for: the six of CQ-8, the five of GZ-11 (renewal). Which ones an
    application needs is the governing pack's ``materials`` list (``applications.materials``)."""

    BASIC_INFO = "basic_info", "申请备案机构基本情况"
    WORK_PLAN = "work_plan", "职业技能等级认定工作方案"
    ASSETS = "assets", "场地设备设施等资产辅证材料"
    CREDIT_REPORT = "credit_report", "申请备案机构信用报告"
    EXPERIENCE = "experience", "培训评价经历材料"
    PLEDGE = "pledge", "申请备案材料真实性承诺书"
    RENEWAL_FORM = "renewal_form", "续期申请表"
    WORK_REPORT = "work_report", "有效期内认定工作开展情况报告"
    CONDITIONS_EVIDENCE = "conditions_evidence", "核心条件保持符合要求的佐证材料"
    PAY_LINKAGE_EVIDENCE = "pay_linkage_evidence", "证书使用与待遇挂钩的专项佐证材料"
    OTHER_SUPPLEMENT = "other_supplement", "其他补充材料"


class Material(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("材料类别", max_length=24, choices=MaterialKind.choices)
    original_name = models.CharField("原文件名", max_length=200)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class Event(models.Model):
    """Append-only history of an application: every transition with actor, time, reason and basis."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("accounts.Authority", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    basis = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class SupplementRequest(models.Model):
    """A notice to supplement (补正通知): every missing item at once (CQ-10)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_requests")
    items = models.JSONField("需补正的全部材料", default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField("补正说明", blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"补正通知 {self.requested_at:%Y-%m-%d}"


class Assessment(models.Model):
    """One technical-evaluation task (CQ-11): material check, expert review or on-site visit."""

    class Method(models.TextChoices):
        MATERIAL_CHECK = "material_check", "材料验核"
        EXPERT_REVIEW = "expert_review", "专家论证"
        SITE_VISIT = "site_visit", "现场考察"

    class Recommendation(models.TextChoices):
        APPROVE = "approve", "建议备案"
        REJECT = "reject", "建议不予备案"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assessments")
    method = models.CharField("评估方式", max_length=16, choices=Method.choices)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    opinion = models.TextField("评估意见", blank=True)
    recommendation = models.CharField("结论", max_length=16, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "method", "expert"], name="unique_assessment_task")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.expert_id}"


class Publicity(models.Model):
    """Public notice of a selected social_org before filing (CQ-11 第二款)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="publicity")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    text = models.TextField("公示内容")
    objections = models.TextField("异议情况", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"公示 {self.starts_on}–{self.ends_on}"


class Decision(models.Model):
    """A reasoned decision (acceptance refusal, filing or refusal), with the rule record it rests on."""

    class Outcome(models.TextChoices):
        NOT_ACCEPTED = "not_accepted", "不予受理"
        FORWARDED = "forwarded", "审核通过并报送上级"
        FILED = "filed", "予以备案"
        REFUSED = "refused", "不予备案"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reasons = models.TextField("理由")
    basis = models.TextField("依据")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    policy_record = models.JSONField("规则判定记录", null=True, blank=True)
    checklist = models.JSONField("人工核查清单", default=list, blank=True)

    class Meta:
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_at:%Y-%m-%d}"
