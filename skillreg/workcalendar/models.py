"""Imported holiday years (国务院放假安排) that override or extend the chinesecalendar library.

Written only by ``services.holiday_year_import``; read through ``selectors.get_calendar``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HolidayYear(models.Model):
    """One year's arrangement as imported by an admin, with the notice it comes from."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    notice_number = models.CharField("通知文号", max_length=100)
    notice_date = models.DateField("通知日期")
    imported_at = models.DateTimeField("导入时间")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("year",)
        verbose_name = "放假安排年度"
        verbose_name_plural = "放假安排年度"

    def __str__(self) -> str:
        return f"{self.year}（{self.notice_number}）"


class HolidayDay(models.Model):
    """A day that differs from Monday–Friday: a day off, or an adjusted working day (调休上班)."""

    class Kind(models.TextChoices):
        OFF = "off", "放假"
        WORK = "work", "调休上班"

    year = models.ForeignKey(HolidayYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)

    class Meta:
        ordering = ("date",)
        verbose_name = "放假安排日期"
        verbose_name_plural = "放假安排日期"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=("off", "work")),
                name="workcalendar_day_kind_valid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
