"""The files and sinks of a certificate import: the encrypted upload (issue 12, item 7), the error workbook,
the per-item results of the JSON API and the progress shown while a job runs. No job status is written here
(that is ``imports``, the job's state machine)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings

from skillreg.core import crypto, filecrypt, objectstore
from skillreg.core.uploads import secure_file

from .models import ImportJob, ImportStatus
from .pipeline import Sink, Totals, read_progress
from .readers import FileUnreadable, Source, open_source
from .rows import LABELS, RowError
from .writer import CREATED, INVALID

SUBDIR = "cert-imports"
KEY_BY_LABEL = {label: key for key, label in LABELS.items()}


def root() -> Path:
    root = Path(settings.MEDIA_ROOT) / SUBDIR
    root.mkdir(parents=True, exist_ok=True)
    return root


def upload_aad(storage_name: str) -> str:
    return f"certificates.importjob.upload#{storage_name}"


def open_upload(job: ImportJob) -> Source:
    """The upload's rows: decrypted into an anonymous temporary file (older plain uploads read as they are).
    On object storage (issue 16) the sealed bytes are fetched to a private temporary copy first."""
    if not objectstore.is_local():
        try:
            with objectstore.local_copy(job.storage_name) as fetched:
                plain = filecrypt.decrypt_to_temporary(fetched, aad=upload_aad(job.storage_name))
        except (crypto.DecryptionError, objectstore.CorruptFile, OSError):
            raise FileUnreadable("IMPORT_FILE_CORRUPT", "上传的文件已损坏，无法读取，请重新上传") from None
        return open_source(plain)
    path = Path(settings.MEDIA_ROOT) / job.storage_name
    try:
        encrypted = bool(job.storage_name) and filecrypt.is_encrypted(path)
    except FileNotFoundError:
        encrypted = False
    if not encrypted:
        return open_source(path)
    try:
        plain = filecrypt.decrypt_to_temporary(path, aad=upload_aad(job.storage_name))
    except crypto.DecryptionError:
        raise FileUnreadable("IMPORT_FILE_CORRUPT", "上传的文件已损坏，无法读取，请重新上传") from None
    return open_source(plain)


class ErrorBook(Sink):
    """The error workbook (行号, 列, 错误代码, 说明), written while the import runs (openpyxl write-only: flat)."""

    HEADERS = ("行号", "列", "错误代码", "说明")

    def __init__(self, job: ImportJob):
        super().__init__()
        self.job = job
        self.storage_name = ""
        self._wb: Any = None
        self._ws: Any = None

    def errors(self, errors: list[RowError]) -> None:
        super().errors(errors)
        if not errors:
            return
        if self._wb is None:
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet("错误清单")
            self._ws.append(list(self.HEADERS))
        for e in errors:
            self._ws.append([e.row or "—", e.column, e.code, e.message])

    def close(self, totals: Totals) -> None:
        if self._wb is None:
            return
        name = f"{SUBDIR}/{self.job.public_id}-errors.xlsx"
        local = root() / f".tmp-{secrets.token_hex(12)}.xlsx"
        self._wb.save(local)
        secure_file(local)
        objectstore.save_file(name, local)  # local storage: moved into place; S3: uploaded (issue 16)
        self._wb = None
        self.storage_name = name


class ItemResults(Sink):
    """One result per item, in order: created / unchanged / invalid / not_imported (all_or_nothing rejected)."""

    def __init__(self, count: int):
        super().__init__()
        self.results: list[dict[str, Any]] = [
            {"index": i, "status": INVALID, "number": "", "errors": []} for i in range(1, count + 1)
        ]

    def errors(self, errors: list[RowError]) -> None:
        super().errors(errors)
        for e in errors:
            if 1 <= e.row <= len(self.results):
                self.results[e.row - 1]["errors"].append(
                    {"field": KEY_BY_LABEL.get(e.column, ""), "column": e.column, "code": e.code, "message": e.message}
                )

    def outcomes(self, items: list[tuple[int, str, str]]) -> None:
        for row, status, number in items:
            self.results[row - 1] |= {"status": status, "number": number}  # a dict per item, not a model

    def close(self, totals: Totals) -> None:
        if not totals.committed:
            for r in self.results:
                if r["status"] == CREATED:
                    r |= {"status": "not_imported", "number": ""}


def import_progress(job: ImportJob) -> dict[str, Any]:
    """Counters for the progress page: the side channel while running, the job row once finished."""
    data = {
        "status": job.status,
        "status_label": ImportStatus(job.status).label,
        "finished": job.is_finished,
        "rows_read": job.rows_read,
        "rows_valid": job.rows_valid,
        "rows_invalid": job.rows_invalid,
        "rows_created": job.rows_created,
        "rows_unchanged": job.rows_unchanged,
        "estimated_rows": 0,
        "message": job.message,
    }
    if job.status == ImportStatus.RUNNING:
        live = read_progress(job.public_id)
        if live:
            data.update({k: v for k, v in live.items() if k in data or k == "estimated_rows"})
    return data


def discard_upload(job: ImportJob) -> None:
    """The uploaded file (plain ID numbers) goes as soon as the job has finished, whatever the outcome."""
    if job.is_finished and job.storage_name:
        objectstore.delete(job.storage_name)
        ImportJob.objects.filter(pk=job.pk).update(storage_name="")
        job.storage_name = ""
