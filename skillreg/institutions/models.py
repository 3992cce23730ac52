from __future__ import annotations

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
    ACTIVE = "active", "有效"
    RECTIFYING = "rectifying", "整改中"
    EXPIRED = "expired", "已过期"
    TERMINATED = "terminated", "已终止"
    CANCELLED = "cancelled", "已注销"


class Filing(models.Model):
    """A filed institution (备案). Created only by the filing decision; public in the directory."""

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
        indexes = [models.Index(fields=["status", "region"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_kind_display_label(self) -> str:
        return InstitutionKind(self.kind).label

    @property
    def evaluation_type_labels(self) -> list[str]:
        return [EvaluationType(t).label for t in self.evaluation_types]


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
