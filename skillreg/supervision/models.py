"""Supervision records (监督管理). For now only rectification (整改, CQ-30): enough for the certificate
registry's rule "no evaluation activity during rectification". Inspections, credit and complaints come later."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from skillreg.core.fields import EncryptedTextField


class StoredFile(models.Model):
    """A file kept by ``core.uploads`` and attached to a supervision record (evidence, attachments): the stored
    name, the name it came with, its type by content, size and SHA-256. One shape for every attachment row."""

    storage_name = models.CharField(max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Rectification(models.Model):
    """An order to rectify (责令整改) a filed institution, from ``ordered_on`` to ``ends_on``, both inclusive.

    ``ends_on`` is empty while the rectification is open; closing it sets the day the authority lifted
    it. During the period the institution may not carry out evaluation activity (CQ-30).
    """

    filing = models.ForeignKey(
        "institutions.Filing", on_delete=models.PROTECT, related_name="rectifications", verbose_name="评价机构"
    )
    ordered_on = models.DateField("责令整改日期")
    ends_on = models.DateField("整改结束日期", null=True, blank=True)
    reason = models.TextField("整改原因")
    requirement = models.CharField("依据", max_length=32, default="CQ-30")
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField("登记时间")
    closed_at = models.DateTimeField("结束登记时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.TextField("整改结论", blank=True)
    requirements = models.TextField("整改要求", blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True)
    answer = models.TextField("整改情况报告", blank=True)
    answered_at = models.DateTimeField("报告提交时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-ordered_on", "-id"]
        verbose_name = verbose_name_plural = "整改"
        constraints = [
            models.UniqueConstraint(
                fields=["filing"], condition=models.Q(closed_at__isnull=True), name="one_open_rectification_per_filing"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("ordered_on")),
                name="rectification_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.ends_on:%Y-%m-%d}" if self.ends_on else "至今"
        return f"整改 {self.ordered_on:%Y-%m-%d}–{end}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RectificationEvidence(StoredFile):
    """A file the institution hands in with its rectification answer (CQ-30), stored by core.uploads."""

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="evidence")
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = "整改佐证材料"


# ----------------------------------------------------------------------------- public notices (公示 / 公告)


class NoticeKind(models.TextChoices):
    PUBLICITY = "publicity", "公示"  # has a period in which the public may object
    ANNOUNCEMENT = "announcement", "公告"  # published for information


class NoticeTopic(models.TextChoices):
    SELECTION = "selection", "社会培训评价组织遴选"
    FILING = "filing", "备案结果"
    INSPECTION_PLAN = "inspection_plan", "双随机抽查计划"
    INSPECTION_RESULT = "inspection_result", "抽查结果"
    EXIT = "exit", "责令终止评价活动"
    CANCELLATION = "cancellation", "注销备案"
    CREDIT = "credit", "信用等级"
    EVALUATION_RESULT = "evaluation_result", "评价结果公示"
    OTHER = "other", "其他"


class Notice(models.Model):
    """One public notice any process can publish: a 公示 with an objection period, or a 公告 (CQ-11, CQ-12,
    CQ-25, CQ-30). Runs from ``starts_on`` to ``ends_on``, both inclusive."""

    kind = models.CharField("类别", max_length=16, choices=NoticeKind.choices)
    topic = models.CharField("事项", max_length=24, choices=NoticeTopic.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    legal_basis = models.CharField("依据", max_length=300)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    filing = models.ForeignKey(
        "institutions.Filing", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    # The filing application a CQ-11 selection 公示 belongs to (its objections are part of that decision).
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "公示公告"
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_period_valid")
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_objections_on(self, day: dt.date) -> bool:
        return self.kind == NoticeKind.PUBLICITY and self.starts_on <= day <= self.ends_on


class NoticeAttachment(StoredFile):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")


class ObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已受理，待答复"
    ANSWERED = "answered", "已答复"


class Objection(models.Model):
    """An objection (异议) to a 公示 lodged in its period, named or anonymous; tracked by number + query code."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    tracking_no = models.CharField("受理编号", max_length=20, unique=True)
    code_hash = models.CharField(max_length=64)  # SHA-256 of the query code; the code itself is shown once
    submission_key = models.CharField(max_length=64, unique=True)  # one form = one objection (double submit)
    name = models.CharField("姓名", max_length=64, blank=True)  # "" = anonymous
    contact = EncryptedTextField("联系方式", blank=True, default="")
    body = models.TextField("异议内容")
    submitted_at = models.DateTimeField("提交时间")
    status = models.CharField(max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.SUBMITTED)
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "异议"

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def anonymous(self) -> bool:
        return not self.name


# ----------------------------------------------------------------------------- 双随机、一公开 (CQ-25, AH-4.3)


