"""``user_is`` in every template: the role predicates of ``accounts.scope`` (templates never compare
``user.role`` by hand). ``{% if user_is.staff %}`` … ``{% if user_is.system_admin %}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import scope


class RoleFlags:
    def __init__(self, user: Any):
        self._user = user

    @property
    def institution(self) -> bool:
        return scope.is_institution(self._user)

    @property
    def staff(self) -> bool:
        return scope.is_staff_member(self._user)

    @property
    def expert(self) -> bool:
        return scope.is_expert(self._user)

    @property
    def inspector(self) -> bool:
        return scope.is_inspector(self._user)

    @property
    def quality_supervisor(self) -> bool:
        return scope.is_quality_supervisor(self._user)

    @property
    def system_admin(self) -> bool:
        return scope.is_system_admin(self._user)

    @property
    def security_admin(self) -> bool:
        return scope.is_security_admin(self._user)

    @property
    def audit_admin(self) -> bool:
        return scope.is_audit_admin(self._user)


def roles(request: HttpRequest) -> dict[str, Any]:
    return {"user_is": RoleFlags(getattr(request, "user", None))}
