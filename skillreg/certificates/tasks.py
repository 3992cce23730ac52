"""Background imports (huey; ``manage.py run_huey`` consumes them)."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from .imports import import_job_run
from .models import ImportJob


@db_task(retries=20, retry_delay=30)
def import_job_task(job_id: int) -> dict[str, Any]:
    """Run one queued import. While another import of the same institution runs, ``import_job_run`` raises
    ``IMPORT_BUSY`` and huey retries 30 s later; a finished job is left as it is (idempotent)."""
    job = import_job_run(ImportJob.objects.select_related("filing").get(pk=job_id))
    return {"status": job.status, "rows_read": job.rows_read, "rows_created": job.rows_created}