class InspectorEntry(models.Model):
    """The register of inspectors (检查人员名录) of an authority: a user with the inspector role."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector_entries")
    number = models.CharField("人员编号", max_length=32)
    employer_uscc = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    active = models.BooleanField("在册", default=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "number"], name="inspector_number_unique"),
            models.UniqueConstraint(fields=["authority", "user"], name="inspector_once_per_authority"),
        ]

    def __str__(self) -> str:
        return self.number


class InspectorConflict(models.Model):
    """A declared conflict or prior relationship: the inspector is recused from this institution."""

    inspector = models.ForeignKey(InspectorEntry, on_delete=models.CASCADE, related_name="conflicts")
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("回避原因", max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspector", "filing"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.inspector_id} ↔ {self.filing_id}"


class PlanStatus(models.TextChoices):
    COMMITTED = "committed", "已公布计划（种子已承诺）"
    DRAWN = "drawn", "已抽取，结果已公布"


class InspectionPlan(models.Model):
    """A random-inspection plan. The seed's SHA-256 is published in the plan notice before the draw; the seed
    is revealed with the result, together with the register snapshot the draw used."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("计划名称", max_length=200)
    items = models.TextField("检查事项")
    inspect_on = models.DateField("名录基准日")
    institution_kind = models.CharField("机构类别", max_length=16, blank=True)  # population filter; "" = all
    sample_size = models.PositiveIntegerField("抽查数量", null=True, blank=True)
    ratio_permille = models.PositiveIntegerField("抽查比例（‰）", null=True, blank=True)
    per_target = models.PositiveIntegerField("每个对象检查人员数", default=2)
    seed_hash = models.CharField("随机种子 SHA-256", max_length=64)
    seed = EncryptedTextField("随机种子", blank=True, default="")  # sealed until the draw, then published
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.COMMITTED)
    registers = models.JSONField("抽取所用名录", default=dict)
    result = models.JSONField("抽取结果", default=dict)
    register_digest = models.CharField(max_length=64, blank=True)
    plan_notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    result_notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "抽查计划"

    def __str__(self) -> str:
        return self.title


class InspectionAssignment(models.Model):
    """A drawn target and one inspector sent to it (from the draw's result)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="assignments")
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(InspectorEntry, on_delete=models.PROTECT, related_name="assignments")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "filing", "inspector"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.filing_id}/{self.inspector_id}"


# ----------------------------------------------------------------------------- inspections (CQ-26, CQ-28)


class InspectionSource(models.TextChoices):
    RANDOM = "random", "双随机抽查"
    PROPOSED = "proposed", "有关部门建议检查"


class InspectionStatus(models.TextChoices):
    OPEN = "open", "检查中"
    CONCLUDED = "concluded", "已作出检查结论"


class Conclusion(models.TextChoices):
    COMPLIANT = "compliant", "未发现问题"
    RECTIFY = "rectify", "责令整改"
    SERIOUS = "serious", "情节严重，责令整改并报请处理"


class Inspection(models.Model):
    """One inspection of one institution by its lead inspector: the CQ-26 checklist, findings with evidence and
    a conclusion. From a draw (one per drawn target) or proposed by another department (CQ-28)."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="inspections")
    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(InspectorEntry, on_delete=models.PROTECT, related_name="inspections")
    source = models.CharField("来源", max_length=16, choices=InspectionSource.choices)
    proposed_by = models.CharField("建议部门", max_length=100, blank=True)
    proposal = models.TextField("建议检查事由", blank=True)
    status = models.CharField(max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    checklist = models.JSONField("检查项目", default=dict)  # item key → {"ok": bool, "note": str}
    findings = models.TextField("检查发现", blank=True)
    conclusion = models.CharField("检查结论", max_length=16, choices=Conclusion.choices, blank=True)
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    created_at = models.DateTimeField()
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "检查"

    def __str__(self) -> str:
        return f"检查 {self.filing_id}"


class InspectionEvidence(StoredFile):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="evidence")


# ----------------------------------------------------------------------------- complaints (CQ-27, AH-4.3, HN-3, WX-7.3)


