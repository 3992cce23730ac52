"""The child side of ``parallel``: ``python -m skillreg.certificates._spawn FD``. Imports nothing of Django
(nor any module that defines models) until ``django.setup()`` has run in the fresh interpreter."""

from __future__ import annotations

import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

ABORT = "abort"


class _Aborted(Exception):
    pass


def writer_process(pipe: Any) -> None:
    """Stage 2 of one import job: Django, its own connection to the same database, the job's sinks, then the
    chunks the parent sends until ``None`` (publish or roll back) or ``ABORT`` (roll back)."""
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        overrides, job_id, facts, all_or_nothing, estimated_rows = pipe.recv()
        connections["default"].settings_dict["NAME"] = overrides["NAME"]
        settings.MEDIA_ROOT = overrides["MEDIA_ROOT"]
        settings.SKILLREG_CERT_IMPORT_CHUNK = overrides["SKILLREG_CERT_IMPORT_CHUNK"]
        from skillreg.certificates import imports

        job = imports.ImportJob.objects.select_related("filing", "created_by").get(pk=job_id)
        run = imports.job_run(job, facts, all_or_nothing=all_or_nothing, estimated_rows=estimated_rows)

        def source() -> Any:
            item = pipe.recv()
            if item == ABORT:
                raise _Aborted
            return item

        totals = run.write_all(source)
        pipe.send(("ok", totals.as_dict()))
    except _Aborted:
        pipe.send(("aborted", "reading failed; rolled back"))
    except EOFError:
        pass  # the parent went away: the open transaction dies with this process
    except BaseException:  # noqa: BLE001 - reported to the parent, which records the failure
        pipe.send(("error", traceback.format_exc()[-2000:]))
    finally:
        pipe.close()


if __name__ == "__main__":
    writer_process(Connection(int(sys.argv[1])))
