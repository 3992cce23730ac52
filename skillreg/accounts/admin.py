"""/sysadmin/ for the system administrator (三员分立: users, authorities; no audit trail, no case decisions).

- Only the ``admin`` role (and superusers) may enter; anonymous visitors are sent to the login page, signed-in
  users of other roles get 403 (no redirect loop), and sign-in
  goes through the one login page (lockout, second factor, password age) instead of the admin's own.
- Every change made here is written to the audit trail in the same transaction (``AuditedModelAdmin``).
- A password the administrator sets must be changed by its owner at the next login.
- Phone numbers are never shown or edited here in clear; search by phone goes through the blind index.
- Second factors and login counters are not here: they are the security administrator's (三员分立).
- 三员分立 (issue 12, item 1): security and audit administrators (and superusers) are neither created, changed,
  deleted nor given a new password here, superusers included, and no role of theirs can be chosen: they are
  made on the host with ``manage.py admin_account``. Resetting one person's password and second factor takes
  two different people (``services.password_reset_check``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.accounts.scope import is_system_admin
from skillreg.audit.services import audit_record
from skillreg.core import crypto
from skillreg.core.errors import DomainError, ValidationFailed
from skillreg.core.validators import clean_phone

from . import services
from .models import SEPARATE_ADMIN_ROLES, Authority, User


def _separate(obj: Any) -> bool:
    """An account the system administrator must not touch (三员分立)."""
    return bool(obj is not None and (obj.role in SEPARATE_ADMIN_ROLES or obj.is_superuser))


def _has_permission(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and is_system_admin(user))


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if request.user.is_authenticated:
        # Signed in but not the system administrator (an audit admin, say): the login page would send them
        # straight back here, and so on for ever (ERR_TOO_MANY_REDIRECTS, issue 11 item 8). Say no instead.
        raise PermissionDenied("无权进入系统管理")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.has_permission = _has_permission  # type: ignore[method-assign]
# Second factors belong to the security administrator (/accounts/security/); the system administrator must not
# see TOTP keys or recovery codes, so django-otp's admin pages are taken out.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
admin.site.login = _login  # type: ignore[method-assign]
admin.site.site_header = admin.site.site_title = "技能人才评价机构备案管理系统 · 系统管理"


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {f: str(getattr(obj, f, "")) for f in fields}


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes go into the audit trail (the admin's change view already runs in one transaction)."""

    audit_fields: list[str] = []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _snapshot(type(obj).objects.get(pk=obj.pk), self.audit_fields) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            summary=f"系统管理：{'修改' if change else '新增'} {obj}",
            before=before,
            after=_snapshot(obj, self.audit_fields),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        snapshot = _snapshot(obj, self.audit_fields)
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action="admin.delete",
            object_type=label,
            object_id=pk,
            summary=f"系统管理：删除 {snapshot}",
            before=snapshot,
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    audit_fields = ["username", "role", "display_name", "authority_id", "unit_id", "is_active", "is_staff"]
    list_display = ["username", "display_name", "role", "authority", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("身份", {"fields": ["display_name", "email", "role", "authority", "unit"]}),
        ("状态", {"fields": ["is_active", "is_staff", "password_change_required", "password_changed_at"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "role", "authority", "unit", "display_name", "password1", "password2"]}),
    ]
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        qs, distinct = super().get_search_results(request, queryset, search_term)
        digits = search_term.replace(" ", "").replace("-", "")
        if digits.isdigit() and 7 <= len(digits) <= 13:
            qs = qs | queryset.filter(phone_bidx=crypto.blind_index(digits, purpose="phone"))
        return qs, distinct

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [c for c in db_field.choices if c[0] not in SEPARATE_ADMIN_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _separate(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _separate(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change and obj.pk else None
        if _separate(obj) or _separate(stored):
            raise PermissionDenied("三员分立：系统管理员不能创建或修改安全管理员、审计管理员")
        if not change or "password" in getattr(form, "changed_data", []):
            obj.password_change_required = True  # set by the administrator: the owner changes it first
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if _separate(obj):
            raise PermissionDenied("三员分立：系统管理员不能删除安全管理员、审计管理员")
        super().delete_model(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = User.objects.filter(pk=id).first()
        if _separate(target):
            raise PermissionDenied("三员分立：系统管理员不能重置安全管理员、审计管理员的密码")
        if target is not None and request.method == "POST":
            try:
                services.password_reset_check(actor=request.user, user=target)
            except DomainError as exc:
                self.message_user(request, exc.message, level="error")
                return redirect(reverse("admin:accounts_user_change", args=[target.pk]))
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and target is not None:
                services.password_reset_record(actor=request.user, user=target)
        return response


class AuthorityAdminForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = ["code", "name", "kind", "region", "address", "phone"]

    def clean_phone(self) -> str:
        """A phone the office can be called on, or nothing (issue 11: "abc" was accepted)."""
        try:
            return clean_phone(self.cleaned_data.get("phone") or "", field="phone", required=False)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


@admin.register(Authority)
class AuthorityAdmin(AuditedModelAdmin):
    form = AuthorityAdminForm
    audit_fields = ["code", "name", "kind", "region_id", "address", "phone"]
    list_display = ["code", "name", "kind", "region"]
    search_fields = ["code", "name"]
