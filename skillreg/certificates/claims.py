"""Is an import job's worker still alive? (issue 12, item 9)

A job records the ``host:pid`` of the process that claimed it. A running job whose process no longer exists on
this host is stale at once; otherwise after ``SKILLREG_CERT_IMPORT_STALE_MINUTES`` without a heartbeat (every
committed chunk is one; the progress file's time counts too). The job state machine (``imports``) releases
stale jobs before it claims the next one.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.conf import settings

from skillreg.core import clock, cluster

from .models import ImportJob
from .pipeline import progress_path


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_dead(job: ImportJob) -> bool:
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


def is_stale(job: ImportJob) -> bool:
    """No heartbeat (every chunk commits one) for ``SKILLREG_CERT_IMPORT_STALE_MINUTES``, or its worker died.
    A job whose node holds its liveness lock (PostgreSQL, ``core.cluster``) is running, however old its heartbeat:
    an all-or-nothing import on another node cannot update it (issue 16)."""
    if cluster.someone_working_on(job.pk):
        return False
    if worker_dead(job):
        return True
    minutes = int(getattr(settings, "SKILLREG_CERT_IMPORT_STALE_MINUTES", 15))
    beat = job.heartbeat_at or job.started_at or job.created_at
    path = progress_path(job.public_id)
    if path.exists():
        beat = max(beat, dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC))
    return clock.now() - beat > dt.timedelta(minutes=minutes)
