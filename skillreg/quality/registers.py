"""The register a supervisor draw uses, read from the database and handed to the pure ``supervision.draw``.

Every supervisor on the authority's register becomes a ``draw.Candidate`` — also the suspended, expired and
conflicted ones, so that the snapshot shows why each was left out — with the periods of the other plans it is
already sent to (not recused). The plan becomes a ``draw.Engagement``: its institution, occupation, region path
and dates."""

from __future__ import annotations

from typing import Any

from skillreg.supervision import draw

from .models import AssignmentStatus, ExternalSupervisor, SupervisorAssignment, SupervisorStatus


def plan_code(plan: Any) -> str:
    return f"{plan.filing.code}/{plan.number}"


def engagement_for(plan: Any, count: int) -> draw.Engagement:
    filing = plan.filing
    return draw.Engagement(
        code=plan_code(plan),
        target=draw.Target(code=filing.code, unit=filing.unit.uscc, name=filing.name),
        occupation=plan.occupation.code,
        regions=tuple(filing.region.path.split("/")),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        count=count,
    )


def candidate_of(sup: ExternalSupervisor, booked: list[tuple[Any, Any]]) -> draw.Candidate:
    return draw.Candidate(
        person=draw.Inspector(
            key=sup.number,
            unit=sup.unit_uscc,
            conflicts=frozenset(c.filing.code for c in sup.conflicts.all()),
            name=sup.name,
        ),
        term_from=sup.term_from,
        term_to=sup.term_to,
        occupations=frozenset(o.code for o in sup.occupations.all()),
        regions=frozenset(r.code for r in sup.regions.all()),
        booked=tuple(sorted(booked)),
        active=sup.status == SupervisorStatus.ACTIVE,
    )


def supervisor_register(authority: Any, plan: Any) -> list[draw.Candidate]:
    """The authority's register as candidates for ``plan`` (the plan's own current assignments count as a
    booking, so a supplementary draw never sends the same person twice)."""
    sups = list(
        ExternalSupervisor.objects.filter(authority=authority)
        .prefetch_related("conflicts__filing", "occupations", "regions")
        .order_by("number")
    )
    booked: dict[int, list[tuple[Any, Any]]] = {s.pk: [] for s in sups}
    live = (
        SupervisorAssignment.objects.filter(supervisor__in=sups)
        .exclude(status=AssignmentStatus.RECUSED)
        .select_related("plan")
    )
    for a in live:
        booked[a.supervisor_id].append((a.plan.starts_on, a.plan.ends_on))
    return [candidate_of(s, booked[s.pk]) for s in sups]
