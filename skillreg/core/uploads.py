"""Checked storage of uploaded files: size limit, type by content (not by name), random storage
names outside the web root. Office files are opened as zips to refuse zip bombs."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from . import objectstore
from .errors import ValidationFailed

logger = logging.getLogger("skillreg.security")

# extension by detected type → allowed display name
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX"
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops reading a multipart body once its files exceed
    SKILLREG_UPLOAD_MAX_BYTES, without reading the rest (a chunked body has no Content-Length for
    ``RequestSizeLimitMiddleware`` to refuse up front). The partial file is discarded."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # type: ignore[no-untyped-def]
        self.total = 0
        self.limit = settings.SKILLREG_UPLOAD_MAX_BYTES

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > self.limit:
            logger.warning("upload stopped after %s bytes (limit %s)", self.total, self.limit)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def sanitise_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "未命名文件")[:150]


def name_for_type(name: str, ext: str) -> str:
    """The display name with the extension of the detected type (``备案说明.html`` holding a PDF is served as
    ``备案说明.pdf``, never as a page, a script or a program: issue 12, item 5)."""
    stem = sanitise_name(name)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0].rstrip(" .") or "未命名文件"
    return f"{stem[: 150 - len(ext) - 1]}.{ext}" if ext else stem


def download_name(original_name: str, storage_name: str) -> str:
    """The attachment name of a stored file: its extension is the stored (detected) type's."""
    ext = storage_name.rsplit(".", 1)[-1].lower() if "." in storage_name.rsplit("/", 1)[-1] else ""
    return name_for_type(original_name, ext if ext in ALLOWED else "")


def _apply_modes(path: Path, root: Path) -> None:
    """The configured modes (FILE_UPLOAD_PERMISSIONS, FILE_UPLOAD_DIRECTORY_PERMISSIONS) on a stored file and
    every folder from MEDIA_ROOT down to it: the process umask would give 0644 and 0755 (issue 12, item 7)."""
    file_mode = getattr(settings, "FILE_UPLOAD_PERMISSIONS", None)
    dir_mode = getattr(settings, "FILE_UPLOAD_DIRECTORY_PERMISSIONS", None)
    if file_mode is not None and path.is_file():
        os.chmod(path, file_mode)
    if dir_mode is not None:
        media = Path(settings.MEDIA_ROOT).resolve()
        folder = path.parent.resolve()
        while folder == media or media in folder.parents:
            os.chmod(folder, dir_mode)
            if folder == media:
                break
            folder = folder.parent


def secure_file(path: Path) -> None:
    """Apply the configured modes to a file written under MEDIA_ROOT (and to its folders)."""
    _apply_modes(Path(path), Path(settings.MEDIA_ROOT))


def _check_office_zip(path: Path, kind: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
            packed = max(sum(i.compress_size for i in zf.infolist()), 1)
    except zipfile.BadZipFile:
        raise ValidationFailed("文件已损坏，无法打开", code="UPLOAD_CORRUPT", field="file") from None
    needed = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    if needed not in names:
        raise ValidationFailed("文件内容与 Office 文档格式不符", code="UPLOAD_TYPE_MISMATCH", field="file")
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise ValidationFailed("文件解压后体积异常（疑似压缩炸弹），已拒收", code="UPLOAD_ZIP_BOMB", field="file")


def store_upload(fileobj: IO[bytes], original_name: str, *, subdir: str) -> StoredFile:
    """Stream to a temp file while hashing and counting; check the type by content; then rename
    into place. On any error the temp file is removed and nothing is kept."""
    limit = settings.SKILLREG_UPLOAD_MAX_BYTES
    root = Path(settings.MEDIA_ROOT) / subdir
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{secrets.token_hex(12)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as out:
            secure_file(tmp)
            while chunk := fileobj.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        f"文件超过大小上限 {limit // (1024 * 1024)} MB", code="UPLOAD_TOO_LARGE", field="file"
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("文件为空", code="UPLOAD_EMPTY", field="file")
        with open(tmp, "rb") as fh:
            kind = filetype.guess(fh.read(8192))
        ext = kind.extension if kind else ""
        if ext not in ALLOWED:
            raise ValidationFailed(
                f"文件类型不被接受（按文件内容识别），仅接受 {ALLOWED_LABEL}",
                code="UPLOAD_TYPE_NOT_ALLOWED",
                field="file",
            )
        if ext in {"docx", "xlsx"}:
            _check_office_zip(tmp, ext)
        storage_name = f"{subdir}/{secrets.token_hex(16)}.{ext}"
        objectstore.save_file(storage_name, tmp)
    except ValidationFailed as exc:
        tmp.unlink(missing_ok=True)
        logger.warning("upload refused: %s %r (%s bytes read)", exc.code, sanitise_name(original_name), size)
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StoredFile(storage_name, name_for_type(original_name, ext), ALLOWED[ext], size, digest.hexdigest())


def open_stored(storage_name: str) -> IO[bytes]:
    try:
        return objectstore.open_file(storage_name)
    except objectstore.CorruptFile:
        raise ValidationFailed("非法的文件路径", code="UPLOAD_BAD_PATH") from None


def remove_stored(storage_name: str) -> None:
    objectstore.delete(storage_name)
