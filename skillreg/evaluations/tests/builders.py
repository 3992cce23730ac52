"""Builders for tests of other apps that need a plan whose results are in (the certificate registry's tests).

``plan_results_in`` writes the plan directly (the way the data migration left the registry's earlier
batches): status results_accepted; with ``holders`` it also writes the roster and requires certificates to
match it, without them it does not. The plan's own rules are tested through the real services in
``evaluations/tests``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillreg.core import clock, crypto
from skillreg.evaluations.models import EvaluationPlan, PlanStatus, RosterEntry
from skillreg.evaluations.roster import HOLDER_ID_PURPOSE
from skillreg.occupations.models import Occupation


def plan_results_in(
    filing: Any,
    *,
    actor: Any = None,  # accepted for the call sites' symmetry with the services; the builder writes directly
    number: str,
    occupation_code: str,
    level: int,
    starts_on: dt.date,
    ends_on: dt.date,
    applicants: int,
    passes: int,
    holders: list[tuple[str, str]] | None = None,
    evaluation_type: str = "skill_level",
) -> EvaluationPlan:
    occ = Occupation.objects.get(code=occupation_code)
    plan = EvaluationPlan.objects.create(
        filing=filing,
        number=number,
        occupation=occ,
        level=level,
        evaluation_type=evaluation_type,
        starts_on=starts_on,
        ends_on=ends_on,
        applicants=applicants,
        passes=passes,
        status=PlanStatus.RESULTS_ACCEPTED,
        roster_required=holders is not None,
        created_at=clock.now(),
    )
    for i, (name, id_number) in enumerate(holders or [], start=2):
        RosterEntry.objects.create(
            plan=plan,
            row=i,
            holder_name=name,
            holder_id=id_number,
            holder_id_index=crypto.blind_index(id_number, purpose=HOLDER_ID_PURPOSE),
            holder_id_masked=crypto.mask_id_number(id_number),
            occupation=occ,
            level=level,
        )
    return plan
