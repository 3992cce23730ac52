"""Receipts (回执) of filings, as an HTML page and as a PDF.

A receipt holds only public data, but it is served to whom it concerns: the institution's own users, staff
whose region covers the filing (``institutions.selectors.receipt_filing_for``). Anyone else gets 404 rather
than a login redirect — administrators and superusers (issue 12 item 2: they hold no case data) and anonymous
visitors included — so a URL never reveals that a code exists; the public finds the same facts in the directory.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from skillreg.accounts.scope import is_institution, is_staff_member, is_system_admin
from skillreg.institutions.selectors import receipt_filing_for

from .docx_text import DOCX_CONTENT_TYPE
from .errors import FontMissing
from .filing_notices import clean_doc_number, filing_notices, render_filing_notice_docx, render_filing_notice_pdf
from .filing_text import level_headers
from .receipt import DUTY_NOTE, PUBLICATION_NOTE, receipt_data, render_receipt_pdf

logger = logging.getLogger(__name__)


def _inline_disposition(filename: str, ascii_fallback: str) -> str:
    return f"inline; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def _receipt_filing(request: HttpRequest, code: str) -> Any:
    return receipt_filing_for(request.user, code)  # administrators get 404 there (issue 12 item 2)


@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    filing = _receipt_filing(request, code)
    context = {
        "filing": filing,
        "receipt": receipt_data(filing),
        "level_headers": level_headers(),
        "publication_note": PUBLICATION_NOTE,
        "duty_note": DUTY_NOTE,
    }
    return render(request, "documents/receipt.html", context)


@require_GET
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    filing = _receipt_filing(request, code)
    data = receipt_data(filing)
    try:
        pdf = render_receipt_pdf(data)
    except FontMissing as exc:
        logger.error("receipt PDF not rendered: %s", exc.message)
        user = request.user
        is_admin = is_system_admin(user)
        message = exc.message if is_admin else "服务器缺少生成PDF所需的中文字体，暂时无法生成PDF回执。"
        return render(request, "documents/unavailable.html", {"message": message, "filing": filing}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _inline_disposition(data.filename, f"receipt-{data.filing_code}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ----------------------------------------------------------------------------- notices of the filing process


def _notices(request: HttpRequest, pid: Any) -> tuple[Any, list[Any]]:
    from skillreg.applications.selectors import application_for_user

    if not (is_institution(request.user) or is_staff_member(request.user)):
        raise Http404("页面不存在")
    application = application_for_user(request.user, pid)
    return application, filing_notices(application)


@login_required
@require_GET
def notices(request: HttpRequest, pid: Any) -> HttpResponse:
    application, items = _notices(request, pid)
    return render(request, "documents/filing_notices.html", {"application": application, "notices": items})


@login_required
@require_GET
def notice_file(request: HttpRequest, pid: Any, key: str, fmt: str) -> HttpResponse:
    application, items = _notices(request, pid)
    notice = next((n for n in items if n.key == key), None)
    if notice is None or fmt not in ("pdf", "docx"):
        raise Http404("未找到该通知书")
    doc_number = clean_doc_number(request.GET.get("doc_number", "")) if is_staff_member(request.user) else ""
    if doc_number is None:
        return render(
            request,
            "documents/filing_notices.html",
            {"application": application, "notices": items, "error": "文号只能包含汉字、字母、数字和〔〕，不超过40字"},
            status=422,
        )
    notice = notice.numbered(doc_number)
    name = f"{notice.title}（{application.number or ''}）.{fmt}"
    if fmt == "pdf":
        body, content_type = render_filing_notice_pdf(notice), "application/pdf"
    else:
        body, content_type = render_filing_notice_docx(notice), DOCX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"notice-{key}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
