"""Scoped reads of applications. Anything outside the user's scope is a 404 (no existence leak)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from skillreg.accounts.scope import Role, is_expert, is_institution, is_staff_member, region_q

from .models import Application, Assessment, Material, State


def _base() -> QuerySet[Application]:
    return Application.objects.select_related("unit", "region", "authority")


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    if not is_institution(user) or not user.unit_id:
        return Application.objects.none()
    return _base().filter(unit_id=user.unit_id)


def staff_region_ids(user: Any) -> list[int]:
    """The ids of the staff member's region and the regions below it (none for anyone else)."""
    if not is_staff_member(user) or not user.authority_id:
        return []
    from skillreg.regions.models import Region

    return list(Region.objects.filter(region_q(user, "")).values_list("pk", flat=True))


def staff_scope(user: Any) -> QuerySet[Application]:
    """Cases of the staff member's region and the regions below it; drafts are the applicant's own."""
    if not is_staff_member(user) or not user.authority_id:
        return Application.objects.none()
    # The regions resolved to ids first (a few dozen at most): with ``region_id IN (…)`` PostgreSQL knows from
    # its statistics how many cases are in scope and walks the work list's covering order index (index only)
    # for a deep page, where a join on the region's path left it guessing and sorting every case (issue 16).
    return _base().exclude(state=State.DRAFT).filter(region_id__in=staff_region_ids(user))


def staff_worklist(
    user: Any, *, state: str = "", mine: bool = False, kind: str = "", q: str = ""
) -> QuerySet[Application]:
    qs = staff_scope(user)
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(authority_id=user.authority_id)
    if kind:
        qs = qs.filter(institution_kind=kind)
    if q:
        # Name and number: substring, answered by trigram indexes on PostgreSQL (migration 0007). Every arm of the
        # OR is a condition on this table's own indexed columns, so PostgreSQL combines index scans (a BitmapOr)
        # instead of reading every case in scope: the unit's USCC (18 characters, exact) is resolved to unit ids
        # first rather than joined inside the OR (issue 16).
        match = Q(institution_name__icontains=q) | Q(number__icontains=q)
        if len(q) == 18:
            from skillreg.institutions.models import ApplicantUnit

            match |= Q(unit_id__in=list(ApplicantUnit.objects.filter(uscc=q.upper()).values_list("pk", flat=True)))
        # An ID number or phone finds its case by exact match on the HMAC-SM3 blind index.
        from skillreg.core.crypto import blind_index

        if len(q) == 18 or (q[:-1].isdigit() and len(q) >= 15):
            bidx = blind_index(q, purpose="id_number")
            match |= Q(legal_rep_id_number_bidx=bidx) | Q(head_id_number_bidx=bidx)
        elif q.replace("-", "").isdigit() and len(q) >= 7:
            bidx = blind_index(q, purpose="phone")
            match |= Q(legal_rep_phone_bidx=bidx) | Q(head_phone_bidx=bidx)
        qs = qs.filter(match)
    return qs.order_by("submitted_at", "id")


def _get(qs: QuerySet[Application], public_id: Any) -> Application:
    try:
        return qs.get(public_id=public_id)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该申请") from exc


def application_for_applicant(user: Any, public_id: Any) -> Application:
    return _get(applications_for_applicant(user), public_id)


def application_for_staff(user: Any, public_id: Any) -> Application:
    return _get(staff_scope(user), public_id)


def application_for_expert(user: Any, public_id: Any) -> Application:
    if not is_expert(user):
        raise Http404("未找到该申请")
    return _get(_base().filter(assessments__expert=user).distinct(), public_id)


def assessments_for_expert(user: Any) -> QuerySet[Assessment]:
    if not is_expert(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(expert=user).select_related("application", "application__region")


def assessment_for_expert(user: Any, pk: int) -> Assessment:
    try:
        return assessments_for_expert(user).get(pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404("未找到该评估任务") from exc


def application_for_user(user: Any, public_id: Any) -> Application:
    if is_institution(user):
        return application_for_applicant(user, public_id)
    if is_staff_member(user):
        return application_for_staff(user, public_id)
    if is_expert(user):
        return application_for_expert(user, public_id)
    raise Http404("未找到该申请")


def material_for_user(user: Any, public_id: Any, pk: int) -> Material:
    application = application_for_user(user, public_id)
    try:
        return application.materials.get(pk=pk)
    except (Material.DoesNotExist, ValueError) as exc:
        raise Http404("未找到该材料") from exc


def expert_choices() -> list[tuple[str, str]]:
    experts = get_user_model().objects.filter(role=Role.EXPERT, is_active=True).order_by("display_name", "username")
    return [(str(u.pk), u.display_name or u.get_username()) for u in experts]


def expert_by_id(pk: Any) -> Any:
    try:
        return get_user_model().objects.get(pk=int(pk), role=Role.EXPERT, is_active=True)
    except (ValueError, TypeError, get_user_model().DoesNotExist):
        return None


def current_materials(application: Application) -> dict[str, Material]:
    return {m.kind: m for m in application.materials.filter(superseded=False)}


def display_names(*, authority_codes: set[str], usernames: set[str]) -> dict[str, str]:
    """Names to show for the authority codes and usernames kept in event data (issue 11: the applicant's
    history showed "hrss-500238"). Unknown values map to themselves."""
    from skillreg.accounts.models import Authority

    out: dict[str, str] = {}
    if authority_codes:
        out.update(Authority.objects.filter(code__in=authority_codes).values_list("code", "name"))
    if usernames:
        for username, display in (
            get_user_model().objects.filter(username__in=usernames).values_list("username", "display_name")
        ):
            out.setdefault(username, display or "评审专家")
    return out
