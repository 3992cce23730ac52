"""Issue 5: 三员分立 roles, row-bound encryption (public_id), blind index, password age and history."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import skillreg.core.fields


def fill_public_ids(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk in User.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(public_id=uuid.uuid4())


def fill_security_fields(apps, schema_editor):
    """Existing passwords count as changed now (their age is unknown); blind indexes of existing phones."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=timezone.now())
    for user in User.objects.exclude(phone=""):
        user.save(update_fields=["phone_bidx"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_seed_authorities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("institution", "机构用户"),
                    ("staff", "经办/审核人员"),
                    ("expert", "评审专家"),
                    ("inspector", "检查人员"),
                    ("admin", "系统管理员"),
                    ("security_admin", "安全管理员"),
                    ("audit_admin", "审计管理员"),
                ],
                default="institution",
                max_length=16,
                verbose_name="角色",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="phone", source="phone"),
        ),
        migrations.AddField(
            model_name="user",
            name="password_change_required",
            field=models.BooleanField(
                default=False,
                help_text="Set when an administrator sets or resets the password",
                verbose_name="下次登录须修改密码",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Stamped by PasswordHistoryValidator whenever it changes",
                null=True,
                verbose_name="密码修改时间",
            ),
        ),
        migrations.RunPython(fill_security_fields, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PasswordHistory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("password", models.CharField(max_length=256)),
                ("created_at", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="password_history",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-id"]},
        ),
    ]
