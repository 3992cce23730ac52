"""The dashboard's lists show the 100 earliest deadlines and say how many there are (a province has tens of
thousands of running deadlines: a page of 27,000 rows took seconds to render and nobody reads it). The selector
reads the 100 rows and the total from the deadline index (``test_index.py``); the table says what it leaves out."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from skillreg.deadlines.selectors import DueRow


def _row(i: int) -> DueRow:
    app = {
        "pk": i,
        "public_id": f"00000000-0000-0000-0000-{i:012d}",
        "number": f"BA{i:013d}",
        "institution_name": "机构",
    }
    return DueRow(app, ["受理"], ["CQ-10"], dt.date(2026, 11, 2), dt.date(2026, 12, 1), False, "at_risk")


def test_a_long_list_shows_the_earliest_hundred_and_says_how_many_there_are():
    rows = [_row(i) for i in range(1, 101)]
    html = render_to_string("deadlines/_due_table.html", {"rows": rows, "total": 101, "empty": "无"})
    assert html.count("<tr>") == 1 + 100 and "BA0000000000100" in html
    assert "仅显示最早届满的 100 件（共 101 件）" in html


def test_a_short_list_is_shown_whole_without_a_note():
    html = render_to_string(
        "deadlines/_due_table.html", {"rows": [_row(i) for i in range(1, 101)], "total": 100, "empty": "无"}
    )
    assert html.count("<tr>") == 1 + 100 and "仅显示" not in html
