"""Data scope and roles: the one module that says who a user is and what they may see.

Nothing else writes ``path__startswith`` or ``user.role == "…"`` (tests/test_architecture.py checks it).

* Roles: ``Role`` (the model's enum, re-exported) and predicates — ``is_institution(user)``,
  ``is_staff_member(user)``, ``is_expert(user)``, ``is_system_admin(user)``, …  All take any user object,
  anonymous or ``None`` included, and never raise.
* Region scope: ``region_q(where, field)`` is "that region and every region below it" as a ``Q`` on the region
  foreign key ``field`` (``"region"``, ``"filing__region"``; ``""`` for the Region model itself); ``where`` is a
  Region, an Authority or a staff user. ``region_contains(where, region)`` is the same test in Python.
  ``supervises(user, obj)`` / ``ensure_supervises(user, obj)``: a staff member's authority region contains the
  object's region (404 otherwise: out of scope is "not found", never "forbidden").
* Case data (applications, filings, certificates, batches, imports, receipts, statistics) belongs to the people
  whose work it is: institution users (their unit), staff (their region and below), experts (their assignments).
  System, security and audit administrators — and every superuser, whatever its role — have none
  (issue 12 item 2; docs/security.md, 三员分立): ``has_case_data(user)`` is False and ``case_scope_q`` is None.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from .models import ADMIN_ROLES, Role

__all__ = [
    "ADMIN_ROLES",
    "CASE_ROLES",
    "Role",
    "case_scope_q",
    "ensure_supervises",
    "has_case_data",
    "is_audit_admin",
    "is_expert",
    "is_inspector",
    "is_institution",
    "is_quality_supervisor",
    "is_security_admin",
    "is_staff_member",
    "is_system_admin",
    "region_contains",
    "region_path",
    "region_q",
    "role_of",
    "role_users_q",
    "supervises",
]

# The roles that work on cases (and so may hold case or certificate data at all).
CASE_ROLES = (Role.INSTITUTION, Role.STAFF, Role.EXPERT, Role.INSPECTOR, Role.QUALITY_SUPERVISOR)


def role_of(user: Any) -> str:
    """The user's role, or "" for the anonymous visitor / no user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(getattr(user, "role", "") or "")


def has_case_data(user: Any) -> bool:
    """May this user hold any case or certificate data? Never an administrator, never a superuser."""
    return role_of(user) in CASE_ROLES and not getattr(user, "is_superuser", False)


def _case_role(user: Any, role: Role) -> bool:
    return has_case_data(user) and role_of(user) == role


def role_users_q(role: Role) -> Q:
    """The users for whom ``_case_role(user, role)`` holds, as a query on the user table (for lists of candidates:
    the database picks them instead of every user being read to test the predicate one by one)."""
    if role not in CASE_ROLES:
        return Q(pk__in=[])
    return Q(role=role, is_superuser=False)


def is_institution(user: Any) -> bool:
    """A user of an applicant unit (机构用户)."""
    return _case_role(user, Role.INSTITUTION)


def is_staff_member(user: Any) -> bool:
    """Staff of an HRSS authority (经办/审核人员)."""
    return _case_role(user, Role.STAFF)


def is_expert(user: Any) -> bool:
    """An evaluation expert (评审专家): sees only what they are assigned."""
    return _case_role(user, Role.EXPERT)


def is_inspector(user: Any) -> bool:
    """An inspector (检查人员) of 双随机、一公开: sees only the targets assigned to them."""
    return _case_role(user, Role.INSPECTOR)


def is_quality_supervisor(user: Any) -> bool:
    """An external quality supervisor (外部质量督导员): sees only the evaluation plans it is sent to."""
    return _case_role(user, Role.QUALITY_SUPERVISOR)


def is_system_admin(user: Any) -> bool:
    """The system administrator (users, authorities; /sysadmin/) — the admin role or a superuser."""
    return bool(role_of(user) == Role.ADMIN or (role_of(user) and getattr(user, "is_superuser", False)))


def is_security_admin(user: Any) -> bool:
    return role_of(user) == Role.SECURITY_ADMIN


def is_audit_admin(user: Any) -> bool:
    return role_of(user) == Role.AUDIT_ADMIN


def region_path(where: Any) -> str:
    """The region path of a Region, an Authority, a staff user or anything with ``.region``."""
    if hasattr(where, "path") and hasattr(where, "level"):  # a Region
        return str(where.path)
    if hasattr(where, "authority") and hasattr(where, "role"):  # a user
        where = where.authority
    return str(where.region.path)


def region_q(where: Any, field: str = "region") -> Q:
    """``field`` (a foreign key to Region, "" for Region itself) is ``where``'s region or a region below it."""
    path = region_path(where)
    lookup = f"{field}__path" if field else "path"
    return Q(**{lookup: path}) | Q(**{f"{lookup}__startswith": path + "/"})


def region_contains(where: Any, region: Any) -> bool:
    """Python twin of ``region_q``: is ``region`` (a Region or anything with ``.region``) at or below ``where``?"""
    outer, inner = region_path(where), region_path(region)
    return inner == outer or inner.startswith(outer + "/")


def supervises(user: Any, obj: Any) -> bool:
    """Is ``obj`` (anything with ``.region``) in the region of the staff member's authority or below it?"""
    if not is_staff_member(user) or not getattr(user, "authority_id", None):
        return False
    return region_contains(user.authority, obj)


def ensure_supervises(user: Any, obj: Any, message: str = "页面不存在") -> None:
    """``supervises`` or a 404 (no existence leak)."""
    if not supervises(user, obj):
        raise Http404(message)


def case_scope_q(user: Any, prefix: str = "") -> Q | None:
    """The ``Q`` limiting objects that carry a unit and a region (through ``prefix``, e.g. ``"filing__"``) to
    the user's data scope: an institution user's own unit, a staff member's region and below. ``None`` means
    no access at all — administrators and superusers included."""
    if is_institution(user) and getattr(user, "unit_id", None):
        return Q(**{f"{prefix}unit_id": user.unit_id})
    if is_staff_member(user) and getattr(user, "authority_id", None):
        return region_q(user, f"{prefix}region")
    return None