class ComplaintCategory(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", "超范围评价"
    MISCONDUCT = "misconduct", "考务违纪、弄虚作假"
    FEES = "fees", "违规收费"
    CERTIFICATE = "certificate", "证书问题"
    OTHER = "other", "其他"


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", "已受理"
    ASSIGNED = "assigned", "办理中"
    ANSWERED = "answered", "已办结"


class ComplaintOutcome(models.TextChoices):
    VERIFIED = "verified", "经查属实"
    UNFOUNDED = "unfounded", "经查不属实"


class Complaint(models.Model):
    """A complaint or report (投诉举报) about a filed institution, routed to its filing authority ("谁备案，谁监管")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_no = models.CharField("受理编号", max_length=20, unique=True)
    code_hash = models.CharField(max_length=64)
    submission_key = models.CharField(max_length=64, unique=True)
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="complaints")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=16, choices=ComplaintCategory.choices)
    name = models.CharField("姓名", max_length=64, blank=True)
    contact = EncryptedTextField("联系方式", blank=True, default="")
    body = models.TextField("投诉举报内容")
    submitted_at = models.DateTimeField("提交时间")
    due_on = models.DateField("办理期限")
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.SUBMITTED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("办理结果", max_length=16, choices=ComplaintOutcome.choices, blank=True)
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rectification = models.ForeignKey(Rectification, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "投诉举报"
        indexes = [
            # The open complaints by handling deadline (the staff home and the list of open complaints).
            models.Index(
                fields=["due_on", "submitted_at", "id"],
                condition=~models.Q(status="answered"),
                name="complaint_open_due",
            ),
            models.Index(fields=["-submitted_at", "-id"], name="complaint_list_order"),
        ]

    def __str__(self) -> str:
        return self.tracking_no


class ComplaintAttachment(StoredFile):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")


# ----------------------------------------------------------------------------- credit (CQ-29; GZ-7)


class CreditKind(models.TextChoices):
    INSPECTION_COMPLIANT = "inspection_compliant", "监督检查未发现问题"
    INSPECTION_RECTIFY = "inspection_rectify", "监督检查责令整改"
    INSPECTION_SERIOUS = "inspection_serious", "监督检查发现严重问题"
    COMPLAINT_VERIFIED = "complaint_verified", "投诉举报经查属实"
    RECTIFICATION_CLOSED = "rectification_closed", "整改复查合格"
    RECTIFICATION_FAILED = "rectification_failed", "整改不合格，注销备案"
    REPORT_LATE = "report_late", "年度工作总结逾期报送"
    REPORT_MISSING = "report_missing", "年度工作总结逾期未报送"


class CreditEvent(models.Model):
    """The append-only credit ledger: one row per fact, written by the service that established it."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="credit_events")
    kind = models.CharField("事项", max_length=32, choices=CreditKind.choices)
    occurred_on = models.DateField("发生日期")
    basis = models.CharField("依据", max_length=300)
    note = models.CharField("说明", max_length=300, blank=True)
    source_type = models.CharField(max_length=32)
    source_id = models.PositiveBigIntegerField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "source_type", "source_id"], name="credit_event_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class CreditGrade(models.Model):
    """A published grade (动态评估结果) of one institution as of a day, with the factors it rests on."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="credit_grades")
    as_of = models.DateField("评估基准日")
    points = models.IntegerField("得分")
    grade = models.CharField("等级", max_length=8)
    factors = models.JSONField("评估因素", default=list)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [models.UniqueConstraint(fields=["filing", "as_of"], name="one_grade_per_day")]

    def __str__(self) -> str:
        return f"{self.grade} {self.as_of}"


# ----------------------------------------------------------------------------- rating the service (好差评)


class RatingGrade(models.IntegerChoices):
    """The five grades of the national 政务服务“好差评” scheme (国办发〔2019〕51号), best first."""

    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASICALLY_SATISFIED = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


POOR_GRADES = frozenset({RatingGrade.DISSATISFIED, RatingGrade.VERY_DISSATISFIED})


class ServiceRating(models.Model):
    """The applicant's rating (好差评) of how one ended case was handled: once per case ("一事一评")."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="service_rating", verbose_name="办件"
    )
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField("评价等级", choices=RatingGrade.choices)
    comment = models.TextField("评价意见", blank=True)
    rated_at = models.DateTimeField("评价时间")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = verbose_name_plural = "好差评"

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.application_id}"

    @property
    def is_poor(self) -> bool:
        return self.grade in POOR_GRADES


class FollowUpStatus(models.TextChoices):
    # Values distinct from every other status of the project: audit pages label a value by the value alone.
    OPEN = "awaiting_visit", "待回访核实"
    RECTIFYING = "in_rectification", "已回访，整改中"
    CLOSED = "fed_back", "已整改并反馈"


class RatingFollowUp(models.Model):
    """The follow-up of a poor rating (差评): a return visit to verify (回访核实), rectification (整改) and the
    feedback to the rater, by ``due_on``. ``services.ratings.followup_transition`` is the only writer of
    ``status``."""

    rating = models.OneToOneField(ServiceRating, on_delete=models.PROTECT, related_name="follow_up")
    status = models.CharField("状态", max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    due_on = models.DateField("整改反馈期限")
    visit_note = models.TextField("回访核实情况", blank=True)
    resolution = models.TextField("整改情况及反馈", blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "差评整改回访"

    def __str__(self) -> str:
        return f"差评回访 {self.rating_id}"

    def overdue_on(self, day: dt.date) -> bool:
        return self.status != FollowUpStatus.CLOSED and day > self.due_on


class RatingFollowUpEvent(models.Model):
    """History of a follow-up: one row per status change, written with it."""

    follow_up = models.ForeignKey(RatingFollowUp, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=FollowUpStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.to_status}"
