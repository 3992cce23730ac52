from __future__ import annotations

from django.db.models import QuerySet

from skillreg.accounts.scope import region_q

from .models import Region


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def regions_under(region: Region) -> QuerySet[Region]:
    """The region itself and every region below it."""
    return Region.objects.filter(region_q(region, ""))


def region_choices_under(where: object) -> list[tuple[str, str]]:
    """``where``'s region (a Region, an Authority or a staff user) and every region below it, indented by depth —
    the regions a staff member may filter by."""
    rows = list(Region.objects.filter(region_q(where, "")).order_by("path"))
    top = min((r.path.count("/") for r in rows), default=0)
    return [(r.code, ("　" * (r.path.count("/") - top)) + r.name) for r in rows]


def region_choices() -> list[tuple[str, str]]:
    return [(r.code, ("　" * r.path.count("/")) + r.name) for r in Region.objects.order_by("path")]
