from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Region


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def regions_under(region: Region) -> QuerySet[Region]:
    """The region itself and every region below it."""
    return Region.objects.filter(Q(path=region.path) | Q(path__startswith=region.path + "/"))


def region_choices() -> list[tuple[str, str]]:
    return [(r.code, ("　" * r.path.count("/")) + r.name) for r in Region.objects.order_by("path")]
