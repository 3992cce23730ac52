"""Bulk reporting of certificates (证书数据上报): upload → ImportJob → pipeline → error workbook.

``import_job_create`` stores the file and the job (audited); ``import_job_run`` claims it (one running
import per institution), runs the pipeline and records the result with its audit entry in the transaction
that publishes the rows. ``certificates_report`` does the same for the JSON API, answering item by item.
Large uploads run on the huey queue (``tasks.import_job_task``); small ones inline.

This module is the job's state machine — the one writer of ``ImportJob.status`` (queued → running → done /
partial / rejected / failed; a dead worker's running job → queued for its retry, or failed): every change is
audited (issue 12, item 8). Files and sinks are in ``import_io``, worker liveness in ``claims``.
"""

from __future__ import annotations

import functools
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
from skillreg.core import clock, cluster, filecrypt, objectstore
from skillreg.core.errors import DomainError, ValidationFailed
from skillreg.core.uploads import sanitise_name, secure_file
from skillreg.institutions.models import Filing

from . import claims, staging
from .context import load_facts
from .import_io import SUBDIR, ErrorBook, ItemResults, import_progress, open_upload, root, upload_aad
from .import_io import discard_upload as _discard_upload
from .models import ImportJob, ImportMode, ImportStatus
from .pipeline import Run, Sink, Totals, progress_path, write_progress
from .readers import FileUnreadable, json_records
from .rows import COLUMNS, InstitutionFacts, RowError
from .services import check_actor_for_filing

log = logging.getLogger(__name__)
__all__ = ["ErrorBook", "ItemResults", "certificates_report", "import_job_create", "import_job_run", "import_progress"]


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
    root()
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "wb") as out:
            secure_file(path)  # 0640 in 0750 folders before the first byte (item 7)
            sealed = filecrypt.StreamEncryptor(out, aad=upload_aad(storage))  # encrypted at rest (item 7)
            while chunk := fileobj.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        f"文件超过大小上限 {limit // 1024**2} MB", code="UPLOAD_TOO_LARGE", field="file"
                    )
                digest.update(chunk)
                sealed.write(chunk)
            sealed.close()
        if size == 0:
            raise ValidationFailed("文件为空", code="UPLOAD_EMPTY", field="file")
        sha = digest.hexdigest()
        # Already encrypted (filecrypt): on object storage the sealed bytes move to the bucket, so that every
        # node sees the upload (issue 16); on local storage the file stays where it is.
        if not objectstore.is_local():
            objectstore.save_file(storage, path)
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
        if not objectstore.is_local():
            objectstore.delete(storage)
        raise
    return job


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


def _on_chunk(job: ImportJob, actor: Any) -> Any:
    """In each chunk's transaction: the job's counters and heartbeat; and, for the certificates a chunk
    publishes (valid_only), its own audit record, so that a run killed midway leaves none unaudited."""

    def update(t: Totals, published: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows_read=t.rows_read,
            rows_valid=t.rows_valid,
            rows_invalid=t.rows_invalid,
            rows_created=t.rows_created,
            rows_unchanged=t.rows_unchanged,
            heartbeat_at=clock.now(),
        )
        if published:
            audit_record(
                actor=actor,
                action="certificate.import.chunk",
                object_type="certificates.importjob",
                object_id=job.pk,
                summary=f"{job.filing.name} 证书数据导入：本段新登记 {published} 张（已读取 {t.rows_read} 行）",
                after={"created": published, "rows_read": t.rows_read, "rows_created": t.rows_created},
                rule="CQ-4",
            )

    return update


def _progress_to(job: ImportJob, also: Callable[[Totals], None] | None) -> Callable[[Totals], None]:
    def progress(t: Totals) -> None:
        write_progress(job.public_id, t)
        if also:
            also(t)

    return progress


