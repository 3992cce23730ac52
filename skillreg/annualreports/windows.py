"""When the annual report of a year is due, read from the rule packs' ``windows`` (AH-4.2: 1–10 March; HN-2: by
31 March, and the 2023 and 2024 reports by 2025-05-31), and for regions whose packs set no window, the setting
``SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW`` (docs/decisions.md, "Annual reports (issue 15)").

A one-off window that lists the year (HN-2's 2023/2024) wins over the yearly window; the yearly window is taken
from the packs in force when that window opens (the year after the report year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from skillreg.deadlines.limits import windows_for

# The template each governing document annexes (附件): Huainan's 附件2 asks for the examiners of every filed
# occupation ("备案的每个工种均需列出考评员基本信息"); Anhui's 附件3 does not.
TEMPLATE_BY_PACK = {"hn-2025": "huainan"}


@dataclass(frozen=True)
class Due:
    year: int
    opens: dt.date
    due: dt.date
    label: str
    basis: str  # document (文号) and article — what a page and the credit ledger show
    quote: str
    from_pack: bool
    pack_id: str = ""
    submit_to: str = ""  # the authority the window names (淮南: 市人力资源社会保障局), or a generic description

    @property
    def template(self) -> str:
        """The report template of the governing document: HN-att2 (淮南) adds the examiners of every filed
        occupation to 三、（二）; otherwise AH-att3's sections."""
        return TEMPLATE_BY_PACK.get(self.pack_id, "general")


def default_window() -> tuple[str, str] | None:
    value = getattr(settings, "SKILLREG_ANNUAL_REPORT_DEFAULT_WINDOW", ("01-01", "03-31"))
    if not value:
        return None
    start, end = value
    return str(start), str(end)


def _md(year: int, text: str) -> dt.date:
    month, day = (int(x) for x in text.split("-"))
    return dt.date(year, month, day)


def report_due(region_code: str, year: int) -> Due | None:
    """The window the report of ``year`` is due in for an institution of ``region_code``; None if none."""
    for probe in (dt.date(year + 1, 12, 31), dt.date(year + 2, 12, 31)):
        for w in windows_for(region_code, probe).values():
            if w.recurrence == "once" and w.due is not None and year in w.report_years:
                span = w.span(w.due.year)
                opens = span[0] if span else w.effective_from
                return Due(
                    year,
                    opens,
                    w.due,
                    w.label,
                    f"{w.source.document}{w.source.article}",
                    w.source.quote,
                    True,
                    w.source.pack_id,
                    w.submit_to,
                )
    for w in windows_for(region_code, dt.date(year + 1, 1, 1)).values():
        if w.recurrence == "yearly":
            span = w.span(year + 1)
            if span is not None:
                basis = f"{w.source.document}{w.source.article}"
                return Due(year, span[0], span[1], w.label, basis, w.source.quote, True, w.source.pack_id, w.submit_to)
    fallback = default_window()
    if fallback is None:
        return None
    return Due(
        year,
        _md(year + 1, fallback[0]),
        _md(year + 1, fallback[1]),
        "报送上一年度工作总结",
        "本地区未规定报送时间，按本系统设置的报送期限",
        "",
        False,
    )
