"""Uploads on S3-compatible object storage (issue 16), against moto in server mode on loopback (MinIO and Ceph RGW
speak the same API; production runs one of those)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from skillreg.core import objectstore

pytest.importorskip("moto")
pytest.importorskip("boto3")

from skillreg.core.s3testing import BUCKET, moto_server, s3_client, s3_storages  # noqa: E402


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[Any]:
    with override_settings(STORAGES=s3_storages(s3_endpoint), SKILLREG_S3_BUCKET=BUCKET):
        assert not objectstore.is_local()
        yield s3_client(s3_endpoint)


def keys(client: Any) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_file_is_stored_read_and_deleted_in_the_bucket(s3, tmp_path):
    local = tmp_path / "m.pdf"
    local.write_bytes(b"%PDF-1.4 material")
    objectstore.save_file("materials/abc.pdf", local)
    assert not local.exists()
    assert "materials/abc.pdf" in keys(s3)
    with objectstore.open_file("materials/abc.pdf") as fh:
        assert fh.read() == b"%PDF-1.4 material"
    with objectstore.local_copy("materials/abc.pdf") as path:
        assert path.read_bytes() == b"%PDF-1.4 material"
    objectstore.delete("materials/abc.pdf")
    assert "materials/abc.pdf" not in keys(s3)


@pytest.mark.django_db
def test_readyz_checks_the_bucket(s3, client):
    body = client.get("/readyz").json()
    assert body["checks"]["storage"]["status"] == "ok"
