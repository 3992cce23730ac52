"""The certificate count summary (``CertificateCount``): kept in step with the certificate table (issue 16).

The statistics at 10 million certificates (renewal counts, certificates per year, the exit checklist, the
termination notice, the appraisal pre-fill, the annual report's figures) read per-institution counts instead of
counting certificate rows. Grain: institution × evaluation plan × occupation × level × issue date × status — every
question those readers ask is a sum over it, so their answers are exactly the same as counting certificates.
A second level, ``CertificateMonthCount`` (institution × occupation × status × month of issue), is kept from the
same deltas: ``statistics.renewal_counts`` sums a validity period's whole months from it.

Every writer of certificates changes the counts **in the same transaction, after** changing the certificates,
through ``add`` (the only writer of the table; tests/test_architecture.py refuses another):

* ``writer.insert_rows`` — new rows of an import (``valid``, or ``staged`` for an all-or-nothing import);
* ``services.certificates_publish_staged`` — staged → valid (``UPDATE … RETURNING`` gives the rows moved);
* ``staging.discard`` — staged rows deleted (``DELETE … RETURNING``);
* ``services.certificate_revoke`` — valid → revoked.

``add`` is one upsert that adds (``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n``), keys in sorted
order, so two import processes publishing at once each add their own rows (PostgreSQL locks the key row for the
rest of the transaction; SQLite has one writer at a time) and never deadlock on the order. Rows that reach
zero are deleted. ``recount`` rebuilds the table from the certificates (one ``INSERT … SELECT … GROUP BY``),
``differences`` compares the two (``manage.py certificates recount [--check]``, docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from .models import Certificate, CertificateCount, CertificateMonthCount

# (filing_id, batch_id, occupation_id, level, issue_date, status)
Key = tuple[int, int, int, int, dt.date, str]
KEY_COLUMNS = ("filing_id", "batch_id", "occupation_id", "level", "issue_date", "status")
# (filing_id, occupation_id, status, month) — month: the first day of the month of issue
MonthKey = tuple[int, int, str, dt.date]
MONTH_COLUMNS = ("filing_id", "occupation_id", "status", "month")


def _table(model: Any = CertificateCount) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day(value: Any) -> dt.date:
    """SQLite hands back ``RETURNING`` dates as text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def keys_of(rows: Iterable[Iterable[Any]], status: str) -> Counter[Key]:
    """Deltas for rows of (filing_id, batch_id, occupation_id, level, issue_date), each of ``status``."""
    out: Counter[Key] = Counter()
    for filing_id, batch_id, occupation_id, level, issue_date in rows:
        out[(int(filing_id), int(batch_id), int(occupation_id), int(level), _day(issue_date), str(status))] += 1
    return out


def moved(rows: Iterable[Iterable[Any]], *, old: str | None, new: str | None) -> Counter[Key]:
    """Deltas for certificates whose status changed from ``old`` to ``new`` (``None``: created / deleted)."""
    rows = list(rows)
    out: Counter[Key] = Counter()
    if new is not None:
        out.update(keys_of(rows, new))
    if old is not None:
        out.subtract(keys_of(rows, old))
    return out


def add(deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the counts: must run inside the transaction that changed the certificates, after the
    change (``recount`` relies on the order: it locks the table, then reads the certificates)."""
    items = sorted((k, n) for k, n in deltas.items() if n)
    if not items:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("certificate counts change only in the transaction that changes the certificates")
    months: Counter[MonthKey] = Counter()
    for (f, _b, o, _lv, day, status), n in items:
        months[(f, o, status, day.replace(day=1))] += n
    sqlite = connection.vendor == "sqlite"
    _upsert(
        _table(),
        KEY_COLUMNS,
        [[f, b, o, lv, day.isoformat() if sqlite else day, st, n] for (f, b, o, lv, day, st), n in items],
    )
    _upsert(
        _table(CertificateMonthCount),
        MONTH_COLUMNS,
        [[f, o, st, m.isoformat() if sqlite else m, n] for (f, o, st, m), n in sorted(months.items()) if n],
    )


def _upsert(table: str, key: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Add each row's last value to ``n`` of its key (rows sorted by key: every writer locks in one order)."""
    if not rows:
        return
    cols = ", ".join(key)
    marks = ", ".join(["%s"] * (len(key) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({cols}, n) VALUES ({marks}) "  # noqa: S608 - our own names
            f"ON CONFLICT ({cols}) DO UPDATE SET n = {table}.n + excluded.n",
            rows,
        )
        if any(r[-1] < 0 for r in rows):
            filings = sorted({r[0] for r in rows if r[-1] < 0})
            where = ", ".join(["%s"] * len(filings))
            cursor.execute(f"DELETE FROM {table} WHERE n = 0 AND filing_id IN ({where})", filings)  # noqa: S608


RETURNING = "RETURNING filing_id, batch_id, occupation_id, level, issue_date"


# -- recount and verification ---------------------------------------------------------------------------------
def _group_sql(where: str = "") -> str:
    cols = ", ".join(KEY_COLUMNS)
    return f"SELECT {cols}, COUNT(*) FROM {_table(Certificate)} {where} GROUP BY {cols}"  # noqa: S608


def _where(filing_ids: list[int] | None) -> tuple[str, list[int]]:
    if filing_ids is None:
        return "", []
    return f"WHERE filing_id IN ({', '.join(['%s'] * len(filing_ids))})", list(filing_ids)


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(date_trunc('month', issue_date) AS date)"
    return "date(issue_date, 'start of month')"


def recount(filing_ids: list[int] | None = None) -> int:
    """Rebuild the counts (of the given institutions, or all) from the certificate table; returns the daily rows
    written. Writers wait meanwhile on PostgreSQL (the tables are locked first, then the certificates read)."""
    if filing_ids is not None and not filing_ids:
        return 0
    table, months = _table(), _table(CertificateMonthCount)
    where, params = _where(filing_ids)
    month = _month_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table}, {months} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table} {where}", params)  # noqa: S608
        cursor.execute(f"INSERT INTO {table} ({', '.join(KEY_COLUMNS)}, n) {_group_sql(where)}", params)  # noqa: S608
        written = max(cursor.rowcount, 0)
        cursor.execute(f"DELETE FROM {months} {where}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {months} ({', '.join(MONTH_COLUMNS)}, n) "  # noqa: S608
            f"SELECT filing_id, occupation_id, status, {month}, SUM(n) FROM {table} {where} "
            f"GROUP BY filing_id, occupation_id, status, {month}",
            params,
        )
        return written


