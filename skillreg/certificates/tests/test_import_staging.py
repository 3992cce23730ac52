"""An import blocks no one (issue 12, items 3, 8 and 9): an all-or-nothing import commits chunk by chunk as
staged rows nobody sees, then publishes them (or throws them away); a dead worker is detected at once and its
job restarted; every committed chunk and every status change is audited.

Transactional tests: what is committed, and when, is what these tests are about. The concurrency test itself
(an import while others sign in) is in ``tests/test_reliability.py``.
"""

from __future__ import annotations

import pytest
from django.db import connection

from skillreg.audit.models import AuditRecord
from skillreg.certificates import selectors, staging, verification
from skillreg.certificates.imports import import_job_create, import_job_run
from skillreg.certificates.models import Certificate, ImportJob
from skillreg.core.testing import upload

from .conftest import good_row, to_csv

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _job(filing, user, rows, mode="all_or_nothing", name="证书.csv"):
    return import_job_create(filing=filing, actor=user, fileobj=upload(to_csv(rows), name), name=name, mode=mode)


def test_an_all_or_nothing_import_holds_no_transaction_between_chunks_and_shows_nothing_until_done(
    cert_filing, batch, wuxi_institution, settings
):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 10
    rows = [good_row(cert_filing, n) for n in range(1, 36)]
    seen: list[tuple[bool, int, int, int]] = []

    def during(totals):  # after each chunk, as another request would look
        seen.append(
            (
                connection.in_atomic_block,
                Certificate.objects.filter(status="staged").count(),
                selectors.certificates_for(wuxi_institution).count(),
                len(verification.verify_by_number(rows[0]["number"], rows[0]["holder_name"])),
            )
        )

    job = import_job_run(_job(cert_filing, wuxi_institution, rows), parallel=False, on_progress=during)
    assert job.status == "done"
    assert len(seen) >= 3
    assert all(not in_tx for in_tx, *_ in seen), "a transaction was left open across chunks"
    assert seen[-1][1] == 35 and all(visible == 0 and found == 0 for _, _, visible, found in seen)
    assert Certificate.objects.filter(status="valid").count() == 35
    assert not Certificate.objects.filter(status="staged").exists()
    assert len(verification.verify_by_number(rows[0]["number"], rows[0]["holder_name"])) == 1


def test_a_rejected_all_or_nothing_import_leaves_nothing_behind(cert_filing, batch, wuxi_institution, settings):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 10
    rows = [good_row(cert_filing, n) for n in range(1, 31)] + [good_row(cert_filing, 31, level=9)]
    job = import_job_run(_job(cert_filing, wuxi_institution, rows), parallel=False)
    assert job.status == "rejected"
    assert not Certificate.objects.exists()


def test_staged_rows_of_a_job_that_died_after_its_decision_are_published(cert_filing, batch, wuxi_institution):
    """Killed between the commit point (job done) and the end of publishing: the next look finishes it."""
    job = import_job_run(_job(cert_filing, wuxi_institution, [good_row(cert_filing, n) for n in range(1, 6)]))
    Certificate.objects.filter(import_job=job).update(status="staged")  # as if publishing never ran
    import_job_run(job)  # a retry of the finished job
    assert Certificate.objects.filter(import_job=job, status="valid").count() == 5


def test_a_dead_workers_job_is_restarted_at_once_and_its_staged_rows_thrown_away(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in range(1, 11)]
    job = _job(cert_filing, wuxi_institution, rows)
    # the worker claimed it, staged three rows and was killed (pid 2**22 + 1 is above Linux's pid_max)
    first = import_job_run(_job(cert_filing, wuxi_institution, rows[:3], name="先.csv"))
    Certificate.objects.filter(import_job=first).update(status="staged", import_job=job)
    ImportJob.objects.filter(pk=job.pk).update(status="running", worker=f"{_host()}:{2**22 + 1}")
    job.refresh_from_db()
    done = import_job_run(job)  # huey's retry: no 15-minute wait
    assert done.status == "done" and done.rows_created == 10
    assert Certificate.objects.filter(status="valid").count() == 10
    assert AuditRecord.objects.filter(action="certificate.import.restart", object_id=str(job.pk)).exists()
    assert AuditRecord.objects.filter(action="certificate.import.start", object_id=str(job.pk)).count() == 1


def test_another_job_of_a_dead_worker_fails_at_once_and_its_upload_is_deleted(cert_filing, batch, wuxi_institution):
    from django.conf import settings

    dead = _job(cert_filing, wuxi_institution, [good_row(cert_filing, 1)], name="死.csv")
    ImportJob.objects.filter(pk=dead.pk).update(status="running", worker=f"{_host()}:{2**22 + 1}")
    path = settings.MEDIA_ROOT / dead.storage_name
    assert path.exists()
    nxt = import_job_run(_job(cert_filing, wuxi_institution, [good_row(cert_filing, 2)], name="新.csv"))
    assert nxt.status == "done"
    dead.refresh_from_db()
    assert dead.status == "failed" and not dead.storage_name and not path.exists()
    assert AuditRecord.objects.filter(action="certificate.import.stale", object_id=str(dead.pk)).exists()


def test_every_committed_chunk_of_a_valid_rows_import_has_its_audit_record(
    cert_filing, batch, wuxi_institution, settings
):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 10
    rows = [good_row(cert_filing, n) for n in range(1, 26)]
    job = import_job_run(_job(cert_filing, wuxi_institution, rows, mode="valid_only"), parallel=False)
    chunks = AuditRecord.objects.filter(action="certificate.import.chunk", object_id=str(job.pk)).order_by("seq")
    assert [r.after["created"] for r in chunks] == [10, 10, 5]


def test_settle_does_nothing_to_a_running_job(cert_filing, batch, wuxi_institution):
    job = _job(cert_filing, wuxi_institution, [good_row(cert_filing, 1)])
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    assert staging.settle_job(job.pk) == 0


def _host() -> str:
    import socket

    return socket.gethostname()


def test_an_upload_is_encrypted_at_rest_with_restricted_modes_and_still_imports(cert_filing, batch, wuxi_institution):
    """Issue 12, item 7: the stored upload holds no plain ID number; 0640 in a 0750 folder."""
    import stat

    from django.conf import settings

    rows = [good_row(cert_filing, n) for n in range(1, 4)]
    job = _job(cert_filing, wuxi_institution, rows)
    path = settings.MEDIA_ROOT / job.storage_name
    stored = path.read_bytes()
    assert stored.startswith(b"SKRENC1\n")
    assert not any(r["id_number"].encode() in stored for r in rows) and "张三".encode() not in stored
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and stat.S_IMODE(path.parent.stat().st_mode) == 0o750
    done = import_job_run(job)
    assert done.status == "done" and done.rows_created == 3 and not path.exists()


def test_a_tampered_encrypted_upload_is_one_clear_file_error(cert_filing, batch, wuxi_institution):
    from django.conf import settings

    job = _job(cert_filing, wuxi_institution, [good_row(cert_filing, 1)])
    path = settings.MEDIA_ROOT / job.storage_name
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    done = import_job_run(job)
    assert done.status == "failed" and done.first_errors[0]["code"] == "IMPORT_FILE_CORRUPT"
    assert not Certificate.objects.exists() and not path.exists()
