"""Periodic signed checkpoint of the audit head outside the database (issue 12, item 12)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .checkpoint import checkpoint_write


@db_periodic_task(crontab(minute="*/10"))
def audit_checkpoint_task() -> None:
    checkpoint_write()
