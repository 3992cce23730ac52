"""Bulk reporting of certificates (证书数据上报): upload → ImportJob → pipeline → error workbook.

``import_job_create`` stores the file and the job (audited); ``import_job_run`` claims it (one running
import per institution), runs the pipeline and records the result with its audit entry in the transaction
that publishes the rows. ``certificates_report`` does the same for the JSON API, answering item by item.
Large uploads run on the huey queue (``tasks.import_job_task``); small ones inline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import DomainError, ValidationFailed
from skillreg.core.uploads import sanitise_name
from skillreg.institutions.models import Filing

from .context import load_facts
from .models import ImportJob, ImportMode, ImportStatus
from .pipeline import Run, Sink, Totals, progress_path, read_progress, write_progress
from .readers import FileUnreadable, json_records, open_source
from .rows import COLUMNS, LABELS, InstitutionFacts, RowError
from .services import check_actor_for_filing
from .writer import CREATED, INVALID

log = logging.getLogger(__name__)
SUBDIR = "cert-imports"
KEY_BY_LABEL = {label: key for key, label in LABELS.items()}


def _root() -> Path:
    root = Path(settings.MEDIA_ROOT) / SUBDIR
    root.mkdir(parents=True, exist_ok=True)
    return root


def _actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, str):
        return {"created_by": None, "actor_label": actor[:150]}
    return {"created_by": actor, "actor_label": actor.get_username()}


def import_job_create(
    *, filing: Filing, actor: Any, fileobj: IO[bytes], name: str, mode: str, source: str = "upload"
) -> ImportJob:
    """Store an uploaded report (streamed, hashed, size-limited) and queue its import."""
    check_actor_for_filing(actor, filing)
    if mode not in ImportMode.values:
        raise ValidationFailed("请选择导入方式", code="IMPORT_MODE_INVALID", field="mode")
    limit = int(getattr(settings, "SKILLREG_CERT_IMPORT_MAX_BYTES", 512 * 1024 * 1024))
    storage = f"{SUBDIR}/{secrets.token_hex(16)}.upload"
    path = Path(settings.MEDIA_ROOT) / storage
    _root()
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "wb") as out:
            while chunk := fileobj.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        f"文件超过大小上限 {limit // 1024**2} MB", code="UPLOAD_TOO_LARGE", field="file"
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("文件为空", code="UPLOAD_EMPTY", field="file")
        sha = digest.hexdigest()
        with transaction.atomic():
            same = ImportJob.objects.filter(filing=filing, sha256=sha).exclude(status=ImportStatus.FAILED).first()
            job = ImportJob.objects.create(
                filing=filing,
                source=source,
                mode=mode,
                original_name=sanitise_name(name),
                storage_name=storage,
                size=size,
                sha256=sha,
                same_file_as=same,
                created_at=clock.now(),
                **_actor_fields(actor),
            )
            audit_record(
                actor=actor,
                action="certificate.import.create",
                obj=job,
                summary=f"{filing.name} 上传证书数据 {job.original_name}（{size} 字节）",
                after={"sha256": sha, "mode": mode, "same_file_as": same.pk if same else None},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


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
            source = open_source(Path(settings.MEDIA_ROOT) / self.job.storage_name)
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
        wb.save(Path(settings.MEDIA_ROOT) / name)
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


def _status(t: Totals) -> str:
    if t.failed:
        return ImportStatus.FAILED
    if t.rows_invalid == 0:
        return ImportStatus.DONE
    return ImportStatus.PARTIAL if t.committed else ImportStatus.REJECTED


def _message(t: Totals, mode: str) -> str:
    if t.failed:
        kept = f"；此前正确的 {t.rows_created} 行已导入" if t.committed and t.rows_created else "；未导入任何数据"
        return t.failed + kept
    if t.rows_invalid == 0:
        return f"全部 {t.rows_read} 行正确：新登记 {t.rows_created} 张，已登记未变 {t.rows_unchanged} 张。"
    if not t.committed:
        return (
            f"共 {t.rows_read} 行，其中 {t.rows_invalid} 行有错误。按“全部正确才导入”，未导入任何数据；"
            "请下载错误清单修改后重新上传。"
        )
    return (
        f"共 {t.rows_read} 行：新登记 {t.rows_created} 张，已登记未变 {t.rows_unchanged} 张，"
        f"{t.rows_invalid} 行有错误未导入。"
    )


def _finalizer(job: ImportJob, actor: Any, sink: Sink) -> Any:
    def finalize(t: Totals) -> None:
        status = _status(t)
        ImportJob.objects.filter(pk=job.pk).update(
            status=status,
            rows_read=t.rows_read,
            rows_valid=t.rows_valid,
            rows_invalid=t.rows_invalid,
            rows_created=t.rows_created,
            rows_unchanged=t.rows_unchanged,
            errors_count=t.errors_count,
            first_errors=sink.first_errors,
            errors_storage_name=getattr(sink, "storage_name", ""),
            message=_message(t, job.mode),
            finished_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="certificate.import",
            object_type="certificates.importjob",
            object_id=job.pk,
            summary=f"{job.filing.name} 证书数据导入：{ImportStatus(status).label}，新登记 {t.rows_created} 张",
            after={k: v for k, v in t.as_dict().items() if k != "failed"} | {"status": status, "sha256": job.sha256},
            result="ok" if status == ImportStatus.DONE else status,
            rule="CQ-4",
        )

    return finalize


def _on_chunk(job: ImportJob) -> Any:
    def update(t: Totals) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows_read=t.rows_read,
            rows_valid=t.rows_valid,
            rows_invalid=t.rows_invalid,
            rows_created=t.rows_created,
            rows_unchanged=t.rows_unchanged,
            heartbeat_at=clock.now(),
        )

    return update


def _progress_to(job: ImportJob, also: Callable[[Totals], None] | None) -> Callable[[Totals], None]:
    def progress(t: Totals) -> None:
        write_progress(job.public_id, t)
        if also:
            also(t)

    return progress


def _is_stale(job: ImportJob) -> bool:
    minutes = int(getattr(settings, "SKILLREG_CERT_IMPORT_STALE_MINUTES", 15))
    beat = job.heartbeat_at or job.started_at or job.created_at
    path = progress_path(job.public_id)
    if path.exists():
        beat = max(beat, dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC))
    return clock.now() - beat > dt.timedelta(minutes=minutes)


def _claim(job: ImportJob) -> bool:
    for other in ImportJob.objects.filter(filing_id=job.filing_id, status=ImportStatus.RUNNING).exclude(pk=job.pk):
        if _is_stale(other):
            ImportJob.objects.filter(pk=other.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.FAILED, message="导入中断（处理进程已停止），请重新上传", finished_at=clock.now()
            )
    try:
        with transaction.atomic():
            now = clock.now()
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
                status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now
            )
    except IntegrityError:
        return False
    return claimed == 1


def _fail(job: ImportJob, actor: Any, error: RowError) -> None:
    sink = ErrorBook(job)
    sink.errors([error])
    totals = Totals(failed=error.message)
    with transaction.atomic():
        sink.close(totals)
        _finalizer(job, actor, sink)(totals)


def job_run(
    job: ImportJob,
    facts: InstitutionFacts,
    *,
    all_or_nothing: bool,
    estimated_rows: int,
    on_progress: Callable[[Totals], None] | None = None,
) -> Run:
    """The pipeline run of a job, with its error workbook, counters, progress file, final update and audit."""
    actor = job.created_by or job.actor_label or "system"
    sink = ErrorBook(job)
    return Run(
        facts=facts,
        job_id=job.pk,
        all_or_nothing=all_or_nothing,
        sink=sink,
        finalize=_finalizer(job, actor, sink),
        on_chunk=_on_chunk(job),
        on_progress=_progress_to(job, on_progress),
        estimated_rows=estimated_rows,
    )


def import_job_run(
    job: ImportJob, *, parallel: bool | None = None, on_progress: Callable[[Totals], None] | None = None
) -> ImportJob:
    """Run a queued job to its end (done / partial / rejected / failed). Safe to call twice. Large files are
    checked here and written by a second process (``parallel``; default: by size, see ``parallel.wanted``).
    The uploaded file (plain ID numbers) is deleted once the job has finished; its name and SHA-256 stay."""
    from . import parallel as two_cores

    if job.is_finished:
        return job
    if not _claim(job):
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY")
    actor = job.created_by or job.actor_label or "system"
    try:
        source = open_source(Path(settings.MEDIA_ROOT) / job.storage_name)
    except FileUnreadable as exc:
        _fail(job, actor, exc.as_error())
        job.refresh_from_db()
        _discard_upload(job)
        return job
    ImportJob.objects.filter(pk=job.pk).update(file_format=source.file_format)
    facts = load_facts(job.filing)
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    if parallel is None:
        parallel = two_cores.wanted(source.estimated_rows)
    try:
        if parallel and two_cores.available():
            two_cores.run_job(
                job_id=job.pk,
                facts=facts,
                records=source.records,
                all_or_nothing=all_or_nothing,
                estimated_rows=source.estimated_rows,
                public_id=job.public_id,
                on_progress=on_progress,
            )
        else:
            run = job_run(
                job, facts, all_or_nothing=all_or_nothing, estimated_rows=source.estimated_rows, on_progress=on_progress
            )
            run.run(source.records)
    except Exception:
        log.exception("certificate import %s failed", job.pk)
        _fail(job, actor, RowError(0, "文件", "IMPORT_INTERNAL_ERROR", "导入过程中发生系统错误，请联系管理员"))
    finally:
        progress_path(job.public_id).unlink(missing_ok=True)
    job.refresh_from_db()
    _discard_upload(job)
    return job


def _discard_upload(job: ImportJob) -> None:
    if job.is_finished and job.storage_name:
        (Path(settings.MEDIA_ROOT) / job.storage_name).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(storage_name="")
        job.storage_name = ""


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


# -- JSON API --------------------------------------------------------------------------------------------------------
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
            self.results[row - 1].update(status=status, number=number)

    def close(self, totals: Totals) -> None:
        if not totals.committed:
            for r in self.results:
                if r["status"] == CREATED:
                    r.update(status="not_imported", number="")


def certificates_report(
    *, filing: Filing, actor: Any, items: list[dict[str, Any]], mode: str
) -> tuple[ImportJob, list[dict[str, Any]]]:
    """Report certificates as JSON items (keys: the template's column keys). Runs inline."""
    check_actor_for_filing(actor, filing)
    limit = int(getattr(settings, "SKILLREG_CERT_API_MAX_ITEMS", 1000))
    if not items:
        raise ValidationFailed("请至少提交一条证书数据", code="REPORT_EMPTY", field="items")
    if len(items) > limit:
        raise ValidationFailed(f"每次最多提交{limit}条，更多数据请上传文件", code="REPORT_TOO_MANY", field="items")
    if mode not in ImportMode.values:
        raise ValidationFailed("导入方式无效", code="IMPORT_MODE_INVALID", field="mode")
    keys = {c.key for c in COLUMNS}
    cleaned = [{k: v for k, v in item.items() if k in keys} for item in items]
    sha = hashlib.sha256(json.dumps(cleaned, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    with transaction.atomic():
        job = ImportJob.objects.create(
            filing=filing,
            source="api",
            mode=mode,
            file_format="json",
            sha256=sha,
            created_at=clock.now(),
            **_actor_fields(actor),
        )
    if not _claim(job):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message="本机构已有导入任务正在处理")
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY")
    sink = ItemResults(len(cleaned))
    try:
        Run(
            facts=load_facts(filing),
            job_id=job.pk,
            all_or_nothing=mode == ImportMode.ALL_OR_NOTHING,
            sink=sink,
            finalize=_finalizer(job, actor, sink),
        ).run(json_records(cleaned))
    except Exception:
        log.exception("certificate report %s failed", job.pk)
        _fail(job, actor, RowError(0, "文件", "IMPORT_INTERNAL_ERROR", "处理过程中发生系统错误，请联系管理员"))
        raise
    job.refresh_from_db()
    return job, sink.results
