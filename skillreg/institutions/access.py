"""Who may act on a filing (issue 10) — every role and region check of the lifecycle in one place.

On main these checks live in ``skillreg.accounts.scope`` (issue 11: ``is_institution``, ``is_staff_member``,
``region_q``, ``region_contains``); at merge the bodies below become one-line calls to it, and nothing else in
the lifecycle compares a role or a region path by hand.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def is_institution(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") == "institution"


def is_staff_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") == "staff"


def is_system_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        bool(getattr(user, "is_superuser", False)) or getattr(user, "role", "") == "admin"
    )


def is_own_unit(user: Any, filing: Any) -> bool:
    """An institution user of the filing's own unit."""
    return is_institution(user) and bool(user.unit_id) and user.unit_id == filing.unit_id


def is_filing_authority(user: Any, filing: Any) -> bool:
    """Staff of the authority that filed it (CQ-4 "谁备案，谁监管")."""
    return is_staff_member(user) and bool(user.authority_id) and user.authority_id == filing.authority_id


def region_q(user: Any, field: str = "region") -> Q:
    """``field`` is the staff member's authority region or a region below it."""
    path = user.authority.region.path
    return Q(**{f"{field}__path": path}) | Q(**{f"{field}__path__startswith": path + "/"})


def supervises(user: Any, filing: Any) -> bool:
    """Staff whose authority's region is the filing's region or above it (data scope)."""
    if not is_staff_member(user) or not getattr(user, "authority_id", None):
        return False
    outer, inner = user.authority.region.path, filing.region.path
    return inner == outer or inner.startswith(outer + "/")


def filings_q(user: Any) -> Q | None:
    """The filings ``user`` manages: an institution its unit's, staff its region's and below; None: nothing."""
    if is_institution(user) and user.unit_id:
        return Q(unit_id=user.unit_id)
    if is_staff_member(user) and user.authority_id:
        return region_q(user)
    return None
