"""Cheap pages of the public directory at provincial scale (issue 16, item 6).

``DirectoryPaginator`` reads a later page in two steps: the page's primary keys from the filing table alone (an index
walk on ``filing_directory_order``, however deep the page), then those rows with their relations and prefetches.
A plain ``OFFSET`` over the joined, prefetched query made the database sort every filing for every page.

``directory_state`` keeps the filter's occupation suggestions per process until a filing, its
scope or its status changes: a save or delete in this process drops it (signals), and one cheap query on the
three tables' highest ids notices rows added by other processes (PostgreSQL sequences never go back).
That query replaces an ``EXISTS`` over every scope row on each request, and its version keys the rendered result
list in the shared cache (``results_key``): a repeated page costs no count, page or prefetch query.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from skillreg.audit.models import AuditRecord
from skillreg.core import clock
from skillreg.core.paging import KeysFirstPaginator
from skillreg.institutions.models import Filing, FilingScope, FilingStatusChange, FilingVersion
from skillreg.institutions.selectors import directory_occupations
from skillreg.regions.models import Region


class DirectoryPaginator(KeysFirstPaginator):
    deferred_from = 1  # the first page is already an index walk: one query is enough; every later page by keys


_occupations: tuple[str, list[Any]] | None = None
_checked_at = 0.0  # time.monotonic() of the last version read that _occupations agrees with
_generation = 0  # bumped by every save/delete in this process (tests roll back and reuse ids on SQLite)
VERSIONED = (Filing, FilingScope, FilingVersion, FilingStatusChange, AuditRecord)


def _version_sql() -> str:
    """One text value that moves whenever a filing, a scope row, a version, a status change or any audited write is
    added (the highest id of each table: an index read each). Every service write leaves an audit record."""
    parts = [
        f"COALESCE(CAST((SELECT MAX(id) FROM {m._meta.db_table}) AS TEXT), '')"  # noqa: S608 - model table names
        for m in VERSIONED
    ]
    return " || '/' || ".join(parts)


def directory_state() -> tuple[str | None, list[Any]]:
    """(data version, the filter's occupation suggestions) in one query; the version is ``None`` when unknown.

    The version read is trusted for ``SKILLREG_DIRECTORY_VERSION_SECONDS`` (default 1 s) in this process: a write in
    this process drops it at once (signals); one by another node shows within that second (the anonymous page
    itself is public for 60 s to every shared cache anyway; docs/decisions.md, issue 16 perf)."""
    global _occupations, _checked_at
    sql = _version_sql()
    if _occupations is not None:
        now = time.monotonic()
        if now - _checked_at < settings.SKILLREG_DIRECTORY_VERSION_SECONDS:
            return _occupations
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + sql)
            version = f"{_generation}:{cursor.fetchone()[0]}"
        if version == _occupations[0]:
            _checked_at = now
            return version, _occupations[1]
    rows = list(directory_occupations().annotate(directory_version=RawSQL(sql, ())))  # noqa: S611 - constant SQL
    if not rows:  # an empty list is not kept: the next request asks again (and costs the same one query)
        return None, rows
    _occupations = (f"{_generation}:{rows[0].directory_version}", rows)
    _checked_at = time.monotonic()
    return _occupations[0], rows


def results_key(version: str, query: Any) -> str:
    """Cache key of the rendered result list: data version, today (a later version comes into force at midnight
    without any write) and the query string in a canonical order."""
    canonical = urlencode(sorted((k, v) for k in query for v in query.getlist(k)))
    digest = hashlib.sha256(f"{version}|{clock.today()}|{canonical}".encode()).hexdigest()[:32]
    return f"portal:directory:{digest}"


def page_key(version: str, query: Any) -> str:
    """Cache key of the whole anonymous page (``portal.views``): the result list's key, another slot."""
    return results_key(version, query) + ":page"


def _forget(**_: Any) -> None:
    global _occupations, _generation
    _occupations = None
    _generation += 1


for _model in (*VERSIONED, Region):  # regions: the filter's choices are on the kept page (portal.views)
    post_save.connect(_forget, sender=_model, dispatch_uid=f"portal-directory-{_model.__name__}-save")
    post_delete.connect(_forget, sender=_model, dispatch_uid=f"portal-directory-{_model.__name__}-delete")
