"""Periodic evaluation (定期评估, AH-4.2, HN-2) results per institution and year, and the Huainan yearly self-check
against the general conditions (HN 附件1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", "评分中"
    CONFIRMED = "confirmed", "已确认"


class Appraisal(models.Model):
    """One institution's periodic evaluation for one year, scored with the scheme version it keeps a copy of."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField("评估年度")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    scheme = models.JSONField("评估方案（评分时所用版本）")
    scheme_version = models.PositiveSmallIntegerField("评估方案版本")
    scores = models.JSONField("各项评分", default=dict)  # item code → {score, note, prefill: {score, note, source}}
    total = models.DecimalField("总分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("评估等次", max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "filing_id"]
        verbose_name = verbose_name_plural = "定期评估"
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="one_appraisal_per_filing_year")]

    def __str__(self) -> str:
        return f"{self.year}年度定期评估"


class AppraisalHistory(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class SelfCheck(models.Model):
    """The institution's yearly self-check against the general conditions (HN-2 对照附件1定期开展自查自纠)."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="self_checks")
    year = models.PositiveSmallIntegerField("自查年度")
    answers = models.JSONField("自查结果", default=dict)  # item code → {met: bool, note: str}
    remedy = models.TextField("补缺补差措施", blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "通用条件自查"
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="one_self_check_per_filing_year")]

    def __str__(self) -> str:
        return f"{self.year}年度自查"

    @property
    def unmet(self) -> int:
        return sum(1 for a in self.answers.values() if not a.get("met"))
