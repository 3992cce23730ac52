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
    """The error workbook: for every faulty row its row number, the column at fault and the reason in Chinese —
    no internal error codes — followed by the row exactly as it was uploaded, so that it can be corrected in
    place and uploaded again (issue 11). Errors are kept until the end (the original cells are read back from the
    stored upload then, in one pass); past ``ORIGINAL_ROWS_CAP`` faulty rows the rest are listed without them."""

    HEADERS = ("行号", "出错的列", "错误说明")
    ORIGINAL_ROWS_CAP = 100_000

    def __init__(self, job: ImportJob):
        super().__init__()
        self.job = job
        self.storage_name = ""
        self._errors: list[tuple[int, str, str]] = []

    def errors(self, errors: list[RowError]) -> None:
        super().errors(errors)
        self._errors.extend((e.row, e.column, e.message) for e in errors)

    def _original_rows(self, wanted: set[int]) -> dict[int, dict[str, Any]]:
        if not wanted or not self.job.storage_name:
            return {}
        found: dict[int, dict[str, Any]] = {}
        try:
            source = open_upload(self.job)  # decrypted into an anonymous temporary file (issue 12, item 7)
            for n, cells, _errs in source.records:
                if n in wanted and cells is not None:
                    found[n] = cells
                    if len(found) == len(wanted):
                        break
        except (FileUnreadable, OSError, ValueError):
            pass  # the file itself is at fault (listed as such); its rows cannot be shown
        return found

    def close(self, totals: Totals) -> None:
        if not self._errors:
            return
        from openpyxl import Workbook

        from .columns import COLUMNS

        rows = sorted({r for r, _c, _m in self._errors if r})
        originals = self._original_rows(set(rows[: self.ORIGINAL_ROWS_CAP]))
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("错误清单")
        ws.append([*self.HEADERS, *(f"原{c.label}" for c in COLUMNS)])
        for row, column, message in sorted(self._errors, key=lambda e: e[0]):
            cells = originals.get(row) or {}
            ws.append([row or "—", column, message, *(_cell(c.key, cells.get(c.key)) for c in COLUMNS)])
        name = f"{SUBDIR}/{self.job.public_id}-errors.xlsx"
        local = root() / f".tmp-{secrets.token_hex(12)}.xlsx"
        wb.save(local)
        secure_file(local)
        objectstore.save_file(name, local)  # local storage: moved into place; S3: uploaded (issue 16)
        self._errors = []
        self.storage_name = name


def _cell(key: str, value: Any) -> Any:
    """A cell as uploaded; text stays text. The ID number is masked (前6后4): the workbook rests on disk and
    leaves the system, and the row number finds the row in the applicant's own file."""
    if value is None:
        return ""
    if key == "id_number":
        from skillreg.core.crypto import mask_id_number

        return mask_id_number(str(value).strip()) if len(str(value).strip()) >= 10 else str(value)
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else str(value)


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
