"""Evaluation plans (评价计划报备), their results and pass rosters (结果公示和报备), issue 14.

One plan is one evaluation of one occupation and level by one filed institution (the registry's former
"evaluation batch": the same rows, ids and numbers). The institution reports it before the evaluation, staff
acknowledge or return it, the institution publishes and files the results with the roster of passes, staff
accept or return them; the certificate registry accepts a plan's certificates only once its results are filed
and only for people on its roster (CQ-4 "谁评价，谁发证，谁负责", AH-att3 "评价计划报备情况", "结果公示和报备").
Its status is written only by ``evaluations.workflow.plan_transition``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from skillreg.core.fields import BlindIndexField, EncryptedTextField
from skillreg.institutions.models import EvaluationType
from skillreg.occupations.models import LEVEL_CHOICES, LEVEL_NAMES


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    REPORTED = "reported", "已报备待确认"
    RETURNED = "returned", "已退回"
    ACKNOWLEDGED = "acknowledged", "已确认"
    RESULTS_FILED = "results_filed", "结果已报备"
    RESULTS_RETURNED = "results_returned", "结果已退回"
    RESULTS_ACCEPTED = "results_accepted", "结果已确认"
    WITHDRAWN = "withdrawn", "已撤回"
    CLOSED = "closed", "已结束"


# Statuses in which the registry accepts the plan's certificates (results filed, or accepted by staff).
RESULTS_IN = (PlanStatus.RESULTS_FILED, PlanStatus.RESULTS_ACCEPTED, PlanStatus.CLOSED)
# Statuses of a plan that is going ahead (for the anomaly checks and the calendar).
ACTIVE = (
    PlanStatus.REPORTED,
    PlanStatus.ACKNOWLEDGED,
    PlanStatus.RESULTS_FILED,
    PlanStatus.RESULTS_RETURNED,
    PlanStatus.RESULTS_ACCEPTED,
    PlanStatus.CLOSED,
)


class EvaluationPlan(models.Model):
    """An evaluation plan (评价计划) of one occupation and level: when, where, who examines, who supervises,
    and afterwards its applicants, passes and roster (AH-att3, HN-att2)."""

    filing = models.ForeignKey(
        "institutions.Filing", on_delete=models.PROTECT, related_name="evaluation_plans", verbose_name="评价机构"
    )
    number = models.CharField("评价计划编号", max_length=40)
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    evaluation_type = models.CharField(
        "评价类型", max_length=16, choices=EvaluationType.choices, default=EvaluationType.SKILL_LEVEL
    )
    starts_on = models.DateField("评价开始日期")
    ends_on = models.DateField("评价结束日期")
    # Start and end times (Asia/Shanghai); empty on plans registered before plan reporting existed.
    starts_at = models.DateTimeField("评价开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("评价结束时间", null=True, blank=True)
    venue = models.CharField("评价场地", max_length=200, blank=True)
    expected_candidates = models.PositiveIntegerField("预计参评人数", null=True, blank=True)
    # [{"name", "certificate_code"}] from the filing version's examiners of that occupation and level
    examiners = models.JSONField("考评人员", default=list, blank=True)
    # [name] from the filing version's internal quality supervisors (内部质量督导员)
    supervisors = models.JSONField("内部质量督导员", default=list, blank=True)
    # WX-7.3: links to the venue video and the evaluation data system (the system keeps links, not video)
    video_link = models.URLField("视频监控链接", max_length=500, blank=True)
    data_link = models.URLField("考务数据系统链接", max_length=500, blank=True)
    links_note = models.TextField("接入说明", blank=True)
    links_evidence = models.CharField("接入证明文件", max_length=200, blank=True)  # storage name (core.uploads)
    links_evidence_name = models.CharField("接入证明文件名", max_length=200, blank=True)
    links_updated_at = models.DateTimeField("接入信息更新时间", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    reported_at = models.DateTimeField("报备时间", null=True, blank=True)
    reported_late = models.BooleanField("逾期报备", default=False)
    report_checks = models.JSONField("报备自动核验", default=list, blank=True)
    # Results (结果报备): null until filed (set directly on plans registered before plan reporting existed)
    applicants = models.PositiveIntegerField("报考人数", null=True, blank=True)
    passes = models.PositiveIntegerField("合格人数", null=True, blank=True)
    results_filed_at = models.DateTimeField("结果报备时间", null=True, blank=True)
    results_notice = models.ForeignKey(
        "supervision.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    roster_errors = models.CharField("名册错误清单", max_length=200, blank=True)  # storage name of the last one
    # False only on plans registered before results were filed with a roster (data migration): their
    # certificates are not matched person by person.
    roster_required = models.BooleanField("证书须与合格名册一致", default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-ends_on", "number"]
        verbose_name = verbose_name_plural = "评价计划"
        constraints = [
            models.UniqueConstraint(fields=["filing", "number"], name="unique_batch_number_per_filing"),
            models.CheckConstraint(condition=models.Q(passes__lte=models.F("applicants")), name="batch_passes_le"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="batch_level_1_5"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="batch_dates_order"),
        ]
        indexes = [
            models.Index(fields=["filing", "ends_on"], name="cert_batch_filing_ends"),
            models.Index(fields=["status", "starts_on"], name="eval_plan_status_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.occupation_id} {LEVEL_NAMES.get(self.level, self.level)}）"

    @property
    def level_label(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))

    @property
    def pass_rate(self) -> float | None:
        return self.passes / self.applicants if self.applicants and self.passes is not None else None

    @property
    def results_in(self) -> bool:
        return self.status in RESULTS_IN


class PlanStatusChange(models.Model):
    """Append-only history of a plan's status (written by ``workflow.plan_transition`` only)."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.PROTECT, related_name="status_changes")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=PlanStatus.choices)
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "评价计划状态记录"

    def __str__(self) -> str:
        return f"{self.plan_id} {self.from_status}→{self.to_status}"


class RosterEntry(models.Model):
    """One person on a plan's roster of passes (合格名单), filed with the results."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.PROTECT, related_name="roster")
    row = models.PositiveIntegerField("行号")
    holder_name = models.CharField("姓名", max_length=50)
    id_type = models.CharField("证件类型", max_length=16, default="resident_id")
    holder_id = EncryptedTextField("证件号码")
    holder_id_index = BlindIndexField("证件号码索引", source="holder_id", purpose="certificate.holder_id")
    holder_id_masked = models.CharField("证件号码（脱敏）", max_length=40)
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    certificate_number = models.CharField("证书编号", max_length=22, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["plan", "row"]
        verbose_name = verbose_name_plural = "合格名册"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "holder_id_index", "occupation", "level"], name="unique_roster_person_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.holder_id_masked}"
