"""Cheap pages of the public directory at provincial scale (issue 16, item 6).

``DirectoryPaginator`` reads a later page in two steps: the page's primary keys from the filing table alone (an index
walk on ``filing_directory_order``, however deep the page), then those rows with their relations and prefetches.
A plain ``OFFSET`` over the joined, prefetched query made the database sort every filing for every page.

``directory_occupations_cached`` keeps the filter's occupation suggestions per process until a filing, its
scope or its status changes: a save or delete in this process drops it (signals), and one cheap query on the
three tables' highest ids notices rows added by other processes (PostgreSQL sequences never go back).
That query replaces an ``EXISTS`` over every scope row on each request.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from skillreg.institutions.models import Filing, FilingScope, FilingStatusChange
from skillreg.institutions.selectors import directory_occupations


class DirectoryPaginator(Paginator):
    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = cast(QuerySet[Filing], self.object_list)
        if bottom == 0:  # the first page is already an index walk: one query is enough
            return Page(qs[bottom:top], number, self)
        ids = list(qs.prefetch_related(None).select_related(None).values_list("pk", flat=True)[bottom:top])
        rows = {f.pk: f for f in qs.filter(pk__in=ids)} if ids else {}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


_occupations: tuple[str, list[Any]] | None = None


def _version_sql() -> str:
    """One text value that moves whenever a filing, a scope row or a status change is added (highest ids: an
    index read each; scope rows are replaced, never only deleted, when a version changes them)."""
    parts = [
        f"COALESCE(CAST((SELECT MAX(id) FROM {m._meta.db_table}) AS TEXT), '')"  # noqa: S608 - model table names
        for m in (Filing, FilingScope, FilingStatusChange)
    ]
    return " || '/' || ".join(parts)


def directory_occupations_cached() -> list[Any]:
    """``directory_occupations()`` as a list, read again only when the version above moved (one query)."""
    global _occupations
    sql = _version_sql()
    if _occupations is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + sql)
            if cursor.fetchone()[0] == _occupations[0]:
                return _occupations[1]
    rows = list(directory_occupations().annotate(directory_version=RawSQL(sql, ())))  # noqa: S611 - constant SQL
    if rows:  # an empty list is not kept: the next request asks again (and costs the same one query)
        _occupations = (rows[0].directory_version, rows)
    return rows


def _forget(**_: Any) -> None:
    global _occupations
    _occupations = None


for _model in (Filing, FilingScope, FilingStatusChange):
    post_save.connect(_forget, sender=_model, dispatch_uid=f"portal-occupations-{_model.__name__}-save")
    post_delete.connect(_forget, sender=_model, dispatch_uid=f"portal-occupations-{_model.__name__}-delete")
