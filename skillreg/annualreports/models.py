"""Annual reports (年度工作总结, AH-4.2 / HN-2, templates AH-att3 and HN-att2).

One ``AnnualReport`` per filed institution and report year holds the draft being edited (``content``); every
submission is frozen as an ``AnnualReportVersion`` (staff read what was sent, not the draft that followed it);
``AnnualReportChange`` is the status history. ``status`` is written only by ``services._transition``.
``ReportMiss`` is the one fact "the report of year Y was not in by its due day" (late or missing) — the source of
the credit-ledger event, so the ledger records it once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送，待审阅"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "已接收"


class AnnualReport(models.Model):
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="annual_reports")
    unit = models.ForeignKey("institutions.ApplicantUnit", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("报告年度")
    status = models.CharField("状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    content = models.JSONField("内容", default=dict)
    due_on = models.DateField("报送截止日期", null=True, blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "filing__code"]
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="one_annual_report_per_year")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.year}年度工作总结"


class AnnualReportVersion(models.Model):
    """What the institution sent on one submission (第 n 次报送), never changed afterwards."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("报送次数")
    content = models.JSONField("内容")
    registry = models.JSONField("证书登记数据（预填）", default=dict)
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_report_version_number")]

    def __str__(self) -> str:
        return f"第{self.number}次报送"


class AnnualReportChange(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=ReportStatus.choices)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at}"


class MissKind(models.TextChoices):
    LATE = "late", "逾期报送"
    MISSING = "missing", "逾期未报送"


class ReportMiss(models.Model):
    """The report of ``year`` was not in by ``due_on``: recorded once per filing and year (credit source)."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("报告年度")
    due_on = models.DateField("报送截止日期")
    kind = models.CharField("情形", max_length=8, choices=MissKind.choices)
    days_late = models.PositiveIntegerField("逾期天数", null=True, blank=True)
    basis = models.CharField("依据", max_length=300)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="one_report_miss_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"
