"""Statutory time limits and report windows, read from the rule packs (``policies/*.yaml``).

Every number the statutory clock uses comes from here, and here only from the packs as composed by
``skillreg.policy.loader`` along the region path (country → province → city → county; the most
specific pack in force on the given date wins). There is deliberately **no fallback table**: if the
packs cannot be loaded the sweep stops with the loader's error instead of deciding cases on numbers
nobody can trace to the law.

Pack ids are the interface with the pack authors (see docs/decisions.md, "Statutory clock:
deadlines and outcomes"): ``acceptance_decision``, ``supplement_notice``, ``supplement_period``,
``filing_decision``, ``filing_validity``, ``renewal_application``, ``voluntary_exit_notice``,
``automatic_exit_wrapup``; windows ``annual_report`` and any one-off window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skillreg.policy.errors import DateError, RegionError
from skillreg.policy.loader import LoadedPack, default_packset
from skillreg.policy.schema import TimeLimit as PackTimeLimit
from skillreg.policy.schema import Window as PackWindow

LIMIT_SECTIONS = ("time_limits", "validity", "exit")

UNIT_LABELS = {"working_days": "个工作日", "calendar_days": "日", "years": "年"}


@dataclass(frozen=True)
class Source:
    """The document a limit comes from, for citations on screens, events and audit records."""

    pack_id: str
    title: str
    doc_number: str
    article: str
    quote: str

    @property
    def document(self) -> str:
        return f"《{self.title}》" + (f"（{self.doc_number}）" if self.doc_number else "")

    @property
    def citation(self) -> str:
        """E.g. 《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）第十条：“……”"""
        return f"{self.document}{self.article}：“{self.quote}”"


@dataclass(frozen=True)
class TimeLimit:
    """One statutory time limit in force for a region on a date."""

    id: str
    requirement: str
    label: str
    length: int
    unit: str  # working_days | calendar_days | years
    direction: str  # after | before
    start_event: str
    restart_event: str | None
    on_expiry: str | None
    source: Source

    @property
    def citation(self) -> str:
        return self.source.citation

    @property
    def basis(self) -> str:
        """Short legal basis for an event: document and article."""
        return f"{self.source.document}{self.source.article}"

    @property
    def length_label(self) -> str:
        return f"{self.length}{UNIT_LABELS.get(self.unit, self.unit)}"


@dataclass(frozen=True)
class Window:
    """A report window (AH-4.2 yearly 1–10 March; HN-2 yearly by 31 March and a one-off window)."""

    id: str
    requirement: str
    label: str
    recurrence: str  # yearly | once
    start: str | None  # MM-DD (yearly)
    end: str | None  # MM-DD (yearly)
    due: dt.date | None  # once
    report_years: tuple[int, ...]
    submit_to: str
    effective_from: dt.date  # the pack's; a one-off window without a start opens then
    source: Source

    def span(self, year: int) -> tuple[dt.date, dt.date, tuple[int, ...]] | None:
        """(opens, closes, report years) of this window in calendar year ``year``, or None."""
        if self.recurrence == "once":
            if self.due is None:
                return None
            opens = max(self.effective_from, dt.date(self.due.year, 1, 1))
            if year not in (opens.year, self.due.year) or opens > self.due:
                return None
            return opens, self.due, self.report_years
        start = _month_day(year, self.start or "01-01")
        end = _month_day(year, self.end or "12-31")
        return start, end, (year - 1,)


def _month_day(year: int, text: str) -> dt.date:
    month, day = (int(x) for x in text.split("-"))
    return dt.date(year, month, day)


def _source(item: PackTimeLimit | PackWindow, lp: LoadedPack) -> Source:
    md = lp.pack.metadata
    return Source(
        pack_id=md.id,
        title=md.title,
        doc_number=md.doc_number or "",
        article=item.cite.article,
        quote=item.cite.quote,
    )


def _composition(region_code: str, on: dt.date):  # type: ignore[no-untyped-def]
    try:
        return default_packset().compose(region_code, on)
    except (RegionError, DateError):
        return None  # no pack governs that region on that date: no statutory clock there


def time_limits_for(region_code: str, on: dt.date) -> dict[str, TimeLimit]:
    """The time limits in force for ``region_code`` on ``on``, keyed by pack id.

    Raises ``skillreg.policy.errors.PackError`` when the packs are invalid (never guesses).
    """
    comp = _composition(region_code, on)
    if comp is None:
        return {}
    out: dict[str, TimeLimit] = {}
    for section in LIMIT_SECTIONS:
        for item_id, (item, lp) in comp.keyed[section].items():
            out[item_id] = TimeLimit(
                id=item.id,
                requirement=item.requirement,
                label=item.label,
                length=item.length,
                unit=item.unit or "",
                direction=item.direction,
                start_event=item.start_event,
                restart_event=item.restart_event,
                on_expiry=item.on_expiry,
                source=_source(item, lp),
            )
    return out


def windows_for(region_code: str, on: dt.date) -> dict[str, Window]:
    """The report windows in force for ``region_code`` on ``on``, keyed by pack id."""
    comp = _composition(region_code, on)
    if comp is None:
        return {}
    out: dict[str, Window] = {}
    for item_id, (item, lp) in comp.keyed["windows"].items():
        out[item_id] = Window(
            id=item.id,
            requirement=item.requirement,
            label=item.label,
            recurrence=item.recurrence,
            start=item.start,
            end=item.end,
            due=item.due,
            report_years=tuple(item.report_years),
            submit_to=item.submit_to,
            effective_from=lp.pack.metadata.effective_from,
            source=_source(item, lp),
        )
    return out


@dataclass(frozen=True)
class ReportObligation:
    """One annual report an institution owes, with the window it is due in."""

    window: Window
    report_years: tuple[int, ...]
    opens: dt.date
    due: dt.date


def open_report_windows(region_code: str, today: dt.date) -> list[ReportObligation]:
    """The report windows open on ``today`` under the packs in force today.

    A one-off window (HN-2: the 2023 and 2024 reports by 2025-05-31) replaces the yearly window for
    the report years it lists.
    """
    windows = windows_for(region_code, today)
    spans = [(w, w.span(today.year)) for w in windows.values()]
    covered = {y for w, span in spans if span and w.recurrence == "once" for y in span[2]}
    out = []
    for w, span in spans:
        if span is None:
            continue
        opens, due, years = span
        if not opens <= today <= due:
            continue
        if w.recurrence == "yearly" and set(years) <= covered:
            continue
        out.append(ReportObligation(w, years, opens, due))
    return sorted(out, key=lambda o: (o.opens, o.window.id))


class LimitResolver:
    """Memoised ``time_limits_for`` for one sweep or one page (packs do not change under it)."""

    def __init__(self) -> None:
        self._limits: dict[tuple[str, dt.date], dict[str, TimeLimit]] = {}

    def limits(self, region_code: str, on: dt.date) -> dict[str, TimeLimit]:
        key = (region_code, on)
        found = self._limits.get(key)
        if found is None:
            found = self._limits[key] = time_limits_for(region_code, on)
        return found

    def starting_with(self, region_code: str, on: dt.date, start_event: str) -> list[TimeLimit]:
        return [
            lim
            for lim in self.limits(region_code, on).values()
            if lim.start_event == start_event and lim.direction == "after"
        ]
