"""``skillreg.core.csp.CSPMiddleware``: the same headers as django-csp's, the plain policy built once (issue 16)."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSP
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory, override_settings

from skillreg.core import csp

rf = RequestFactory()


def _both(view, path="/api/v1/certificates/verify"):  # type: ignore[no-untyped-def]
    out = []
    for cls in (csp.CSPMiddleware, DjangoCSP):
        request = rf.post(path)
        mw = cls(lambda r: view(r))
        out.append((mw(request), request))
    return out


def _headers(response):  # type: ignore[no-untyped-def]
    return {h: response.get(h) for h in (HEADER, HEADER_REPORT_ONLY)}


def test_a_plain_json_answer_gets_django_csps_header_built_once(monkeypatch):
    (ours, request), (theirs, _) = _both(lambda r: JsonResponse({"ok": True}))
    assert _headers(ours) == _headers(theirs) and "default-src 'self'" in ours[HEADER]
    built = []
    monkeypatch.setattr(csp, "build_policy", lambda **kw: built.append(kw) or "x")
    _both(lambda r: JsonResponse({"ok": True}))
    assert built == []  # cached
    with pytest.raises(CSPNonceError):  # a nonce asked for after the header: an error, as in django-csp
        str(request.csp_nonce)


def test_a_page_with_a_nonce_or_a_per_view_change_goes_through_django_csp():
    def with_nonce(request):  # type: ignore[no-untyped-def]
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    (ours, req), (theirs, _) = _both(with_nonce)
    assert req._csp_nonce and _headers(ours) == _headers(theirs)  # the settings put no NONCE in a directive
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    ):
        (ours, req), _ = _both(with_nonce)
        assert f"'nonce-{req._csp_nonce}'" in ours[HEADER]

    def updated(request):  # type: ignore[no-untyped-def]
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["data:"]}  # type: ignore[attr-defined]
        return response

    (ours, _), (theirs, _) = _both(updated)
    assert _headers(ours) == _headers(theirs) and "data:" in ours[HEADER]

    def exempt(request):  # type: ignore[no-untyped-def]
        response = HttpResponse("ok")
        response._csp_exempt = True  # type: ignore[attr-defined]
        return response

    (ours, _), (theirs, _) = _both(exempt)
    assert HEADER not in ours and HEADER not in theirs


def test_changed_settings_are_followed():
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        (ours, _), (theirs, _) = _both(lambda r: JsonResponse({}))
        assert ours[HEADER] == theirs[HEADER] == "default-src 'none'"
    (ours, _), _ = _both(lambda r: JsonResponse({}))
    assert "default-src 'self'" in ours[HEADER]
