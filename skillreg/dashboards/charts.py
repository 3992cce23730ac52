"""What a dashboard chart is: its series (drawn by ECharts) and its table (the same numbers, shown and exported).

Plain data, no ORM: ``selectors`` fills these from grouped queries; the page renders ``table_headers`` /
``table_rows`` beside the chart and ``payload()`` into a ``json_script`` tag for ``static/js/dashboards.js``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "—"  # a figure nobody has reported yet (not zero)


@dataclass
class Series:
    name: str
    values: list[float | int | None]
    color: str = ""  # a colour that carries meaning (overdue red …); empty: the palette's next


@dataclass
class Chart:
    key: str  # stable id: the element id and the export's name
    title: str
    note: str  # how the figures are counted, in words a reader understands
    kind: str  # "line" | "bar" | "hbar" (horizontal bars)
    categories: list[str]
    series: list[Series]
    table_headers: list[str]
    table_rows: list[list[Any]]
    stacked: bool = True
    percent: bool = False  # values are percentages (axis 0–100 %)
    filename: str = ""  # export file name without extension (Chinese)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values if v)

    def payload(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "stacked": self.stacked,
            "percent": self.percent,
            "categories": self.categories,
            "series": [{"name": s.name, "data": s.values, "color": s.color or None} for s in self.series],
        }

    @property
    def table_cells(self) -> list[list[tuple[Any, bool]]]:
        """The table's rows as (value, is a number) pairs — numbers are right-aligned."""
        return [[(v, isinstance(v, int | float) or _figure(v)) for v in row] for row in self.table_rows]


def _figure(value: Any) -> bool:
    """A figure written as text: "—" (unknown) or a percentage."""
    return isinstance(value, str) and (
        value == UNKNOWN or (value.endswith("%") and value[:-1].replace(".", "").isdigit())
    )


def matrix(
    categories: list[str],
    names: list[str],
    value: Any,
    *,
    first: str,
    total: bool = True,
    colors: dict[str, str] | None = None,
) -> tuple[list[Series], list[str], list[list[Any]]]:
    """Series ``names`` over ``categories`` from ``value(category_index, name)`` and the table of the same numbers
    (a row per category, a column per series, and a total column)."""
    colors = colors or {}
    series = [Series(n, [value(i, n) for i in range(len(categories))], colors.get(n, "")) for n in names]
    headers = [first, *names, *(["合计"] if total else [])]
    rows = []
    for i, c in enumerate(categories):
        cells = [s.values[i] for s in series]
        rows.append([c, *cells, *([sum(v or 0 for v in cells)] if total else [])])
    return series, headers, rows


def month_points(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s to ``end``'s; the last point is ``end`` itself when it falls
    before its month's end (figures "as of" that day)."""
    points = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        points.append(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def month_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def rate_text(passes: int, applicants: int | None) -> str:
    if not applicants:
        return UNKNOWN
    return f"{passes * 100 / applicants:.1f}%"
