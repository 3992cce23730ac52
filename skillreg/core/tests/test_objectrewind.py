"""Uploads bucket back to a point in time after a database recovery (issue 16, item 7; scripts/pitr-drill):
``manage.py objectstore rewind`` against moto's S3 server with versioning (MinIO and Ceph RGW speak the same API)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from skillreg.audit.models import AuditRecord
from skillreg.core import objectstore
from skillreg.core.ops import objectrewind

pytest.importorskip("moto")
pytest.importorskip("boto3")

from skillreg.core.s3testing import BUCKET, moto_server, s3_client, s3_storages  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[Any]:
    client = s3_client(s3_endpoint)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    with override_settings(STORAGES=s3_storages(s3_endpoint), SKILLREG_S3_BUCKET=BUCKET):
        yield client
    for v in client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        client.delete_object(Bucket=BUCKET, Key=v["Key"], VersionId=v["VersionId"])
    for m in client.list_object_versions(Bucket=BUCKET).get("DeleteMarkers", []):
        client.delete_object(Bucket=BUCKET, Key=m["Key"], VersionId=m["VersionId"])


def put(name: str, data: bytes, tmp_path: Any) -> None:
    local = tmp_path / name.replace("/", "_")
    local.write_bytes(data)
    objectstore.save_file(name, local)


def read(name: str) -> bytes:
    with objectstore.open_raw(name) as fh:
        return fh.read()


def test_the_bucket_goes_back_to_the_time_the_database_was_recovered_to(s3, tmp_path):
    put("imports/kept.csv", b"kept", tmp_path)
    put("imports/deleted-after.csv", b"deleted later", tmp_path)
    time.sleep(1.1)  # moto's version times have one-second resolution
    target = dt.datetime.now(dt.UTC)
    time.sleep(1.1)
    objectstore.delete("imports/deleted-after.csv")  # an import's file, deleted once imported
    put("imports/written-after.csv", b"new", tmp_path)

    todo = objectrewind.plan(s3, BUCKET, target)
    assert todo.restore and [k for k, _ in todo.restore] == ["imports/deleted-after.csv"]
    assert todo.remove == ["imports/written-after.csv"] and todo.unchanged == 1
    assert not objectstore.exists("imports/deleted-after.csv")  # a plan changes nothing

    call_command("objectstore", "rewind", "--to", target.isoformat())
    assert read("imports/deleted-after.csv") == b"deleted later"
    assert read("imports/kept.csv") == b"kept"
    assert not objectstore.exists("imports/written-after.csv")
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="imports/written-after.csv")
    assert versions["Versions"]  # removed by a delete marker: its bytes are still kept by the store
    record = AuditRecord.objects.get(action="objectstore.rewind")
    assert record.after == {"restored": 1, "removed": 1, "unchanged": 1}
    # Running it again changes nothing.
    again = objectrewind.plan(s3, BUCKET, target)
    assert (again.restore, again.remove) == ([], [])


def test_a_dry_run_only_tells(s3, tmp_path, capsys):
    time.sleep(1.1)
    target = dt.datetime.now(dt.UTC)
    time.sleep(1.1)
    put("materials/after.pdf", b"%PDF", tmp_path)
    call_command("objectstore", "rewind", "--to", target.isoformat(), "--dry-run")
    assert "将移除 1 个" in capsys.readouterr().out
    assert objectstore.exists("materials/after.pdf")
    assert not AuditRecord.objects.filter(action="objectstore.rewind").exists()


@pytest.mark.parametrize(("value", "message"), [("yesterday", "时间格式不正确"), ("2026-12-01T10:00:00", "须带时区")])
def test_a_bad_time_is_refused_in_chinese(s3, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("objectstore", "rewind", "--to", value)


def test_a_bucket_without_versioning_is_refused(s3_endpoint):
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket="no-versions")
    with (
        override_settings(STORAGES=s3_storages(s3_endpoint, "no-versions"), SKILLREG_S3_BUCKET="no-versions"),
        pytest.raises(CommandError, match="未开启版本控制"),
    ):
        call_command("objectstore", "rewind", "--to", "2026-12-01T10:00:00+08:00")


def test_local_uploads_have_nothing_to_rewind(settings):
    settings.SKILLREG_S3_BUCKET = ""
    with pytest.raises(CommandError, match="未配置对象存储"):
        call_command("objectstore", "rewind", "--to", "2026-12-01T10:00:00+08:00")
