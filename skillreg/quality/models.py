"""Quality supervision of evaluations (质量督导, issue 14 part 2; 人社职司便函〔2020〕53号《技能人才评价质量督导
工作规程（试行）》): the authority's register of external supervisors (外部质量督导员), the reproducible draw that
sends them to an evaluation plan, and the report each files from the site.

Internal supervisors (内部质量督导员) are not stored here: they are the filing version's people in the supervisor
role (``institutions.selectors.filing_on``), see ``selectors.internal_supervisors``."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from skillreg.core.fields import BlindIndexField, EncryptedTextField


class SupervisorStatus(models.TextChoices):
    ACTIVE = "appointed", "在聘"
    SUSPENDED = "suspended", "暂停选派"
    DISMISSED = "dismissed", "已解聘"


class ExternalSupervisor(models.Model):
    """One person on an authority's register of external quality supervisors (selected, trained, appointed for a
    term, for some occupations and/or regions). ``status`` is written only by ``services.register``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("督导员编号", max_length=32)
    name = models.CharField("姓名", max_length=64)
    id_number = EncryptedTextField("身份证号码")
    id_number_bidx = BlindIndexField(source="id_number", purpose="id_number")
    phone = EncryptedTextField("手机号", blank=True, default="")
    unit_name = models.CharField("工作单位", max_length=200)
    unit_uscc = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    selected_on = models.DateField("遴选日期")
    selection_basis = models.CharField("遴选依据", max_length=300)
    term_from = models.DateField("聘期起")
    term_to = models.DateField("聘期止")
    occupations = models.ManyToManyField("occupations.Occupation", blank=True, related_name="+")
    regions = models.ManyToManyField("regions.Region", blank=True, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_supervisor",
        verbose_name="登录账号",
    )
    status = models.CharField("状态", max_length=16, choices=SupervisorStatus.choices, default=SupervisorStatus.ACTIVE)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        verbose_name = verbose_name_plural = "外部质量督导员"
        constraints = [
            models.UniqueConstraint(fields=["authority", "number"], name="quality_supervisor_number_unique"),
            models.UniqueConstraint(fields=["authority", "id_number_bidx"], name="quality_supervisor_person_once"),
            models.CheckConstraint(condition=models.Q(term_to__gte=models.F("term_from")), name="quality_term_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def in_term_on(self, day: dt.date) -> bool:
        return self.term_from <= day <= self.term_to


class SupervisorStatusChange(models.Model):
    supervisor = models.ForeignKey(ExternalSupervisor, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=SupervisorStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=SupervisorStatus.choices)
    reason = models.CharField("原因", max_length=300)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.supervisor_id} → {self.to_status}"


class SupervisorTraining(models.Model):
    """A training the supervisor took (督导员培训): day, content, hours, certificate."""

    supervisor = models.ForeignKey(ExternalSupervisor, on_delete=models.PROTECT, related_name="trainings")
    trained_on = models.DateField("培训日期")
    title = models.CharField("培训内容", max_length=200)
    hours = models.PositiveSmallIntegerField("学时")
    certificate_no = models.CharField("培训证书编号", max_length=64, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-trained_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ConflictKind(models.TextChoices):
    INTEREST = "interest", "利害关系"
    PRIOR = "prior", "曾在该机构任职或有业务往来"
    OTHER = "other", "其他可能影响公正的情形"


class SupervisorConflict(models.Model):
    """A declared conflict with a filed institution: the supervisor is never sent to its plans. Working for the
    institution's own unit (same USCC) is a conflict without declaring it (``draw.recused``)."""

    supervisor = models.ForeignKey(ExternalSupervisor, on_delete=models.PROTECT, related_name="conflicts")
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("回避事由", max_length=16, choices=ConflictKind.choices)
    reason = models.CharField("说明", max_length=300)
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["supervisor", "filing"], name="quality_conflict_once")]

    def __str__(self) -> str:
        return f"{self.supervisor_id} ↔ {self.filing_id}"


# ----------------------------------------------------------------------------- sending supervisors to a plan


class SupervisorDraw(models.Model):
    """One reproducible draw of external supervisors for one evaluation plan (like the inspection draw,
    ``supervision.draw``): the seed's SHA-256 is fixed (``committed_at``) before the draw; the draw stores the
    register snapshot, the plan's parameters, the result and reveals the seed. A supplementary draw (after a
    recusal) is another row with its own seed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("evaluations.EvaluationPlan", on_delete=models.PROTECT, related_name="supervisor_draws")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField("选派人数", default=1)
    seed_hash = models.CharField("随机种子 SHA-256", max_length=64)
    seed = EncryptedTextField("随机种子", blank=True, default="")  # sealed until the draw, then shown
    committed_at = models.DateTimeField()
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(null=True, blank=True)
    engagement = models.JSONField("选派参数", default=dict)
    register = models.JSONField("选派所用名录", default=list)
    result = models.JSONField("选派结果", default=dict)
    register_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-committed_at", "-id"]
        verbose_name = verbose_name_plural = "督导员选派"

    def __str__(self) -> str:
        return f"{self.plan_id} 选派 {self.pk}"

    @property
    def drawn(self) -> bool:
        return self.drawn_at is not None


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "已选派，待督导"
    REPORTED = "report_filed", "已提交督导报告"
    RECUSED = "recused", "已回避"


class SupervisorAssignment(models.Model):
    """An external supervisor sent to a plan. ``status`` is written only by ``services.assignments``."""

    draw = models.ForeignKey(
        SupervisorDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )  # None: designated by hand
    plan = models.ForeignKey("evaluations.EvaluationPlan", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(ExternalSupervisor, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        "状态", max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_at = models.DateTimeField()
    recusal_reason = models.CharField("回避原因", max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = verbose_name_plural = "督导员选派记录"
        constraints = [models.UniqueConstraint(fields=["plan", "supervisor"], name="quality_assignment_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.supervisor_id}"


class Verdict(models.TextChoices):
    COMPLIANT = "compliant", "评价活动规范"
    MINOR = "minor", "基本规范，存在问题须改进"
    SERIOUS = "serious", "存在严重问题"


class QualityReport(models.Model):
    """The supervisor's report from the site (督导报告): one per assignment."""

    assignment = models.OneToOneField(SupervisorAssignment, on_delete=models.PROTECT, related_name="report")
    onsite_record = models.TextField("现场督导记录")
    verdict = models.CharField("督导结论", max_length=16, choices=Verdict.choices)
    filed_at = models.DateTimeField("提交时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = verbose_name_plural = "督导报告"

    def __str__(self) -> str:
        return f"督导报告 {self.pk}"


class ReportProblem(models.Model):
    """One problem found; staff may open a rectification (supervision.Rectification, CQ-30) from it."""

    report = models.ForeignKey(QualityReport, on_delete=models.PROTECT, related_name="problems")
    seq = models.PositiveSmallIntegerField("序号")
    description = models.CharField("问题", max_length=500)
    rectification = models.ForeignKey(
        "supervision.Rectification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["report", "seq"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="quality_problem_seq")]

    def __str__(self) -> str:
        return self.description[:40]


class ReportPhoto(models.Model):
    """A photo taken on site, stored by core.uploads (content-checked, size-limited)."""

    report = models.ForeignKey(QualityReport, on_delete=models.PROTECT, related_name="photos")
    storage_name = models.CharField(max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
