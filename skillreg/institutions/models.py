from __future__ import annotations

from django.conf import settings
from django.db import models

from skillreg.occupations.models import LEVEL_NAMES


class InstitutionKind(models.TextChoices):
    EMPLOYER = "employer", "用人单位"
    SCHOOL = "school", "院校"
    SOCIAL_ORG = "social_org", "社会培训评价组织"


class EvaluationType(models.TextChoices):
    SKILL_LEVEL = "skill_level", "职业技能等级认定"
    QUALIFICATION = "qualification", "职业资格评价"
    SPECIAL_ABILITY = "special_ability", "专项职业能力考核"


class ApplicantUnit(models.Model):
    """The registered legal person (申报单位) whose users apply. USCC checked with python-stdnum."""

    name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在地区")
    address = models.CharField("单位地址", max_length=200)
    contact_name = models.CharField("联系人", max_length=64)
    contact_phone = models.CharField("联系电话（脱敏）", max_length=32, blank=True)
    created_at = models.DateTimeField("注册时间")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "申报单位"

    def __str__(self) -> str:
        return self.name


class FilingStatus(models.TextChoices):
    """States of a filed institution; the table of allowed moves is ``institutions.lifecycle``."""

    ACTIVE = "active", "有效"
    EXPIRING = "expiring", "有效（临近届满，可申请延续）"
    RENEWAL_PENDING = "renewal_pending", "延续申请办理中"
    RECTIFYING = "rectifying", "整改中"
    WRAP_UP = "wrap_up", "评价资格已终止（收尾中）"
    TERMINATED = "terminated", "已终止"
    CANCELLED = "cancelled", "已注销"


class Filing(models.Model):
    """A filed institution (备案): its identity (unit, stable code, supervising authority, region).

    Its content lives in dated ``FilingVersion`` rows; the name … valid_to columns and ``FilingScope`` are
    a denormalised copy of the *current* version, written only by ``institutions.versions``. Anything
    that asks "what held on day D" uses ``institutions.selectors.filing_on``. ``status`` is written only
    by ``institutions.status.filing_transition`` (the lifecycle state machine).
    """

    unit = models.ForeignKey(ApplicantUnit, on_delete=models.PROTECT, related_name="filings", verbose_name="申报单位")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="filing", verbose_name="备案申请"
    )
    code = models.CharField("备案编码", max_length=13, unique=True)
    name = models.CharField("评价机构名称", max_length=200)
    kind = models.CharField("机构类别", max_length=16, choices=InstitutionKind.choices)
    evaluation_types = models.JSONField("评价类型", default=list)
    address = models.CharField("机构地址", max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所在地区")
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="filings", verbose_name="备案机关"
    )
    coverage = models.CharField("评价范围（区域、行业、单位）", max_length=300, blank=True)
    filed_on = models.DateField("备案日期")
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    status = models.CharField("状态", max_length=16, choices=FilingStatus.choices, default=FilingStatus.ACTIVE)
    copied_to_province = models.BooleanField("已抄报省厅", default=False)

    class Meta:
        ordering = ["-filed_on", "code"]
        verbose_name = verbose_name_plural = "备案机构"
        indexes = [
            models.Index(fields=["status", "region"]),
            models.Index(fields=["name"]),
            # The public directory's order (issue 16): a page is an index walk, not a sort of every filing.
            models.Index(fields=["-filed_on", "code"], name="filing_directory_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_kind_display_label(self) -> str:
        return InstitutionKind(self.kind).label

    @property
    def evaluation_type_labels(self) -> list[str]:
        return [EvaluationType(t).label for t in self.evaluation_types]

    @property
    def shown(self) -> Filing | FilingVersion:
        """What the public directory shows: the version in force on the day the public selectors loaded
        it (their ``in_force_versions`` prefetch); these denormalised columns (the latest version) otherwise."""
        in_force = getattr(self, "in_force_versions", None)
        return in_force[0] if in_force else self


class FilingScope(models.Model):
    """One filed occupation with its levels (备案范围)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="scope")
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField("等级", default=list)

    class Meta:
        ordering = ["occupation__code"]
        constraints = [models.UniqueConstraint(fields=["filing", "occupation"], name="unique_filing_occupation")]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.levels}"

    @property
    def level_labels(self) -> list[str]:
        return [LEVEL_NAMES[lv] for lv in sorted(self.levels, reverse=True)]


class FilingVersion(models.Model):
    """One version of a filing's content, in force from ``effective_from`` to ``effective_to`` (both
    inclusive; empty = open). Versions of one filing never overlap (DB exclusion constraint on
    PostgreSQL, a locked check in ``institutions.versions`` on both databases)."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="versions", verbose_name="备案机构")
    number = models.PositiveIntegerField("版本号")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    name = models.CharField("评价机构名称", max_length=200)
    address = models.CharField("机构地址", max_length=200)
    kind = models.CharField("机构类别", max_length=16, choices=InstitutionKind.choices)
    evaluation_types = models.JSONField("评价类型", default=list)
    coverage = models.CharField("评价范围（区域、行业、单位）", max_length=300, blank=True)
    people = models.JSONField(
        "人员", default=dict, help_text="{legal_rep, head, examiners:[{name, occupation, level, certificate_code}], …}"
    )
    venues = models.TextField("场地情况", blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "applications.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_kind = models.CharField("产生方式", max_length=16, default="filing")  # filing | change | renewal
    summary = models.CharField("变更内容", max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["filing", "number"]
        verbose_name = verbose_name_plural = "备案版本"
        constraints = [
            models.UniqueConstraint(fields=["filing", "number"], name="unique_filing_version_number"),
            models.UniqueConstraint(
                fields=["filing"], condition=models.Q(effective_to__isnull=True), name="one_open_filing_version"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                name="filing_version_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filing_id} v{self.number}"

    @property
    def evaluation_type_labels(self) -> list[str]:
        return [EvaluationType(t).label for t in self.evaluation_types]


class FilingVersionScope(models.Model):
    """One filed occupation with its levels, as it stood in one version."""

    version = models.ForeignKey(FilingVersion, on_delete=models.PROTECT, related_name="scope")
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField("等级", default=list)

    class Meta:
        ordering = ["occupation__code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "occupation"], name="unique_version_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.levels}"

    @property
    def level_labels(self) -> list[str]:
        return [LEVEL_NAMES[lv] for lv in sorted(self.levels, reverse=True)]


class FilingStatusChange(models.Model):
    """Append-only history of a filing's status: one row per transition of the lifecycle."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="status_changes")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=FilingStatus.choices)
    effective_on = models.DateField("生效日期")
    at = models.DateTimeField("登记时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("原因", blank=True)
    rule = models.CharField("依据", max_length=32, blank=True)
    basis = models.TextField("依据条文", blank=True)
    source = models.CharField("来源", max_length=64, blank=True, help_text="sweep | staff | application:<number> | …")

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = verbose_name_plural = "备案状态变化"
        indexes = [models.Index(fields=["filing", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.from_status}→{self.to_status} {self.effective_on}"

    @property
    def action_label(self) -> str:
        from .lifecycle import TRANSITIONS

        t = TRANSITIONS.get(self.action)
        return t.label if t else {"file": "予以备案"}.get(self.action, self.action)
