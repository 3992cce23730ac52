"""Daily annual-report task (huey): reminders before the due day, then late/missing records (idempotent)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from skillreg.core.cluster import claim_period

from .services import annual_reports_sweep


@db_periodic_task(crontab(minute="15", hour="*"))
def annual_reports_daily() -> dict[str, Any]:
    """Hourly (catches up after downtime; reminders and misses are deduplicated, so re-runs change nothing)."""
    if not claim_period("annualreports.sweep", 3600):
        return {"skipped": "another node runs this period"}
    return annual_reports_sweep()
