"""Test helper: moto's S3 server on a free loopback port (the object-storage tests and scripts/cluster use it;
production runs MinIO or Ceph RGW, which speak the same API)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUCKET = "skillreg-test"
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server(bucket: str = BUCKET) -> Iterator[str]:
    """Starts ``moto_server`` on 127.0.0.1, creates ``bucket``, yields the endpoint URL, stops it after."""
    import boto3

    port = free_port()
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    proc = subprocess.Popen(  # noqa: S603 - our own venv's moto
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto server did not start")
        boto3.client("s3", endpoint_url=url, **KEYS).create_bucket(Bucket=bucket)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def s3_client(url: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=url, **KEYS)


def s3_storages(url: str, bucket: str = BUCKET) -> dict[str, dict[str, Any]]:
    """A STORAGES setting with the default storage in that bucket (as config/settings.py builds it)."""
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": url,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "region_name": KEYS["region_name"],
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
