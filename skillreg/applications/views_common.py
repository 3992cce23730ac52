"""Helpers shared by the applicant and staff views: error display, material download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from skillreg.core.errors import DomainError
from skillreg.core.uploads import download_name, open_stored

from .selectors import material_for_user


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    """Show a domain error as ONE Chinese message (issue 11: one failed submit made 15 banners). The items it
    carries follow in the same message; the missing items of an incomplete application are listed on the page
    itself ("提交前还需完善"), so the message only points there."""
    if exc.code == "APPLICATION_INCOMPLETE":
        messages.error(request, f"{exc.message}，请按页面上“提交前还需完善”的清单逐项补充。")
        return
    texts = []
    for key in ("missing", "errors", "items"):
        for item in exc.details.get(key, []) or []:
            text = (
                item.get("message") or item.get("label") or item.get("title") if isinstance(item, dict) else str(item)
            )
            if text:
                texts.append(str(text))
    messages.error(request, exc.message + (("：" + "；".join(texts)) if texts else ""))


def form_error(request: HttpRequest, form: Any) -> None:
    """A bound form's field errors as ONE Chinese message: "说明：不能超过 2000 个字"."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}：{e}" if label else str(e) for e in errors)
    messages.error(request, "填写内容有误：" + "；".join(parts))


def form_errors_from(form: Any, exc: DomainError) -> None:
    """Attach a service's field errors to a Django form (unknown fields go to the form itself)."""
    items = exc.details.get("errors") or [exc.as_dict()]
    for item in items:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item.get("message", exc.message))


@login_required
def material_download(request: HttpRequest, pid: Any, mid: int) -> FileResponse:
    material = material_for_user(request.user, pid, mid)
    response = FileResponse(
        open_stored(material.storage_name),
        as_attachment=True,
        filename=download_name(material.original_name, material.storage_name),
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
