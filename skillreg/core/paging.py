"""Pages of long staff lists at provincial scale (issue 16: staff pages with 100,000 cases and 10 million certificates).

``Paginator`` counts every certificate in scope on every page (``COUNT(*)`` over millions of rows for a province)
just to print "共 N 条". ``CappedPaginator`` counts at most ``CAP`` rows (``COUNT(*)`` over a ``LIMIT CAP + 1``
subquery: it stops early) and says "more than CAP" beyond that; the pages up to the cap are reachable as before.
A person narrows the filter (institution, year, occupation) to see a total, and the statistics page counts
exactly by institution and occupation.

A deep page (OFFSET in the thousands) is read in two steps, a *deferred join*: first the page's primary keys in the
list's order (a narrow query the database can answer from an index, reading and discarding only index entries),
then those rows with everything the list shows (``select_related``, annotations) by primary key. The page numbers,
the rows and their order are those of the plain ``OFFSET`` query; only the work behind them changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

CAP = 10_000


class KeysFirstPaginator(Paginator):
    """A paginator whose pages from row ``deferred_from`` on are read by their keys first (the deferred join above):
    the staff lists (``CappedPaginator``) and the public directory (``portal.paging.DirectoryPaginator``)."""

    # From which first row on a page is read by its keys first (the first pages are cheap either way; one query
    # is better than two there).
    deferred_from = 200

    def page(self, number: Any) -> Page:
        """As Django's, with the deferred join for a page that starts at ``deferred_from`` or later."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows: Any = self.object_list
        if not isinstance(rows, QuerySet) or bottom < self.deferred_from:
            return Page(rows[bottom:top], number, self)
        # The keys alone: no joins or prefetches that only the shown rows need.
        keys = list(rows.prefetch_related(None).select_related(None).values_list("pk", flat=True)[bottom:top])
        by_key = {obj.pk: obj for obj in rows.filter(pk__in=keys).order_by()} if keys else {}
        # In the order of the keys (the list's order, ties broken as the database broke them for the keys).
        return Page([by_key[k] for k in keys if k in by_key], number, self)


class CappedPaginator(KeysFirstPaginator):
    cap = CAP

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        """The number of rows, counted up to ``cap + 1`` (``capped`` tells whether there are more)."""
        rows: Any = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        # Without the list's order: counting up to the cap does not depend on it, and the database may then
        # choose the cheapest way to find cap + 1 rows instead of walking them in order (issue 16).
        return int(rows.order_by()[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        """As Django's, over the rows up to the cap."""
        shown = min(self.count, self.cap)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, shown - self.orphans) / self.per_page)


class FirstRows(Sequence[Any]):
    """The first ``cap`` rows of a list that a page shows without pages (a dropdown, a dashboard's latest), and
    whether there are more: the page then says so ("仅显示前 N 条，请用筛选缩小范围",
    ``templates/core/_first_rows.html``) instead of silently leaving rows out. Reads ``cap + 1`` rows."""

    def __init__(self, rows: Any, cap: int, *, total: bool = False) -> None:
        fetched = list(rows[: cap + 1])
        self.cap = cap
        self.more = len(fetched) > cap
        self.rows = fetched[:cap]
        # ``total=True``: how many there are in all (one COUNT, only when there are more than shown), for a page
        # that shows the first rows of a list with the total and a link to the whole list
        # (``templates/core/_first_rows_total.html``: "仅显示…的前 N 件（共 M 件）").
        self.total: int | None = None
        if total and not self.more:
            self.total = len(self.rows)
        elif total:
            self.total = int(rows.order_by().count()) if isinstance(rows, QuerySet) else len(rows)

    def with_rows(self, rows: list[Any]) -> FirstRows:
        """The same cap and "more", over ``rows`` derived one for one from these (e.g. each with its result)."""
        out = FirstRows([], self.cap)
        out.rows, out.more, out.total = rows, self.more, self.total
        return out

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)
