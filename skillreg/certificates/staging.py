"""Staged rows of an all-or-nothing import (issue 12, item 3): no transaction longer than one chunk.

An all-or-nothing import used to hold one transaction — on SQLite the database's only write lock — for the
whole file (~90 s for 420,000 rows), and every other signed-in request and login failed meanwhile. Now each
chunk is committed on its own with its rows in status ``staged``, which no reader sees (``VISIBLE_STATUSES``)
and which the per-holder unique constraint already covers. Then, in this order:

1. the decision is committed in one short transaction with the job's final status and its audit record
   (``done`` = publish, anything else = discard) — the commit point of the import;
2. ``publish`` turns the job's staged rows valid, ``discard`` deletes them, each in bounded transactions of
   ``SKILLREG_CERT_IMPORT_PUBLISH_STEP`` rows (default 2,000) so that no other writer waits long.

A process that dies in step 2 (or before step 1) leaves staged rows behind: ``settle`` finishes what the job's
committed status says — publish for ``done``, discard for any other finished job — and is run before every new
import of the institution and by the periodic sweep, so the outcome is all or nothing, rolled forward. Between
1 and the end of 2 the file's certificates appear within a few seconds, never partly for good.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min

from . import counts
from .models import FINISHED_STATUSES, Certificate, CertificateStatus, ImportJob, ImportStatus

log = logging.getLogger(__name__)


def _step() -> int:
    return max(1, int(getattr(settings, "SKILLREG_CERT_IMPORT_PUBLISH_STEP", 2000)))


def _windows(job_id: int) -> list[tuple[int, int]]:
    """Id windows covering the job's staged rows (read outside any transaction: holds no write lock)."""
    span = Certificate.objects.filter(import_job_id=job_id, status=CertificateStatus.STAGED).aggregate(
        lo=Min("id"), hi=Max("id")
    )
    if span["lo"] is None:
        return []
    step = _step()
    return [(lo, lo + step) for lo in range(span["lo"], span["hi"] + 1, step)]


def publish(job_id: int) -> int:
    """Staged rows of a job whose ``done`` status is committed become valid, a bounded transaction at a time."""
    from .services import certificates_publish_staged  # the writer of Certificate.status

    return sum(certificates_publish_staged(job_id=job_id, id_from=lo, id_to=hi) for lo, hi in _windows(job_id))


def discard(job_id: int) -> int:
    """Delete a rejected or failed job's staged rows (nobody ever saw them), a bounded transaction at a time."""
    table = connection.ops.quote_name(Certificate._meta.db_table)
    removed = 0
    for lo, hi in _windows(job_id):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE import_job_id = %s AND status = %s AND id >= %s AND id < %s "  # noqa: S608
                + counts.RETURNING,
                [job_id, CertificateStatus.STAGED.value, lo, hi],
            )
            gone = cursor.fetchall()
            counts.add(counts.moved(gone, old=CertificateStatus.STAGED, new=None))
            removed += len(gone)
    return removed


def settle_job(job_id: int) -> int:
    """Finish a job's staged rows as its committed status says; nothing while it is still running."""
    status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status == ImportStatus.DONE:
        return publish(job_id)
    if status is None or status in FINISHED_STATUSES:
        return discard(job_id)
    return 0


def settle(filing_id: int) -> None:
    """Settle every job of the institution that left staged rows behind (a crash, a killed worker)."""
    jobs = (
        Certificate.objects.filter(filing_id=filing_id, status=CertificateStatus.STAGED)
        .values_list("import_job_id", flat=True)
        .distinct()
        .order_by()
    )
    for job_id in list(jobs):
        if job_id is not None:
            n = settle_job(job_id)
            if n:
                log.warning("certificate import %s: settled %s staged rows left behind", job_id, n)