def _release_stale(job: ImportJob) -> None:
    """Running jobs of the institution whose worker died: the job being retried goes back to the queue (its
    committed chunks stay; identical rows are "unchanged" on the re-run), any other one fails and its upload
    is deleted; staged rows are settled. Each status change is audited."""
    running = ImportJob.objects.select_related("filing").filter(filing_id=job.filing_id, status=ImportStatus.RUNNING)
    for other in running:
        if not claims.is_stale(other):
            continue
        retry = other.pk == job.pk
        with transaction.atomic():
            running_job = ImportJob.objects.filter(pk=other.pk, status=ImportStatus.RUNNING)
            if retry:
                changed = running_job.update(status=ImportStatus.QUEUED, worker="")
            else:
                changed = running_job.update(
                    status=ImportStatus.FAILED,
                    message="导入中断（处理进程已停止），请重新上传",
                    finished_at=clock.now(),
                )
            if changed:
                audit_record(
                    actor="system",
                    action="certificate.import.restart" if retry else "certificate.import.stale",
                    object_type="certificates.importjob",
                    object_id=other.pk,
                    summary=f"{other.filing.name} 证书数据导入中断（处理进程已停止）"
                    + ("，重新开始" if retry else "，已终止"),
                    before={"status": ImportStatus.RUNNING, "worker": other.worker},
                    after={"status": ImportStatus.QUEUED if retry else ImportStatus.FAILED},
                    result="ok" if retry else "failed",
                )
        staging.discard(other.pk)
        if not retry:
            other.refresh_from_db()
            _discard_upload(other)
    if job.status == ImportStatus.RUNNING:
        job.refresh_from_db()


def _claim(job: ImportJob) -> bool:
    _release_stale(job)
    staging.settle(job.filing_id)
    try:
        with transaction.atomic():
            now = clock.now()
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
                status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now, worker=claims.worker_id()
            )
            if claimed:
                audit_record(
                    actor=job.created_by or job.actor_label or "system",
                    action="certificate.import.start",
                    object_type="certificates.importjob",
                    object_id=job.pk,
                    summary=f"证书数据导入开始处理：{job.original_name or job.source}",
                    before={"status": ImportStatus.QUEUED},
                    after={"status": ImportStatus.RUNNING},
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
        on_chunk=_on_chunk(job, actor),
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
        staging.settle_job(job.pk)  # a process that died after the commit point: finish it
        return job
    # The node's liveness lock for the whole run (PostgreSQL): a node that dies drops it with its connection, and
    # another node requeues the job (import_jobs_requeue_abandoned, issue 16).
    try:
        with cluster.working_on(job.pk):
            job.refresh_from_db()
            return _run(job, parallel=parallel, on_progress=on_progress)
    except cluster.Busy:
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY") from None


def _run(job: ImportJob, *, parallel: bool | None, on_progress: Callable[[Totals], None] | None) -> ImportJob:
    from . import parallel as two_cores

    if job.is_finished:
        staging.settle_job(job.pk)
        return job
    if not _claim(job):
        raise DomainError("本机构已有证书导入任务正在处理，请稍后再试", code="IMPORT_BUSY")
    actor = job.created_by or job.actor_label or "system"
    try:
        source = open_upload(job)
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
    staging.settle_job(job.pk)
    _discard_upload(job)
    return job


def import_jobs_requeue_abandoned(*, actor: Any = "system") -> list[int]:
    """Queue again every running import whose node is gone (issue 16): on PostgreSQL no process holds its
    liveness lock; on SQLite its worker died or its heartbeat is stale (``claims.is_stale``). Its upload is still
    stored (deleted only when a job finishes) and a run is idempotent: staged rows of an all-or-nothing import
    are discarded, rows a valid-rows-only import had committed count as unchanged the second time. Audited;
    returns the requeued job ids."""
    from .tasks import import_job_task

    requeued = []
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING).exclude(storage_name=""):
        alive = cluster.someone_working_on(job.pk)
        if alive or (alive is None and not claims.is_stale(job)):
            continue
        staging.discard(job.pk)  # before the job is queued again: the new run's staged rows must stay
        with transaction.atomic():
            moved = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.QUEUED, worker="", message="处理节点中断，已自动重新排队"
            )
            if moved:
                audit_record(
                    actor=actor,
                    action="certificate.import.requeue",
                    obj=job,
                    summary=f"证书导入任务 {job.original_name} 的处理节点中断，已重新排队",
                    before={"status": ImportStatus.RUNNING, "worker": job.worker},
                    after={"status": ImportStatus.QUEUED},
                )
                transaction.on_commit(functools.partial(import_job_task, job.pk))
                requeued.append(job.pk)
    return requeued


# -- JSON API --------------------------------------------------------------------------------------------------------
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
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message="本机构已有导入任务正在处理", finished_at=clock.now()
            )
            audit_record(
                actor=actor,
                action="certificate.import",
                obj=job,
                summary=f"{filing.name} 接口上报证书数据：本机构已有导入任务正在处理，未处理",
                result="refused",
                rule="CQ-4",
            )
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
        staging.settle_job(job.pk)
        raise
    job.refresh_from_db()
    staging.settle_job(job.pk)
    return job, sink.results
