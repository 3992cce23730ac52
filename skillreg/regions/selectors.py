from __future__ import annotations

from django.db.models import QuerySet

from skillreg.accounts.scope import region_q

from .models import Region


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def regions_under(region: Region) -> QuerySet[Region]:
    """The region itself and every region below it."""
    return Region.objects.filter(region_q(region, ""))


def region_choices() -> list[tuple[str, str]]:
    return [(r.code, ("　" * r.path.count("/")) + r.name) for r in Region.objects.order_by("path")]
