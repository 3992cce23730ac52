"""django-csp's middleware with the policy of an ordinary response built once (issue 16).

django-csp builds both headers from the settings on every response (``build_policy``: copies, sorts and joins
every directive — about 7 % of a public verification's CPU). A response whose view asked for no nonce and no
per-view change (``@csp_update``, ``@csp_replace``, ``@csp_exempt`` …) always gets the same header, so it is built
once per settings and reused; any other response goes through django-csp unchanged. The headers, the exemptions,
``EXCLUDE_URL_PREFIXES`` and the "nonce after the header" guard are django-csp's own.
"""

from __future__ import annotations

import http.client as http_client
from functools import cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view sets on its response to change its policy (csp.decorators); any of them: django-csp decides.
PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@cache
def _policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, value, exemption attribute, excluded prefixes) for the policy and the report-only policy."""
    out = []
    for header, report_only, exempt, name in (
        (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    ):
        value = build_policy(report_only=report_only)
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        out.append((header, value, exempt, prefixes))
    return tuple(out)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _policies.cache_clear()


class CSPMiddleware(_DjangoCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(getattr(response, a, None) for a in PER_VIEW):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND):
            return response
        for header, value, exempt, prefixes in _policies():
            if value and getattr(response, exempt, False) is False and header not in response:
                if not request.path_info.startswith(prefixes):
                    response[header] = value
        # as django-csp: a nonce asked for after the header is written is an error, not a silent gap
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
