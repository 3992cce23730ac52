"""A certificate import with uploads in S3-compatible object storage (moto server on loopback, issue 16): the file
reaches the bucket SM4-encrypted, the import reads it back, and nothing of it is left in the bucket afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from skillreg.certificates.imports import import_job_create, import_job_run
from skillreg.certificates.models import Certificate
from skillreg.core import filecrypt
from skillreg.core.testing import upload

from .conftest import good_row, to_csv, to_xlsx

pytest.importorskip("moto")

from skillreg.core.s3testing import BUCKET, moto_server, s3_client, s3_storages  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[Any]:
    with override_settings(STORAGES=s3_storages(s3_endpoint), SKILLREG_S3_BUCKET=BUCKET):
        yield s3_client(s3_endpoint)


def test_an_import_runs_from_the_bucket_and_leaves_no_upload_there(s3, cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in range(1, 4)]
    job = import_job_create(
        filing=cert_filing,
        actor=wuxi_institution,
        fileobj=upload(to_xlsx(rows), "证书.xlsx"),
        name="证书.xlsx",
        mode="all_or_nothing",
    )
    stored = s3.get_object(Bucket=BUCKET, Key=job.storage_name)["Body"].read()
    assert stored.startswith(filecrypt.MAGIC) and rows[0]["id_number"].encode() not in stored
    job = import_job_run(job, parallel=False)
    assert (job.status, job.rows_created) == ("done", 3), job.first_errors
    assert Certificate.objects.filter(filing=cert_filing).count() == 3
    assert not [
        k for k in (o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])) if k.endswith(".upload")
    ]


def test_the_error_workbook_is_in_the_bucket_and_downloads(s3, cert_filing, batch, wuxi_institution, client):
    rows = [good_row(cert_filing, 1), good_row(cert_filing, 2, level=6)]
    job = import_job_create(
        filing=cert_filing,
        actor=wuxi_institution,
        fileobj=upload(to_csv(rows), "证书.csv"),
        name="证书.csv",
        mode="all_or_nothing",
    )
    job = import_job_run(job, parallel=False)
    assert (job.status, job.rows_invalid) == ("rejected", 1)
    assert job.errors_storage_name
    s3.head_object(Bucket=BUCKET, Key=job.errors_storage_name)
    client.force_login(wuxi_institution)
    response = client.get(f"/certificates/imports/{job.public_id}/errors.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
