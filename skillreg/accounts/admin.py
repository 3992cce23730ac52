"""/sysadmin/ for the system administrator (三员分立: users, authorities; no audit trail, no case decisions).

- Only the ``admin`` role (and superusers) may enter; everyone else is sent to the login page, and sign-in
  goes through the one login page (lockout, second factor, password age) instead of the admin's own.
- Every change made here is written to the audit trail in the same transaction (``AuditedModelAdmin``).
- A password the administrator sets must be changed by its owner at the next login.
- Phone numbers are never shown or edited here in clear; search by phone goes through the blind index.
- Second factors and login counters are not here: they are the security administrator's (三员分立).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillreg.audit.services import audit_record
from skillreg.core import crypto
from skillreg.core.errors import ValidationFailed
from skillreg.core.validators import clean_phone

from .models import Authority, User


def _has_permission(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or getattr(user, "role", "") == "admin"))


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change or "password" in getattr(form, "changed_data", []):
            obj.password_change_required = True  # set by the administrator: the owner changes it first
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            with transaction.atomic():
                user = User.objects.get(pk=id)
                User.objects.filter(pk=user.pk).update(password_change_required=True)
                audit_record(actor=request.user, action="auth.password_reset", obj=user, summary=f"重置密码：{user}")
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
