"""Claiming an import job: one running import per institution; a dead worker's job is released at once.

``claim`` first releases running jobs of the institution whose worker died — detected at once when the worker's
process (``host:pid``, recorded at the claim) is gone from this host, else after
``SKILLREG_CERT_IMPORT_STALE_MINUTES`` without a heartbeat (every committed chunk is one): the job being retried
goes back to the queue and starts again at once (issue 12, item 9; committed chunks of a valid-rows import are
"unchanged" on the re-run), any other one fails and its upload is deleted (item 7). Staged rows left behind
are settled (``staging``), and every status change is audited (item 8).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock

from . import staging
from .models import ImportJob, ImportStatus
from .pipeline import progress_path


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_dead(job: ImportJob) -> bool:
    """The job's process ran on this host and no longer exists (a crash, a kill): no need to wait."""
    host, _, pid = (job.worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _is_stale(job: ImportJob) -> bool:
    """No heartbeat (every chunk commits one) for ``SKILLREG_CERT_IMPORT_STALE_MINUTES``, or its worker died."""
    if _worker_dead(job):
        return True
    minutes = int(getattr(settings, "SKILLREG_CERT_IMPORT_STALE_MINUTES", 15))
    beat = job.heartbeat_at or job.started_at or job.created_at
    path = progress_path(job.public_id)
    if path.exists():
        beat = max(beat, dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC))
    return clock.now() - beat > dt.timedelta(minutes=minutes)


def _release_stale(job: ImportJob) -> None:
    """Running jobs of the institution whose worker died: the job being retried goes back to the queue (its
    committed chunks stay; identical rows are "unchanged" on the re-run), any other one fails and its upload
    is deleted; staged rows are settled. Each status change is audited."""
    running = ImportJob.objects.select_related("filing").filter(filing_id=job.filing_id, status=ImportStatus.RUNNING)
    for other in running:
        if not _is_stale(other):
            continue
        retry = other.pk == job.pk
        with transaction.atomic():
            running_job = ImportJob.objects.filter(pk=other.pk, status=ImportStatus.RUNNING)
            if retry:
                changed = running_job.update(status=ImportStatus.QUEUED, worker="")
            else:
                changed = running_job.update(
                    status=ImportStatus.FAILED,
                    message="导入中断（处理进程已停止），请重新上传",
                    finished_at=clock.now(),
                )
            if changed:
                audit_record(
                    actor="system",
                    action="certificate.import.restart" if retry else "certificate.import.stale",
                    object_type="certificates.importjob",
                    object_id=other.pk,
                    summary=f"{other.filing.name} 证书数据导入中断（处理进程已停止）"
                    + ("，重新开始" if retry else "，已终止"),
                    before={"status": ImportStatus.RUNNING, "worker": other.worker},
                    after={"status": ImportStatus.QUEUED if retry else ImportStatus.FAILED},
                    result="ok" if retry else "failed",
                )
        staging.discard(other.pk)
        if not retry:
            other.refresh_from_db()
            discard_upload(other)
    if job.status == ImportStatus.RUNNING:
        job.refresh_from_db()


def claim(job: ImportJob) -> bool:
    _release_stale(job)
    staging.settle(job.filing_id)
    try:
        with transaction.atomic():
            now = clock.now()
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
                status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now, worker=_worker_id()
            )
            if claimed:
                audit_record(
                    actor=job.created_by or job.actor_label or "system",
                    action="certificate.import.start",
                    object_type="certificates.importjob",
                    object_id=job.pk,
                    summary=f"证书数据导入开始处理：{job.original_name or job.source}",
                    before={"status": ImportStatus.QUEUED},
                    after={"status": ImportStatus.RUNNING},
                )
    except IntegrityError:
        return False
    return claimed == 1


def discard_upload(job: ImportJob) -> None:
    """The uploaded file (plain ID numbers) goes as soon as the job has finished, whatever the outcome."""
    if job.is_finished and job.storage_name:
        (Path(settings.MEDIA_ROOT) / job.storage_name).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(storage_name="")
        job.storage_name = ""
