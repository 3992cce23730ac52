"""Supervision records (监督管理). For now only rectification (整改, CQ-30): enough for the certificate
registry's rule "no evaluation activity during rectification". Inspections, credit and complaints come later."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
