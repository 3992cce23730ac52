"""The statutory clock's own records: outcomes held for a human, filing exits, and the deadline index.

Deadlines are derived from case events (so a sweep that runs late or twice changes nothing twice): the
sweep and every outcome service compute them live. What is stored is what a person or the law did, and
``CaseDeadline``, an index of the running deadlines kept for reading many cases at once (the staff
dashboard of a province), which is derived data: ``deadlines.index`` is its only writer and can rebuild it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Confirmation(models.Model):
    """An automatic outcome held back because its deadline is provisional (a year without confirmed
    holiday data). Staff confirm it (the outcome happens) or dismiss it with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "待确认"
        CONFIRMED = "confirmed", "已确认执行"
        DISMISSED = "dismissed", "已驳回"
        SUPERSEDED = "superseded", "已失效"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="clock_confirmations"
    )
    clock = models.CharField("期限", max_length=40, help_text="Pack time-limit id, e.g. acceptance_decision")
    action = models.CharField("自动结果", max_length=32, help_text="Workflow action, e.g. deem_accepted")
    requirement = models.CharField("规则", max_length=32)
    label = models.CharField("期限名称", max_length=200)
    started_on = models.DateField("起算日")
    due_on = models.DateField("暂定届满日")
    provisional_years = models.JSONField("无确认放假安排的年度", default=list)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "期限届满待确认"
        constraints = [
            # One per clock instance: a sweep that runs twice (or two at once) queues it once.
            models.UniqueConstraint(fields=["application", "clock", "started_on"], name="unique_clock_confirmation")
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.due_on:%Y-%m-%d}）"


class FilingExit(models.Model):
    """A filed institution leaving (GZ-13 voluntary, GZ-14 automatic on expiry without renewal, GZ-15
    ordered). Written only by ``institutions.exits``, together with the lifecycle transition."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", "自动终止"
        VOLUNTARY = "voluntary", "自愿终止"
        ORDERED = "ordered", "责令终止"

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="exits")
    kind = models.CharField("退出类型", max_length=16, choices=Kind.choices)
    requirement = models.CharField("规则", max_length=32)
    reason = models.TextField("原因")
    notice_on = models.DateField("书面申请日", null=True, blank=True)
    terminates_on = models.DateField("评价资格终止日", help_text="Last day of evaluation activity")
    wrapup_due_on = models.DateField("收尾工作期限", null=True, blank=True)
    wrapup_provisional = models.BooleanField("收尾期限为暂定", default=False)
    wrapup_rule = models.CharField("收尾期限规则", max_length=32, blank=True)
    wrapup_completed_at = models.DateTimeField("收尾完成时间", null=True, blank=True)
    wrapup_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archives_note = models.TextField("资料整理归档情况", blank=True)
    announcement = models.TextField("公告内容", blank=True)
    notice_number = models.CharField("终止评价活动通知书编号", max_length=40, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-terminates_on", "id"]
        verbose_name = verbose_name_plural = "评价机构退出"
        constraints = [models.UniqueConstraint(fields=["filing", "kind"], name="unique_filing_exit_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.filing_id}"


class CaseDeadline(models.Model):
    """One running deadline of one open case: the case's running clocks that end on the same day, merged (a row
    of the staff dashboard). Derived, never the source (issue 16): ``deadlines.index`` writes a case's rows in
    the transaction of each of its transitions (``applications.services.transition``) and supplement requests;
    the sweep compares the index with the live clocks on every run and rewrites any case that differs; and
    ``DeadlineIndex`` records the packs and calendar it was computed with, so a change of either rebuilds it."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    # The case's region and current authority when the row was written (each transition rewrites it): the
    # dashboard's scope and tally read this table alone.
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey("accounts.Authority", null=True, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField("届满日")
    started_on = models.DateField("起算日")
    clocks = models.CharField("期限", max_length=400, help_text="Pack time-limit ids, sorted, comma-separated")
    provisional = models.BooleanField("暂定", default=False)
    outcome_pending = models.BooleanField("届满自动处理", default=False)
    earliest = models.BooleanField("本案最早届满", default=False, help_text="The case's earliest due day")

    class Meta:
        verbose_name = verbose_name_plural = "在办案件期限索引"
        constraints = [models.UniqueConstraint(fields=["application", "due_on"], name="unique_case_deadline_day")]
        # Each list is its earliest rows in scope: walked in due order within a district's few regions, or in due
        # order filtering the region where the scope is most of the province (the planner picks by statistics).
        indexes = [
            models.Index(fields=["region", "due_on", "application"], name="case_deadline_region_due"),
            models.Index(fields=["due_on", "application"], name="case_deadline_due"),
            models.Index(
                fields=["due_on", "application"], condition=models.Q(provisional=True), name="case_deadline_prov"
            ),
            models.Index(
                fields=["region", "due_on", "application"],
                condition=models.Q(provisional=True),
                name="case_deadline_region_prov",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.due_on:%Y-%m-%d}"


class DeadlineIndex(models.Model):
    """The one row saying what ``CaseDeadline`` was last rebuilt with: a digest of the packs' files, the
    calendar in force (imported years, chinesecalendar's version, the roll-forward setting) and the index's
    format. When the digest of what is in force differs, the index is rebuilt before it is read."""

    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    cases = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "期限索引状态"

    def __str__(self) -> str:
        return self.fingerprint[:12] or "—"
