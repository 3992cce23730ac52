"""The import pipeline: read → pure checks → protect the ID → (database checks + insert), a chunk at a time.

Stage 1 (``Run.chunks``) reads, checks (``rows.check_row``) and protects (encrypts, indexes, masks) the rows;
stage 2 (``Run.write_all``) checks each chunk against the database and inserts it (``writer.ChunkWriter``).
``Run.run`` does both in turn in this process; ``parallel.run_job`` runs stage 2 in a second process so that
the two use both cores. Memory is flat: a chunk (2,000 rows) at a time, errors streamed to the workbook.

Transactions (stage 2's): one per chunk in both modes, so no other request waits for more than a chunk
(issue 12, item 3). ``all_or_nothing`` commits each chunk's rows as ``staged`` (seen by no reader; duplicates
across chunks are still found, because the writer sees them), then commits the decision — the job's final
status and audit record — and publishes or discards the staged rows in bounded steps (``staging``).
``valid_only`` commits each chunk as valid with the job's counters and its own audit record, so progress is
real and a re-run skips what is already in (identical rows are "unchanged", never duplicated).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from skillreg.core import clock, crypto

from . import staging
from .models import Certificate
from .readers import FileUnreadable, Record
from .rows import CheckedRow, InstitutionFacts, RowError, check_row, roster_faults
from .writer import INVALID, ChunkWriter, Prepared, bulk_tuned

log = logging.getLogger(__name__)
HOLDER_ID_PURPOSE = "certificate.holder_id"
FIRST_ERRORS = 200
_HOLDER_ID = Certificate._meta.get_field("holder_id")


def encrypt_holder_id(id_number: str, number: str) -> str:
    """The stored ciphertext, exactly as ``EncryptedTextField`` writes it (bound to column and number)."""
    return _HOLDER_ID.encrypt(id_number, number)


def protect(row: CheckedRow) -> Prepared:
    """Blind index and mask now; the ciphertext now if the number is known, else once it is allocated."""
    return Prepared(
        row,
        encrypt_holder_id(row.id_number, row.number) if row.number else "",
        crypto.blind_index(row.id_number, purpose=HOLDER_ID_PURPOSE),
        crypto.mask_id_number(row.id_number),
    )


@dataclass
class Totals:
    rows_read: int = 0
    rows_valid: int = 0
    rows_invalid: int = 0
    rows_created: int = 0
    rows_unchanged: int = 0
    errors_count: int = 0
    estimated_rows: int = 0
    committed: bool = False
    failed: str = ""  # a file-level failure message

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Sink:
    """Receives, in row order, the errors and the outcome of every row (from the writer's thread)."""

    def __init__(self) -> None:
        self.first_errors: list[dict[str, Any]] = []

    def errors(self, errors: list[RowError]) -> None:
        room = FIRST_ERRORS - len(self.first_errors)
        if room > 0:
            self.first_errors.extend(e.as_dict() for e in errors[:room])

    def outcomes(self, items: list[tuple[int, str, str]]) -> None:
        pass

    def close(self, totals: Totals) -> None:
        pass


@dataclass
class _Chunk:
    items: list[Prepared]
    errors: list[RowError]
    invalid: int
    rows_read: int
    invalid_rows: list[int] = field(default_factory=list)
    fatal: RowError | None = None

    def __reduce__(self) -> Any:
        """Pickled as plain tuples (sent to the writer process): a third of the cost of pickling objects."""
        packed = [
            (
                r.row, r.number, r.holder_name, r.id_type, r.id_number, r.occupation_id, r.occupation_name,
                r.work_type, r.level, r.issue_date, r.batch_id, p.holder_id, p.holder_id_index, p.holder_id_masked,
            )
            for p in self.items
            for r in (p.row,)
        ]  # fmt: skip
        return (_unpack, (packed, self.errors, self.invalid, self.rows_read, self.invalid_rows, self.fatal))


def _unpack(packed: list[tuple], *rest: Any) -> _Chunk:
    items = [Prepared(CheckedRow(*t[:11]), t[11], t[12], t[13]) for t in packed]
    return _Chunk(items, *rest)


class _Stop(Exception):
    pass


class Run:
    """One import. ``finalize(totals)`` runs in the publishing transaction (job row + audit record)."""

    def __init__(
        self,
        *,
        facts: InstitutionFacts,
        job_id: int | None,
        all_or_nothing: bool,
        sink: Sink,
        finalize: Callable[[Totals], None],
        on_chunk: Callable[[Totals, int], None] | None = None,
        on_progress: Callable[[Totals], None] | None = None,
        chunk_size: int | None = None,
        estimated_rows: int = 0,
    ):
        self.facts = facts
        self.job_id = job_id
        self.all_or_nothing = all_or_nothing
        self.sink = sink
        self.finalize = finalize
        self.on_chunk = on_chunk  # in the chunk's transaction: (totals, rows published by this chunk)
        self.on_progress = on_progress  # outside any guarantee: a side channel
        self.chunk_size = chunk_size or int(getattr(settings, "SKILLREG_CERT_IMPORT_CHUNK", 2000))
        self.totals = Totals(estimated_rows=estimated_rows)
        self._batches = {b.id: b for b in facts.batches.values()}

    # -- stage 1 (this thread): read, check, protect -----------------------------------------------------------
    def chunks(self, records: Iterator[Record]) -> Iterator[_Chunk]:
        items: list[Prepared] = []
        errors: list[RowError] = []
        invalid_rows: list[int] = []
        read = 0
        try:
            for n, cells, row_errors in records:
                read += 1
                if cells is not None:
                    checked = check_row(n, cells, self.facts)
                    if isinstance(checked, CheckedRow):
                        prepared = protect(checked)
                        batch = self._batches[checked.batch_id]
                        faults = roster_faults(checked, prepared.holder_id_index, batch, self.facts)
                        if faults:
                            row_errors = faults
                        else:
                            items.append(prepared)
                    else:
                        row_errors = checked
                if row_errors:
                    errors.extend(row_errors)
                    invalid_rows.append(n)
                if len(items) + len(invalid_rows) >= self.chunk_size:
                    yield _Chunk(items, errors, len(invalid_rows), read, invalid_rows)
                    items, errors, invalid_rows = [], [], []
        except FileUnreadable as exc:
            yield _Chunk(items, errors, len(invalid_rows), read, invalid_rows, fatal=exc.as_error(read + 1))
            return
        yield _Chunk(items, errors, len(invalid_rows), read, invalid_rows)

    # -- stage 2 (writer's thread): database checks, insert, bookkeeping ---------------------------------------
    def _write(self, writer: ChunkWriter, chunk: _Chunk) -> None:
        t = self.totals

        def body() -> None:
            result = writer.process(chunk.items)
            t.rows_read = chunk.rows_read
            t.rows_created += result.created
            t.rows_unchanged += result.unchanged
            writer_invalid = sum(1 for o in result.outcomes if o[1] == INVALID)
            t.rows_invalid += chunk.invalid + writer_invalid
            t.rows_valid = t.rows_created + t.rows_unchanged
            errors = sorted(chunk.errors + result.errors, key=lambda e: e.row)
            if chunk.fatal:
                errors.append(chunk.fatal)
                t.failed = chunk.fatal.message
            t.errors_count += len(errors)
            self.sink.errors(errors)
            self.sink.outcomes(sorted(result.outcomes + [(r, INVALID, "") for r in chunk.invalid_rows]))
            if self.on_chunk:
                self.on_chunk(t, result.created if not self.all_or_nothing else 0)

        with transaction.atomic():
            body()
        if self.on_progress:
            self.on_progress(t)

    def _decide(self) -> bool:
        """Publish or not: all_or_nothing publishes only a file without a single fault."""
        t = self.totals
        ok = not t.failed and t.rows_invalid == 0
        t.committed = ok or not self.all_or_nothing
        if not t.committed:
            t.rows_created = 0
        return t.committed

    def _finish(self) -> None:
        self.sink.close(self.totals)
        self.finalize(self.totals)

    def write_all(self, source: Callable[[], _Chunk | None]) -> Totals:
        """Writer side: take chunks from ``source`` until ``None``; publish or roll back."""
        writer = ChunkWriter(
            facts=self.facts,
            job_id=self.job_id,
            now=clock.now(),
            expected_rows=self.totals.estimated_rows,
            staged=self.all_or_nothing and self.job_id is not None,
        )
        with bulk_tuned():
            return self._write_all(writer, source)

    def _write_all(self, writer: ChunkWriter, source: Callable[[], _Chunk | None]) -> Totals:
        if self.all_or_nothing and self.job_id is not None:
            try:
                while (chunk := source()) is not None:
                    self._write(writer, chunk)
            except BaseException:
                try:  # nothing was published; the caller records the failure (``settle`` retries this)
                    staging.discard(self.job_id)
                except Exception:  # noqa: BLE001 - the original error is the one to report
                    log.exception("certificate import %s: staged rows not discarded yet", self.job_id)
                raise
            publish = self._decide()
            with transaction.atomic():
                self._finish()  # the commit point: the job's final status and audit record
            if publish:
                staging.publish(self.job_id)
            else:
                staging.discard(self.job_id)
        elif self.all_or_nothing:  # no job (benchmarks): one transaction, as small files always had
            try:
                with transaction.atomic():
                    while (chunk := source()) is not None:
                        self._write(writer, chunk)
                    if not self._decide():
                        raise _Stop
                    self._finish()
            except _Stop:
                with transaction.atomic():
                    self._finish()
        else:
            while (chunk := source()) is not None:
                self._write(writer, chunk)
            self._decide()
            with transaction.atomic():
                self._finish()
        return self.totals

    # -- both ---------------------------------------------------------------------------------------------------
    def run(self, records: Iterator[Record]) -> Totals:
        """Both stages in this process, one after the other per chunk (``parallel`` runs stage 2 elsewhere)."""
        chunks = self.chunks(records)
        return self.write_all(lambda: next(chunks, None))


# -- progress side channel (visible while a single transaction is still open) --------------------------------------
def progress_path(public_id: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / "cert-imports" / f"{public_id}.progress.json"


def write_progress(public_id: Any, totals: Totals) -> None:
    path = progress_path(public_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    data = {k: v for k, v in totals.as_dict().items() if k.startswith("rows_") or k == "estimated_rows"}
    data["at"] = dt.datetime.now(dt.UTC).isoformat()
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def read_progress(public_id: Any) -> dict[str, Any] | None:
    try:
        return json.loads(progress_path(public_id).read_text())
    except (OSError, ValueError):
        return None
