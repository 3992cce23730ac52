"""Imports on several nodes (issue 16): one node runs a job at a time, a job whose node died is queued again
(and only then), and the rerun imports everything once."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection

from skillreg.audit.models import AuditRecord
from skillreg.certificates.imports import import_job_create, import_job_run, import_jobs_requeue_abandoned
from skillreg.certificates.models import Certificate, ImportJob, ImportStatus
from skillreg.core import clock, cluster
from skillreg.core.errors import DomainError
from skillreg.core.testing import upload

from .conftest import good_row, to_csv

pytestmark = pytest.mark.django_db


def _queued(filing, user, n: int = 4) -> ImportJob:
    data = to_csv([good_row(filing, i) for i in range(1, n + 1)])
    return import_job_create(
        filing=filing, actor=user, fileobj=upload(data, "证书.csv"), name="证书.csv", mode="all_or_nothing"
    )


def _as_if_claimed_by_a_node(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=clock.now(), heartbeat_at=clock.now()
    )


def _other_node() -> psycopg.Connection:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL advisory locks (set DATABASE_URL=postgres://…)")
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"],
        port=s["PORT"] or None,
        autocommit=True,
    )


@pytest.mark.postgres
def test_a_job_held_by_a_live_node_is_neither_run_twice_nor_requeued(cert_filing, batch, wuxi_institution):
    job = _queued(cert_filing, wuxi_institution)
    node = _other_node()
    try:
        node.execute("SELECT pg_advisory_lock(%s, %s)", [cluster.NAMESPACE, job.pk])
        with pytest.raises(DomainError) as exc:
            import_job_run(job, parallel=False)
        assert exc.value.code == "IMPORT_BUSY"
        _as_if_claimed_by_a_node(job)
        assert cluster.someone_working_on(job.pk) is True
        assert import_jobs_requeue_abandoned() == []
    finally:
        node.close()  # the node dies: its connection and its lock are gone


@pytest.mark.postgres
def test_a_job_whose_node_died_is_requeued_once_and_the_rerun_imports_everything(
    cert_filing, batch, wuxi_institution, django_capture_on_commit_callbacks
):
    job = _queued(cert_filing, wuxi_institution)
    node = _other_node()
    node.execute("SELECT pg_advisory_lock(%s, %s)", [cluster.NAMESPACE, job.pk])
    _as_if_claimed_by_a_node(job)
    node.close()
    # The server drops the lock once that backend has ended, a moment after the client went away.
    for _ in range(100):
        if cluster.someone_working_on(job.pk) is False:
            break
        time.sleep(0.1)
    assert cluster.someone_working_on(job.pk) is False
    with django_capture_on_commit_callbacks() as callbacks:
        assert import_jobs_requeue_abandoned() == [job.pk]
    assert len(callbacks) == 1  # the task is enqueued once the requeue commits
    assert import_jobs_requeue_abandoned() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert AuditRecord.objects.filter(action="certificate.import.requeue", object_id=str(job.pk)).count() == 1
    job = import_job_run(job, parallel=False)
    assert (job.status, job.rows_created) == ("done", 4)
    assert Certificate.objects.filter(filing=cert_filing).count() == 4


def test_without_postgres_a_running_job_is_requeued_only_once_its_heartbeat_is_stale(
    cert_filing, batch, wuxi_institution, settings
):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL uses the liveness lock (tests above)")
    job = _queued(cert_filing, wuxi_institution)
    _as_if_claimed_by_a_node(job)
    assert import_jobs_requeue_abandoned() == []
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=clock.now() - dt.timedelta(minutes=16), started_at=clock.now() - dt.timedelta(minutes=16)
    )
    assert import_jobs_requeue_abandoned() == [job.pk]


@pytest.mark.postgres
def test_a_long_import_on_another_node_is_not_taken_for_stale(cert_filing, batch, wuxi_institution):
    first = _queued(cert_filing, wuxi_institution)
    node = _other_node()
    try:
        node.execute("SELECT pg_advisory_lock(%s, %s)", [cluster.NAMESPACE, first.pk])
        old = clock.now() - dt.timedelta(minutes=60)
        ImportJob.objects.filter(pk=first.pk).update(status=ImportStatus.RUNNING, started_at=old, heartbeat_at=old)
        second = _queued(cert_filing, wuxi_institution, n=2)
        with pytest.raises(DomainError) as exc:
            import_job_run(second, parallel=False)
        assert exc.value.code == "IMPORT_BUSY"
        first.refresh_from_db()
        assert first.status == ImportStatus.RUNNING  # not failed while its node works on it
    finally:
        node.close()
