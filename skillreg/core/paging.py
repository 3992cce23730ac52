"""Pages of long staff lists at provincial scale (issue 16: staff pages with 100,000 cases and 10 million certificates).

``Paginator`` counts every certificate in scope on every page (``COUNT(*)`` over millions of rows for a province)
just to print "共 N 条". ``CappedPaginator`` counts at most ``CAP`` rows (``COUNT(*)`` over a ``LIMIT CAP + 1``
subquery: it stops early) and says "more than CAP" beyond that; the pages up to the cap are reachable as before.
A person narrows the filter (institution, year, occupation) to see a total, and the statistics page counts
exactly by institution and occupation.
"""

from __future__ import annotations

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
