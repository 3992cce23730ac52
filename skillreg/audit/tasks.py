"""Periodic signed checkpoint of the audit head outside the database (issue 12, item 12)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from skillreg.core.cluster import claim_period

from .checkpoint import checkpoint_write


@db_periodic_task(crontab(minute="*/10"))
def audit_checkpoint_task() -> None:
    """Every 10 minutes, on one node of the cluster (core.cluster): a signed checkpoint of the audit head."""
    if claim_period("audit.checkpoint", 600):
        checkpoint_write()
