"""Figures the dashboards read from apps that arrive on other branches (issue 15): one slot per figure.

* ``applicants`` — applicants (报考人数) per occupation and level, the denominator of the pass rate. Without a
  provider the evaluation plans answer: the applicants of the results filed for each plan (``skillreg.evaluations``,
  issue 14). A provider is ``f(user, filters) -> dict[(occupation_id, level), int]``; a key it does not return is
  *unknown* and the page shows "—".
* ``report_timeliness`` — annual reports (年度工作总结) on time, late and missing per report year, from
  ``skillreg.annualreports`` (registered in its ``AppConfig.ready``). A provider is
  ``f(user, filters) -> list[TimelinessRow]``. No provider: the chart is not shown at all (no invented series).

An app wires its figure with ``register(name, provider)`` in its ``AppConfig.ready()``; the last registration
wins (so a test can put its own in place with ``registered(...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

NAMES = ("applicants", "report_timeliness")

_providers: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class TimelinessRow:
    """One report year of the annual-report timeliness chart (counts of institutions in the filter's scope)."""

    year: int
    on_time: int
    late: int
    missing: int


def register(name: str, provider: Callable[..., Any]) -> None:
    if name not in NAMES:
        raise ValueError(f"unknown dashboard source {name!r}; known: {', '.join(NAMES)}")
    _providers[name] = provider


def provider(name: str) -> Callable[..., Any] | None:
    return _providers.get(name)


@contextmanager
def registered(name: str, fn: Callable[..., Any] | None) -> Iterator[None]:
    """Temporarily put ``fn`` (or nothing) in slot ``name`` — for tests."""
    before = _providers.get(name)
    if fn is None:
        _providers.pop(name, None)
    else:
        register(name, fn)
    try:
        yield
    finally:
        if before is None:
            _providers.pop(name, None)
        else:
            _providers[name] = before