@dataclass(frozen=True)
class Difference:
    filing_id: int
    batch_id: int
    occupation_id: int
    level: int
    issue_date: dt.date
    status: str
    kept: int  # in the summary
    counted: int  # in the certificate table


def differences(filing_ids: list[int] | None = None) -> list[Difference]:
    """Every key where the summary and a count of the certificate table disagree (a consistent snapshot on
    PostgreSQL: one repeatable-read read of both)."""
    where, params = _where(filing_ids)
    cols = ", ".join(KEY_COLUMNS)
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(_group_sql(where), params)
        counted = {_key(r[:6]): r[6] for r in cursor.fetchall()}
        cursor.execute(f"SELECT {cols}, n FROM {_table()} {where}", params)  # noqa: S608
        kept = {_key(r[:6]): r[6] for r in cursor.fetchall()}
        cursor.execute(f"SELECT {', '.join(MONTH_COLUMNS)}, n FROM {_table(CertificateMonthCount)} {where}", params)  # noqa: S608
        kept_months = {(int(r[0]), int(r[1]), str(r[2]), _day(r[3])): r[4] for r in cursor.fetchall()}
    out = []
    for key in sorted(set(counted) | set(kept)):
        a, b = kept.get(key, 0), counted.get(key, 0)
        if a != b:
            out.append(Difference(*key, kept=a, counted=b))
    months: Counter[MonthKey] = Counter()
    for (f, _b, o, _lv, day, status), n in counted.items():
        months[(f, o, status, day.replace(day=1))] += n
    for mk in sorted(set(months) | set(kept_months)):
        a, b = kept_months.get(mk, 0), months.get(mk, 0)
        if a != b:  # a monthly row: plan 0 and level 0 stand for "all", the date for its month
            out.append(Difference(mk[0], 0, mk[1], 0, mk[3], mk[2], kept=a, counted=b))
    return out


def _key(r: Any) -> Key:
    return (int(r[0]), int(r[1]), int(r[2]), int(r[3]), _day(r[4]), str(r[5]))


def describe(found: list[Difference], limit: int = 50) -> list[str]:
    """Chinese lines for ``manage.py certificates recount --check``: the institution's filing code, the occupation
    code, level, issue date and status of each difference, with both figures."""
    from skillreg.institutions.models import Filing
    from skillreg.occupations.models import Occupation

    from .models import CertificateStatus

    shown = found[:limit]
    filings = dict(Filing.objects.filter(pk__in={d.filing_id for d in shown}).values_list("pk", "code"))
    occupations = dict(Occupation.objects.filter(pk__in={d.occupation_id for d in shown}).values_list("pk", "code"))
    labels = dict(CertificateStatus.choices)
    lines = [
        f"备案编码 {filings.get(d.filing_id, d.filing_id)} "
        + (f"评价计划#{d.batch_id} " if d.batch_id else "")
        + f"职业 {occupations.get(d.occupation_id, d.occupation_id)} "
        + (f"{d.level}级 发证日期 {d.issue_date:%Y-%m-%d} " if d.batch_id else f"发证月份 {d.issue_date:%Y-%m} ")
        + f"{labels.get(d.status, d.status)}：计数表 {d.kept} 本，证书表 {d.counted} 本"
        for d in shown
    ]
    if len(found) > limit:
        lines.append(f"……另有 {len(found) - limit} 处不一致")
    return lines
