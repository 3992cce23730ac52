"""Pages of long staff lists at provincial scale (issue 16: staff pages with 100,000 cases and 10 million certificates).

``Paginator`` counts every certificate in scope on every page (``COUNT(*)`` over millions of rows for a province)
just to print "共 N 条". ``CappedPaginator`` counts at most ``CAP`` rows (``COUNT(*)`` over a ``LIMIT CAP + 1``
subquery: it stops early) and says "more than CAP" beyond that; the pages up to the cap are reachable as before.
A person narrows the filter (institution, year, occupation) to see a total, and the statistics page counts
exactly by institution and occupation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Paginator

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        """The number of rows, counted up to ``cap + 1`` (``capped`` tells whether there are more)."""
        rows: Any = self.object_list  # a QuerySet here
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

    def __init__(self, rows: Any, cap: int) -> None:
        fetched = list(rows[: cap + 1])
        self.cap = cap
        self.more = len(fetched) > cap
        self.rows = fetched[:cap]

    def with_rows(self, rows: list[Any]) -> FirstRows:
        """The same cap and "more", over ``rows`` derived one for one from these (e.g. each with its result)."""
        out = FirstRows([], self.cap)
        out.rows, out.more = rows, self.more
        return out

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)
