from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from skillreg.core.fields import EncryptedTextField


class AuthorityKind(models.TextChoices):
    HRSS = "hrss", "人力资源和社会保障部门"
    CENTER = "center", "职业技能鉴定指导中心"


class Authority(models.Model):
    """An HRSS authority (or the Chongqing centre acting by delegation, CQ-3) at one region."""

    code = models.SlugField("机关代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=AuthorityKind.choices, default=AuthorityKind.HRSS)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="authorities")
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=32, blank=True)

    class Meta:
        ordering = ["region__path", "kind"]
        verbose_name = verbose_name_plural = "备案机关"

    def __str__(self) -> str:
        return self.name

    @property
    def is_provincial(self) -> bool:
        return self.region.level == "province"


class Role(models.TextChoices):
    INSTITUTION = "institution", "机构用户"
    STAFF = "staff", "经办/审核人员"
    EXPERT = "expert", "评审专家"
    INSPECTOR = "inspector", "检查人员"
    ADMIN = "admin", "系统管理员"


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.INSTITUTION)
    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone = EncryptedTextField("手机号", blank=True, default="")
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="所属机关"
    )
    unit = models.ForeignKey(
        "institutions.ApplicantUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属单位",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="staff") | models.Q(authority__isnull=False),
                name="staff_has_authority",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="institution") | models.Q(unit__isnull=False) | models.Q(is_superuser=True),
                name="institution_user_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_institution(self) -> bool:
        return self.role == Role.INSTITUTION
