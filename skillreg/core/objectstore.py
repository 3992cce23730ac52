"""Where uploaded files live (issue 16): Django's default storage — local files in MEDIA_ROOT by default, an S3
bucket (MinIO, Ceph RGW) when ``SKILLREG_S3_BUCKET`` is set — so that every application node sees every file.

Files holding personal data in clear (a certificate import file carries full ID numbers) are stored encrypted
(``encrypt=True``): SM4-GCM in 1 MiB chunks through the key provider (``core.crypto``), each chunk bound to the
object's name, its index and whether it is the last, so that a chunk moved, dropped, reordered or cut off fails to
decrypt. Readers that need a file on disk (openpyxl, the CSV reader) get a private temporary copy, deleted after.
"""

from __future__ import annotations

import os
import secrets
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

from . import crypto

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


def _aad(name: str, index: int, final: bool) -> bytes:
    return f"skillreg.objectstore:{name}#{index}#{'F' if final else 'C'}".encode()


def encrypt_file(src: IO[bytes], dst: IO[bytes], *, name: str) -> None:
    provider = crypto.provider()
    key_id = provider.current_key_id()
    dst.write(MAGIC)
    kid = key_id.encode()
    dst.write(bytes([len(kid)]) + kid)
    index = 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK) if chunk else b""
        final = not following
        nonce = secrets.token_bytes(_NONCE)
        sealed = nonce + provider.sm4_gcm_encrypt(key_id, nonce, chunk, _aad(name, index, final))
        dst.write(_HEADER.pack(len(sealed)) + sealed)
        if final:
            return
        chunk, index = following, index + 1


def decrypt_file(src: IO[bytes], dst: IO[bytes], *, name: str) -> None:
    """Writes the plaintext of an encrypted file; a file without the header is copied as it is (files stored
    before encryption was introduced)."""
    head = src.read(len(MAGIC))
    if head != MAGIC:
        dst.write(head)
        shutil.copyfileobj(src, dst)
        return
    provider = crypto.provider()
    size = src.read(1)
    if not size:
        raise CorruptFile("truncated header")
    key_id = src.read(size[0]).decode()
    index = 0
    raw = src.read(_HEADER.size)
    while True:
        if len(raw) < _HEADER.size:
            raise CorruptFile("file ends before its last chunk")
        sealed = src.read(_HEADER.unpack(raw)[0])
        nonce, body = sealed[:_NONCE], sealed[_NONCE:]
        raw = src.read(_HEADER.size)
        final = not raw
        try:
            dst.write(provider.sm4_gcm_decrypt(key_id, nonce, body, _aad(name, index, final)))
        except Exception as exc:
            raise CorruptFile(f"chunk {index} does not decrypt") from exc
        if final:
            return
        index += 1


def save_file(name: str, local: Path, *, encrypt: bool = False) -> None:
    """Move a finished local file into storage under ``name`` (the local file is gone afterwards)."""
    if is_local() and not encrypt:
        target = _local_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local, target)
        return
    if encrypt:
        sealed = local.with_name(local.name + ".enc")
        try:
            with open(local, "rb") as src, open(sealed, "wb") as dst:
                encrypt_file(src, dst, name=name)
        except BaseException:
            sealed.unlink(missing_ok=True)
            raise
        local.unlink(missing_ok=True)
        local = sealed
    try:
        if is_local():
            target = _local_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(local, target)
        else:
            with open(local, "rb") as fh:
                saved = default_storage.save(name, File(fh))
            if saved != name:  # storage names are random; a clash would mean a mix-up
                default_storage.delete(saved)
                raise CorruptFile(f"storage renamed {name} to {saved}")
    finally:
        local.unlink(missing_ok=True)


@contextmanager
def local_copy(name: str, *, encrypted: bool = False) -> Iterator[Path]:
    """The stored file as a path on this node: the file itself for plain local files, else a private temporary
    copy (decrypted), removed when the block ends."""
    if is_local() and not encrypted:
        yield _local_path(name)
        return
    fd, tmp = tempfile.mkstemp(prefix="skillreg-", suffix=Path(name).suffix, dir=_tmp_dir())
    try:
        with os.fdopen(fd, "wb") as out, open_raw(name) as src:
            if encrypted:
                decrypt_file(src, out, name=name)
            else:
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
