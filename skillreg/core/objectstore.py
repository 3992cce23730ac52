"""Where uploaded files live (issue 16): Django's default storage — local files in MEDIA_ROOT by default, an S3
bucket (MinIO, Ceph RGW) when ``SKILLREG_S3_BUCKET`` is set — so that every application node sees every file.

Files holding personal data in clear (a certificate import file carries full ID numbers) reach it already
encrypted by ``core.filecrypt``. Readers that need a file on disk (openpyxl, the CSV reader) get a private temporary
copy, deleted after.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

MAGIC = b"SKREGENC1\n"
CHUNK = 1024 * 1024
_NONCE = 12
_HEADER = struct.Struct(">I")  # length of one sealed chunk


class CorruptFile(Exception):
    pass


def is_local() -> bool:
    return isinstance(default_storage, FileSystemStorage)


def _local_path(name: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if root not in path.parents:
        raise CorruptFile(f"path outside the storage root: {name}")
    return path


def save_file(name: str, local: Path) -> None:
    """Move a finished local file into storage under ``name`` (the local file is gone afterwards). Files that hold
    personal data in clear are encrypted by their writer first (``core.filecrypt``, the certificate import)."""
    if is_local():
        target = _local_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local, target)
        return
    try:
        with open(local, "rb") as fh:
            saved = default_storage.save(name, File(fh))
        if saved != name:  # storage names are random; a clash would mean a mix-up
            default_storage.delete(saved)
            raise CorruptFile(f"storage renamed {name} to {saved}")
    finally:
        local.unlink(missing_ok=True)


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """The stored file as a path on this node: the file itself for local files, else a private temporary copy,
    removed when the block ends."""
    if is_local():
        yield _local_path(name)
        return
    fd, tmp = tempfile.mkstemp(prefix="skillreg-", suffix=Path(name).suffix, dir=_tmp_dir())
    try:
        with os.fdopen(fd, "wb") as out, open_raw(name) as src:
            shutil.copyfileobj(src, out)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def open_raw(name: str) -> IO[bytes]:
    if is_local():
        return open(_local_path(name), "rb")
    return default_storage.open(name, "rb")  # type: ignore[return-value]


def open_file(name: str) -> IO[bytes]:
    """A plain (not encrypted) stored file for reading, e.g. a material served by a download view."""
    return open_raw(name)


def exists(name: str) -> bool:
    if is_local():
        return _local_path(name).exists()
    return bool(default_storage.exists(name))


def delete(name: str) -> None:
    if not name:
        return
    if is_local():
        _local_path(name).unlink(missing_ok=True)
    else:
        default_storage.delete(name)


def _tmp_dir() -> str:
    path = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "tmp"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return str(path)
