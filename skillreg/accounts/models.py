from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from skillreg.core.fields import BlindIndexField, EncryptedTextField


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
    # 外部质量督导员 (人社职司便函〔2020〕53号): sees only the evaluation plans it is sent to (issue 14)
    QUALITY_SUPERVISOR = "qsupervisor", "质量督导员"
    # 三员分立: the system, security and audit administrators are three different people.
    ADMIN = "admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


ADMIN_ROLES = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# 三员分立: the system administrator may neither create, change nor become one of these (issue 12, item 1).
SEPARATE_ADMIN_ROLES = (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.INSTITUTION)
    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone = EncryptedTextField("手机号", blank=True, default="")
    phone_bidx = BlindIndexField(source="phone", purpose="phone")
    password_changed_at = models.DateTimeField(
        "密码修改时间", null=True, blank=True, help_text="Stamped by PasswordHistoryValidator whenever it changes"
    )
    password_change_required = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="Set when an administrator sets or resets the password"
    )
    # Who reset this account's password / second factor and the owner has not yet replaced it; one person may
    # not hold both (two-person rule, issue 12 item 1). Cleared when the owner changes the password / enrols.
    password_reset_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    otp_reset_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
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
        from .scope import is_staff_member

        return is_staff_member(self)

    @property
    def is_institution(self) -> bool:
        from .scope import is_institution

        return is_institution(self)


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords (the current one included), so none of the last 5 is reused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
