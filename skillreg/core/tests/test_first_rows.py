"""Lists shown without pages say when rows were left out ("仅显示前 N 条，请用筛选缩小范围")."""

from __future__ import annotations

from django.template.loader import render_to_string

from skillreg.core.paging import FirstRows


def test_first_rows_says_when_rows_were_left_out_and_the_page_shows_it():
    assert not FirstRows(list(range(3)), 3).more and list(FirstRows(list(range(3)), 3)) == [0, 1, 2]
    shown = FirstRows(list(range(5)), 3)
    assert shown.more and len(shown) == 3 and shown[0] == 0
    derived = shown.with_rows([(n, n * n) for n in shown])
    assert derived.more and derived.cap == 3 and list(derived)[-1] == (2, 4)
    html = render_to_string("core/_first_rows.html", {"shown": shown, "hint": "全部可导出 Excel"})
    assert "仅显示前 3 条，请用筛选缩小范围（全部可导出 Excel）" in html
    assert render_to_string("core/_first_rows.html", {"shown": FirstRows([1], 3)}).strip() == ""
