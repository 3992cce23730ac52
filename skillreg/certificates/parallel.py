"""Stage 2 of a large import in a second process: checks and writes on two cores.

Threads do not help here: the checks are Python and hold the GIL, and SM4 encryption and the database driver
release and re-take it thousands of times per chunk, so a writer *thread* mostly waits for the GIL (measured
slower than one thread; docs/performance.md). So this process reads, checks and protects the rows
(``Run.chunks``) and sends each chunk down a socket; a child process with its own interpreter and its own
database connection runs ``Run.write_all`` — duplicate checks, numbers, insert, job counters, error workbook,
final job update and audit record, all in its transaction — while this one checks the next chunk. The pipe
holds about one chunk, so memory stays flat. If reading fails midway, the child is told to roll back.

Used for files of ``SKILLREG_CERT_IMPORT_PARALLEL_ROWS`` rows and more (default 20,000; starting the child
costs about a second), never inside an open transaction, never on an in-memory SQLite database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.db import connection

from ._spawn import ABORT
from .pipeline import Run, Sink, Totals, read_progress
from .readers import Record
from .rows import InstitutionFacts


def available() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    in_memory = connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)
    return not connection.in_atomic_block and not in_memory


def wanted(estimated_rows: int) -> bool:
    setting = getattr(settings, "SKILLREG_CERT_IMPORT_PARALLEL", None)
    if setting is not None:
        return bool(setting) and available()
    return estimated_rows >= int(getattr(settings, "SKILLREG_CERT_IMPORT_PARALLEL_ROWS", 20_000)) and available()


def run_job(
    *,
    job_id: int,
    facts: InstitutionFacts,
    records: Iterator[Record],
    all_or_nothing: bool,
    estimated_rows: int,
    public_id: Any,
    on_progress: Callable[[Totals], None] | None = None,
) -> Totals:
    """Check ``records`` here and write them in a child process; the child finalises the job.

    The child is ``python -m skillreg.certificates._spawn`` (not ``multiprocessing``, which would re-import the
    caller's main module), talking over a socket pair with pickled, length-framed messages."""
    here, there = socket.socketpair()
    child = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "skillreg.certificates._spawn", str(there.fileno())],
        pass_fds=[there.fileno()],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")},
    )
    there.close()
    pipe = Connection(here.detach())
    overrides = {
        "NAME": connection.settings_dict["NAME"],
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SKILLREG_CERT_IMPORT_CHUNK": getattr(settings, "SKILLREG_CERT_IMPORT_CHUNK", 2000),
    }
    reader = Run(facts=facts, job_id=job_id, all_or_nothing=all_or_nothing, sink=Sink(), finalize=_unused)
    try:
        pipe.send((overrides, job_id, facts, all_or_nothing, estimated_rows))
        for n, chunk in enumerate(reader.chunks(records)):
            if pipe.poll():  # the child stopped early (an error): stop reading
                break
            pipe.send(chunk)
            if on_progress and n % 5 == 0 and (live := read_progress(public_id)):
                on_progress(Totals(**{k: v for k, v in live.items() if k in Totals.__dataclass_fields__}))
        else:
            pipe.send(None)
        status, payload = pipe.recv()
    except BaseException:
        try:
            pipe.send(ABORT)
        except OSError:
            pass
        child.wait(timeout=60)
        raise
    finally:
        child.wait(timeout=60)
        pipe.close()
    if status != "ok":
        raise RuntimeError(f"certificate import writer failed: {payload}")
    return Totals(**payload)


def _unused(totals: Totals) -> None:  # pragma: no cover - the reading side never finalises
    raise AssertionError("the child process finalises the job")
