"""Scheduled statutory-clock sweep (huey; ``manage.py run_huey`` consumes it)."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from skillreg.core.cluster import claim_period

from . import index
from .sweep import sweep

logger = logging.getLogger("skillreg.deadlines")


@db_periodic_task(crontab(minute="*/10"))
def sweep_deadlines() -> dict[str, Any]:
    """Every 10 minutes: the same ``sweep()`` as ``manage.py sweep``; idempotent, catches up after downtime.
    With several nodes, only the first consumer to claim the period runs it (core.cluster)."""
    if not claim_period("deadlines.sweep", 600):
        return {"skipped": "another node runs this period's sweep"}
    return sweep().as_dict()


@db_task()
def reindex_deadlines(reason: str = "") -> bool:
    """Recompute the deadline index when what it was computed with changed (``deadlines.index``)."""
    return index.ensure_current(reason=reason)


def calendar_changed_reindex(sender: Any, year: int | None = None, **kwargs: Any) -> None:
    """A holiday year was imported: recompute the open cases' deadlines in the background (the dashboard would
    otherwise do it on its next view, and the sweep within ten minutes)."""
    try:
        reindex_deadlines(reason=f"导入 {year} 年放假安排" if year else "放假安排已变化")
    except Exception:  # the import has committed; the queue being down must not turn it into an error page
        logger.exception("could not queue the deadline index rebuild (the next sweep or dashboard view does it)")
