"""Scheduled statutory-clock sweep (huey; ``manage.py run_huey`` consumes it)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from skillreg.core.cluster import claim_period

from .sweep import sweep


@db_periodic_task(crontab(minute="*/10"))
def sweep_deadlines() -> dict[str, Any]:
    """Every 10 minutes: the same ``sweep()`` as ``manage.py sweep``; idempotent, catches up after downtime.
    With several nodes, only the first consumer to claim the period runs it (core.cluster)."""
    if not claim_period("deadlines.sweep", 600):
        return {"skipped": "another node runs this period's sweep"}
    return sweep().as_dict()
