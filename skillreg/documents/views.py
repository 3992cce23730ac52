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

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from skillreg.accounts.scope import is_system_admin
from skillreg.institutions.selectors import receipt_filing_for

from .errors import FontMissing
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
