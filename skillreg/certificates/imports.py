"""Bulk reporting of certificates (证书数据上报): upload → ImportJob → pipeline → error workbook.

``import_job_create`` stores the file and the job (audited); ``import_job_run`` claims it (one running
import per institution), runs the pipeline and records the result with its audit entry in the transaction
that publishes the rows. ``certificates_report`` does the same for the JSON API, answering item by item.
Large uploads run on the huey queue (``tasks.import_job_task``); small ones inline.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock, cluster, objectstore
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
    # Written here in clear, then stored SM4-encrypted (it holds full ID numbers; core.objectstore).
    path = _root() / f".tmp-{secrets.token_hex(12)}"
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
        objectstore.save_file(storage, path, encrypt=True)
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
        objectstore.delete(storage)
        raise
    return job


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
        local = _root() / f".tmp-{secrets.token_hex(12)}.xlsx"
        self._wb.save(local)
        objectstore.save_file(name, local)
        self._wb = None
        self.storage_name = name


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
    # A job whose node holds its liveness lock is running, however old its heartbeat: an all-or-nothing import
    # on another node cannot update it, and its progress file is on that node's disk (issue 16).
    if cluster.someone_working_on(job.pk):
        return False
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
    if job.is_finished:
        return job
    # The node's liveness lock for the whole run: a node that dies drops it, and another requeues the job
    # (import_jobs_requeue_abandoned).
    try:
        with cluster.working_on(job.pk):
            job.refresh_from_db()
            return _run(job, parallel=parallel, on_progress=on_progress)
    except cluster.Busy:
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY") from None


def _run(job: ImportJob, *, parallel: bool | None, on_progress: Callable[[Totals], None] | None) -> ImportJob:
    from . import parallel as two_cores

    if job.is_finished:
        return job
    if not _claim(job):
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY")
    actor = job.created_by or job.actor_label or "system"
    # The stored file is encrypted (and may be in object storage): the readers get a private decrypted copy
    # on this node for the duration of the run.
    local_copy = ExitStack()
    try:
        source = open_source(local_copy.enter_context(objectstore.local_copy(job.storage_name, encrypted=True)))
    except (FileUnreadable, objectstore.CorruptFile, OSError) as exc:
        local_copy.close()
        error = (
            exc.as_error()
            if isinstance(exc, FileUnreadable)
            else RowError(0, "文件", "IMPORT_FILE_UNREADABLE", "上传的文件无法读取，请重新上传")
        )
        _fail(job, actor, error)
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
        local_copy.close()
        progress_path(job.public_id).unlink(missing_ok=True)
    job.refresh_from_db()
    _discard_upload(job)
    return job


def import_jobs_requeue_abandoned(*, actor: Any = "system") -> list[int]:
    """Queue again every running import whose node is gone (issue 16): on PostgreSQL, no process holds its
    liveness lock; on SQLite, its heartbeat is stale. Its upload is still stored (it is deleted only when a job
    finishes), and a run is idempotent: an all-or-nothing import rolled back with the node, and rows a
    valid-rows-only import had committed count as unchanged the second time. Returns the requeued job ids."""
    from .tasks import import_job_task

    requeued = []
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING).exclude(storage_name=""):
        alive = cluster.someone_working_on(job.pk)
        if alive or (alive is None and not _is_stale(job)):
            continue
        with transaction.atomic():
            moved = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.QUEUED, message="处理节点中断，已自动重新排队"
            )
            if moved:
                audit_record(
                    actor=actor,
                    action="certificate.import.requeue",
                    obj=job,
                    summary=f"证书导入任务 {job.original_name} 的处理节点中断，已重新排队",
                    before={"status": ImportStatus.RUNNING},
                    after={"status": ImportStatus.QUEUED},
                )
                transaction.on_commit(functools.partial(import_job_task, job.pk))
                requeued.append(job.pk)
    return requeued


def _discard_upload(job: ImportJob) -> None:
    if job.is_finished and job.storage_name:
        objectstore.delete(job.storage_name)
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
