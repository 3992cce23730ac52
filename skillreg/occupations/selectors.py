"""Reads of the occupation catalogue (public data: no data scope applies)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Occupation


def occupations_search(q: str = "", *, active_only: bool = False) -> QuerySet[Occupation]:
    """Occupations and work types whose code starts with, or whose name contains, ``q``; by code."""
    qs = Occupation.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__icontains=q))
    return qs.order_by("code")


def occupation_names() -> dict[str, str]:
    """Code → name of every occupation in the catalogue (a few thousand at most), for labelling counts by code."""
    return dict(Occupation.objects.values_list("code", "name"))
