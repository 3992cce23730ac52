"""Files encrypted at rest with the data key: SM4-GCM in 1 MiB segments (issue 12, item 7).

An uploaded certificate report holds plain ID numbers (one had ~119,000). It is written encrypted as it
arrives and decrypted only into an anonymous temporary file (``O_TMPFILE``: no name on disk, gone when closed
or when the process dies) while the import reads it.

Format: ``SKRENC1\\n``, the key id (one length byte + ASCII), then segments of ``length (4 bytes) · nonce (12) ·
ciphertext+tag``. Each segment's associated data binds it to the file's purpose (``aad``), its index and
whether it is the last one, so that segments cannot be reordered, dropped or the file cut short unnoticed.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path
from typing import IO

from . import crypto

MAGIC = b"SKRENC1\n"
SEGMENT = 1024 * 1024


def _aad(aad: str, index: int, last: bool) -> bytes:
    return f"{aad}|{index}|{'last' if last else 'more'}".encode()


class StreamEncryptor:
    """``write`` plaintext in any pieces, then ``close``; writes the encrypted form to ``out``."""

    def __init__(self, out: IO[bytes], *, aad: str):
        self.out, self.aad = out, aad
        self.provider = crypto.provider()
        self.key_id = self.provider.current_key_id()
        key = self.key_id.encode()
        out.write(MAGIC + bytes([len(key)]) + key)
        self.buffer = bytearray()
        self.index = 0

    def _segment(self, data: bytes, last: bool) -> None:
        nonce = os.urandom(12)
        body = self.provider.sm4_gcm_encrypt(self.key_id, nonce, data, _aad(self.aad, self.index, last))
        self.out.write(struct.pack(">I", len(body)) + nonce + body)
        self.index += 1

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > SEGMENT:  # keep at least one byte back: the last segment is marked as last
            self._segment(bytes(self.buffer[:SEGMENT]), last=False)
            del self.buffer[:SEGMENT]

    def close(self) -> None:
        self._segment(bytes(self.buffer), last=True)
        self.buffer = bytearray()


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def decrypt_to_temporary(path: Path, *, aad: str) -> IO[bytes]:
    """The plaintext of ``path`` in an anonymous temporary file next to it, positioned at 0; the caller closes
    it. ``crypto.DecryptionError`` if anything was changed, reordered or cut off."""
    provider = crypto.provider()
    out = tempfile.TemporaryFile(dir=path.parent)  # noqa: SIM115 - returned to the caller, who closes it
    try:
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise crypto.DecryptionError("不是加密存储的文件")
            key_id = fh.read(fh.read(1)[0]).decode()
            index = 0
            while True:
                head = fh.read(4)
                if len(head) < 4:
                    raise crypto.DecryptionError("加密文件不完整")
                (length,) = struct.unpack(">I", head)
                nonce, body = fh.read(12), fh.read(length)
                if len(nonce) < 12 or len(body) < length:
                    raise crypto.DecryptionError("加密文件不完整")
                last = fh.peek(1)[:1] == b"" if hasattr(fh, "peek") else False
                out.write(provider.sm4_gcm_decrypt(key_id, nonce, body, _aad(aad, index, last)))
                index += 1
                if last:
                    break
        out.seek(0)
        return out
    except BaseException:
        out.close()
        raise
