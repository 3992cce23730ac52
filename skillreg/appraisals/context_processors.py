"""``asks_self_check`` in every template: whether the signed-in institution has a filing whose rules ask for a
yearly self-check (HN-2), so that the navigation offers 年度自查 only there. A callable: the template evaluates it
only where it is used (an institution's header), not on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from skillreg.accounts import scope
from skillreg.core import clock


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def asks_self_check() -> bool:
        from . import selectors

        return scope.is_institution(user) and bool(selectors.self_check_filings(user, clock.today()))

    return {"asks_self_check": asks_self_check}
