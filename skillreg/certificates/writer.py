"""The database phase of an import, one chunk at a time, each chunk in its own transaction.

For each chunk of rows that passed the pure checks: duplicates within the file and against the database are
found by asking the database about the keys two Bloom filters (the institution's numbers and holder keys,
loaded once, then fed with every row written) may have seen — usually none, so a chunk of new certificates
costs no lookup; the database and its unique constraints stay the authority for every "maybe". Rows without
a number get one (serial per filing code, year and level); the batch's pass count caps the certificates of a
batch; then the new rows go in with one COPY (PostgreSQL) or one executemany (SQLite). The transaction sees
the rows this import wrote earlier (committed, or staged for an all-or-nothing import), so the file is never held
in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count

from skillreg.core.models import Sequence as NamedSequence

from . import counts, numbers
from .bloom import Bloom
from .models import Certificate, CertificateStatus
from .rows import LABELS, CheckedRow, InstitutionFacts, RowError

CREATED, UNCHANGED, INVALID = "created", "unchanged", "invalid"


@dataclass(slots=True)
class Prepared:
    """A checked row with its protected ID: ciphertext, blind index and masked form."""

    row: CheckedRow
    holder_id: str
    holder_id_index: str
    holder_id_masked: str


@dataclass(slots=True)
class ChunkResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)  # (row, status, number)


_HOLDER_ID = Certificate._meta.get_field("holder_id")
_COLUMNS = [f for f in Certificate._meta.concrete_fields if not f.primary_key]
_COLUMN_NAMES = [f.column for f in _COLUMNS]


class ChunkWriter:
    """Checks a chunk against the database and inserts its new rows. Not thread-safe: one per import."""

    def __init__(
        self,
        *,
        facts: InstitutionFacts,
        job_id: int | None,
        now: dt.datetime,
        expected_rows: int = 0,
        staged: bool = False,
    ):
        self.facts = facts
        # all-or-nothing: rows go in as ``staged`` (seen by no reader) and are published at the end (staging.py)
        self.inserted_as = CertificateStatus.STAGED if staged else CertificateStatus.VALID
        self.job_id = job_id
        self.now = now
        self._batch_counts: Counter[int] | None = None
        self._passes = {b.id: b.passes for b in facts.batches.values()}
        self._batch_numbers = {b.id: b.number for b in facts.batches.values()}
        self.vendor = connection.vendor
        self.expected_rows = expected_rows
        self._seen: tuple[Bloom, Bloom] | None = None

    # -- database lookups ---------------------------------------------------------------------------------------
    def _counts(self) -> Counter[int]:
        if self._batch_counts is None:
            rows = (
                Certificate.objects.filter(filing_id=self.facts.filing_id, status=CertificateStatus.VALID)
                .values("batch_id")
                .annotate(n=Count("id"))
                .values_list("batch_id", "n")
            )
            self._batch_counts = Counter(dict(rows.order_by()))
        return self._batch_counts

    def _blooms(self) -> tuple[Bloom, Bloom]:
        """Numbers and holder keys this institution already has, loaded once (index scans, streamed)."""
        if self._seen is None:
            code = self.facts.code
            numbers_qs = Certificate.objects.filter(number__gte=code, number__lt=code + "~").order_by()
            holders_qs = Certificate.objects.filter(
                filing_id=self.facts.filing_id, status=CertificateStatus.VALID
            ).order_by()
            existing = numbers_qs.count()
            numbers_seen, holders_seen = Bloom(existing + self.expected_rows), Bloom(existing + self.expected_rows)
            numbers_seen.update(numbers_qs.values_list("number", flat=True).iterator(chunk_size=20_000))
            holders_seen.update(
                _holder_key(i, o, lv)
                for i, o, lv in holders_qs.values_list("holder_id_index", "occupation_id", "level").iterator(20_000)
            )
            self._seen = (numbers_seen, holders_seen)
        return self._seen

    def _existing(self, items: Sequence[Prepared]) -> tuple[dict[str, tuple], dict[tuple, tuple]]:
        """Registered rows that may collide with ``items``: only keys the Bloom filters may have seen are looked
        up, so a chunk of new certificates usually costs no query at all."""
        numbers_seen, holders_seen = self._blooms()
        fields = ("number", "holder_id_index", "holder_name", "occupation_id", "level", "issue_date", "batch_id")
        more = ("import_job_id", "source_row", "status")
        wanted = [p.row.number for p in items if p.row.number and p.row.number in numbers_seen]
        by_number = {}
        if wanted:
            found = Certificate.objects.filter(number__in=wanted).order_by().values_list(*fields, *more)
            by_number = {r[0]: r for r in found}
        # By the blind index alone (its own index on every database; a person has few certificates), then
        # this institution's valid ones in Python: a filter on filing/status would tempt SQLite's planner
        # into scanning the institution's certificates through the (filing, issue_date) index.
        indexes = list(
            {
                p.holder_id_index
                for p in items
                if _holder_key(p.holder_id_index, p.row.occupation_id, p.row.level) in holders_seen
            }
        )
        by_holder = {}
        if indexes:
            by_holder = {
                (r[1], r[3], r[4]): r
                for r in Certificate.objects.filter(holder_id_index__in=indexes)
                .order_by()
                .values_list(*fields, *more, "filing_id")
                if r[-1] == self.facts.filing_id and r[9] in (CertificateStatus.VALID, CertificateStatus.STAGED)
            }
        return by_number, by_holder

    def _remember(self, items: Sequence[Prepared]) -> None:
        numbers_seen, holders_seen = self._blooms()
        for p in items:
            numbers_seen.add(p.row.number or "")
            holders_seen.add(_holder_key(p.holder_id_index, p.row.occupation_id, p.row.level))

    # -- one chunk ----------------------------------------------------------------------------------------------
    def process(self, items: Sequence[Prepared]) -> ChunkResult:
        result = ChunkResult()
        if not items:
            return result
        by_number, by_holder = self._existing(items)
        counts = self._counts()
        seen_numbers: dict[str, int] = {}
        seen_holders: dict[tuple, int] = {}
        accepted: list[Prepared] = []

        def reject(p: Prepared, key: str, code: str, message: str) -> None:
            result.errors.append(RowError(p.row.row, LABELS[key], code, message))
            result.outcomes.append((p.row.row, INVALID, p.row.number or ""))

        for p in items:
            r = p.row
            holder_key = (p.holder_id_index, r.occupation_id, r.level)
            if r.number:
                found = by_number.get(r.number)
                if found is not None:
                    if found[7] is not None and found[7] == self.job_id:
                        reject(p, "number", "CERT_DUPLICATE_IN_FILE", f"证书编号与本文件第{found[8]}行重复")
                    elif self._same(found, p, with_number=True):
                        result.unchanged += 1
                        result.outcomes.append((r.row, UNCHANGED, r.number))
                    else:
                        reject(
                            p,
                            "number",
                            "CERT_NUMBER_TAKEN",
                            f"证书编号 {r.number} 已登记为另一张证书（持证人、职业、等级或日期不同）",
                        )
                    continue
                if r.number in seen_numbers:
                    reject(p, "number", "CERT_DUPLICATE_IN_FILE", f"证书编号与本文件第{seen_numbers[r.number]}行重复")
                    continue
            holder = by_holder.get(holder_key)
            if holder is not None:
                if holder[7] is not None and holder[7] == self.job_id:
                    reject(
                        p,
                        "id_number",
                        "CERT_HOLDER_DUPLICATE_IN_FILE",
                        f"与本文件第{holder[8]}行是同一持证人、同一职业和等级",
                    )
                elif not r.number and self._same(holder, p, with_number=False):
                    result.unchanged += 1
                    result.outcomes.append((r.row, UNCHANGED, holder[0]))
                else:
                    reject(
                        p,
                        "id_number",
                        "CERT_HOLDER_DUPLICATE",
                        f"该持证人已持有本机构同职业、同等级的有效证书（编号 {holder[0]}）",
                    )
                continue
            if holder_key in seen_holders:
                reject(
                    p,
                    "id_number",
                    "CERT_HOLDER_DUPLICATE_IN_FILE",
                    f"与本文件第{seen_holders[holder_key]}行是同一持证人、同一职业和等级",
                )
                continue
            if counts[r.batch_id] + 1 > self._passes.get(r.batch_id, 0):
                reject(
                    p,
                    "batch_number",
                    "BATCH_PASSES_EXCEEDED",
                    f"评价计划“{self._batch_numbers.get(r.batch_id, '')}”合格人数为{self._passes.get(r.batch_id, 0)}，"
                    "登记的证书数不能超过合格人数",
                )
                continue
            counts[r.batch_id] += 1
            if r.number:
                seen_numbers[r.number] = r.row
            seen_holders[holder_key] = r.row
            accepted.append(p)

        self._assign_numbers(accepted, result, counts)
        accepted = [p for p in accepted if p.row.number]
        self._insert(accepted)
        self._remember(accepted)
        result.created += len(accepted)
        result.outcomes.extend((p.row.row, CREATED, p.row.number or "") for p in accepted)
        return result

    @staticmethod
    def _same(found: tuple, p: Prepared, *, with_number: bool) -> bool:
        r = p.row
        return (
            found[1] == p.holder_id_index
            and found[2] == r.holder_name
            and found[3] == r.occupation_id
            and found[4] == r.level
            and found[5] == r.issue_date
            and found[6] == r.batch_id
            and (not with_number or found[0] == r.number)
        )

    # -- numbers ------------------------------------------------------------------------------------------------
    def _assign_numbers(self, accepted: list[Prepared], result: ChunkResult, counts: Counter[int]) -> None:
        wanted: dict[tuple[int, int], list[Prepared]] = defaultdict(list)
        for p in accepted:
            if not p.row.number:
                wanted[(p.row.issue_date.year, p.row.level)].append(p)
        for (year, level), group in wanted.items():
            first = self.allocate(year, level, len(group))
            for i, p in enumerate(group):
                serial = first + i
                if serial > numbers.SERIAL_MAX:
                    counts[p.row.batch_id] -= 1
                    result.errors.append(
                        RowError(
                            p.row.row,
                            LABELS["number"],
                            "CERT_SERIAL_EXHAUSTED",
                            f"本机构{year}年该等级证书流水号已用尽",
                        )
                    )
                    result.outcomes.append((p.row.row, INVALID, ""))
                    continue
                p.row.number = numbers.compose(self.facts.code, year, level, serial)
                p.holder_id = _HOLDER_ID.encrypt(p.row.id_number, p.row.number)

    def allocate(self, year: int, level: int, count: int) -> int:
        """First of ``count`` consecutive serials for the filing, year and level, past every number in use."""
        prefix = numbers.prefix_of(self.facts.code, year, level)
        seq, _ = NamedSequence.objects.select_for_update().get_or_create(name=f"cert:{prefix}")
        top = (
            Certificate.objects.filter(number__gte=prefix + "000000", number__lte=prefix + "999999")
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        start = max(seq.last_value, int(top[-6:]) if top else 0) + 1
        seq.last_value = start + count - 1
        seq.save(update_fields=["last_value"])
        return start

    # -- insert -------------------------------------------------------------------------------------------------
    def _values(self, p: Prepared) -> list[Any]:
        r = p.row
        return [
            r.number,
            self.facts.filing_id,
            r.batch_id,
            r.holder_name,
            r.id_type,
            p.holder_id,
            p.holder_id_index,
            p.holder_id_masked,
            r.occupation_id,
            r.occupation_name,
            r.work_type,
            r.level,
            r.issue_date,
            self.inserted_as,
            None,
            "",
            None,
            self.job_id,
            r.row,
            self.now,
        ]

    def _insert(self, items: Sequence[Prepared]) -> None:
        if not items:
            return
        insert_rows(self.vendor, [self._values(p) for p in items])


def _holder_key(index: str, occupation_id: int, level: int) -> str:
    return f"{index}:{occupation_id}:{level}"


@contextmanager
def bulk_tuned() -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes a bulk import reads and writes (the default 2 MB
    makes every probe of a random-key index a read from the WAL); restored afterwards. Nothing elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    kib = int(getattr(settings, "SKILLREG_CERT_IMPORT_SQLITE_CACHE_KIB", 131072))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{kib:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous):d}")


def insert_rows(vendor: str, rows: list[list[Any]]) -> None:
    """Raw insert of complete certificate rows (column order of ``COLUMN_NAMES``): COPY on PostgreSQL,
    executemany elsewhere, and the rows added to the count summary in the same transaction. Also the
    benchmark's baseline (1)."""
    deltas: Counter[counts.Key] = Counter((r[1], r[2], r[8], r[11], r[12], str(r[13])) for r in rows)
    table = connection.ops.quote_name(Certificate._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _COLUMN_NAMES)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608 - our own names
                for row in rows:
                    copy.write_row(row)
        else:
            adapt_dt = connection.ops.adapt_datetimefield_value
            stamps: dict[Any, Any] = {}
            for row in rows:
                row[12] = row[12].isoformat()  # what adapt_datefield_value gives, without the call
                stamp = row[19]
                if stamp not in stamps:
                    stamps[stamp] = adapt_dt(stamp)
                row[19] = stamps[stamp]
            marks = ", ".join(["%s"] * len(_COLUMN_NAMES))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
    counts.add(deltas)


COLUMN_NAMES = tuple(_COLUMN_NAMES)
