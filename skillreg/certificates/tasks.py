"""Background imports (huey; ``manage.py run_huey`` consumes them)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from skillreg.core.cluster import claim_period

from .imports import import_job_run, import_jobs_requeue_abandoned
from .models import ImportJob


@db_task(retries=20, retry_delay=30)
def import_job_task(job_id: int) -> dict[str, Any]:
    """Run one queued import. While another import of the same institution runs, ``import_job_run`` raises
    ``IMPORT_BUSY`` and huey retries 30 s later; a finished job is left as it is (idempotent)."""
    job = import_job_run(ImportJob.objects.select_related("filing").get(pk=job_id))
    return {"status": job.status, "rows_read": job.rows_read, "rows_created": job.rows_created}


@db_periodic_task(crontab(minute="*"))
def requeue_abandoned_imports() -> dict[str, Any]:
    """Every minute, on one node of the cluster: imports whose node died are queued again (issue 16)."""
    if not claim_period("certificates.requeue", 60):
        return {"skipped": "another node checks this minute"}
    return {"requeued": import_jobs_requeue_abandoned()}
