"""Reveal a masked ID number or phone on an application page (audited, rate-limited, POST only).

- Institution users: their own unit's applications (others are 404).
- Authority staff: cases in their data scope (others 404) that their authority currently handles (else 403).
- Everyone else: 404.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_institution, is_staff_member
from skillreg.core.errors import DomainError
from skillreg.core.pii import pii_reveal
from skillreg.core.ratelimit import ratelimit

from . import selectors
from .models import Application

FIELDS = {
    "legal_rep_phone": "法定代表人联系电话",
    "legal_rep_id_number": "法定代表人身份证号码",
    "head_phone": "主要负责人联系电话",
    "head_id_number": "主要负责人身份证号码",
}
PERSON_FIELD = re.compile(r"person-(\d{1,18})-phone")


def _reveal(request: HttpRequest, application: Application, field: str) -> JsonResponse:
    if field in FIELDS:
        obj: Any = application
        attr, label = field, FIELDS[field]
    elif match := PERSON_FIELD.fullmatch(field):
        obj = application.people.filter(pk=int(match.group(1))).first()
        if obj is None:
            raise Http404("未找到该人员")
        attr, label = "phone", f"人员（{obj.name}）联系电话"
    else:
        raise Http404("未知的字段")
    try:
        value = pii_reveal(actor=request.user, obj=obj, field=attr, label=label)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    response = JsonResponse({"field": field, "value": value})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@ratelimit("reveal", key="user")
def applicant_reveal(request: HttpRequest, pid: Any, field: str) -> JsonResponse:
    if not is_institution(request.user):
        raise Http404("页面不存在")
    return _reveal(request, selectors.application_for_applicant(request.user, pid), field)


@login_required
@require_POST
@ratelimit("reveal", key="user")
def staff_reveal(request: HttpRequest, pid: Any, field: str) -> JsonResponse:
    user: Any = request.user
    if not is_staff_member(user):
        raise Http404("页面不存在")
    application = selectors.application_for_staff(user, pid)
    if application.authority_id != user.authority_id:
        return JsonResponse(
            {"code": "NOT_HANDLING_AUTHORITY", "message": "只有当前办理机关的人员可以查看完整信息"}, status=403
        )
    return _reveal(request, application, field)
