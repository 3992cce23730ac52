"""The single injectable clock. Services ask it for "now"; tests move it with time-machine.

``replay_at`` sets "now" for the current thread of execution only (a context variable): the demo loader uses
it to build a dated history (a filing of three years ago, its renewal, its exit) through the real services.
No request handler or task uses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_replayed: ContextVar[dt.datetime | None] = ContextVar("skillreg_clock_replayed", default=None)


def now() -> dt.datetime:
    """Aware datetime in UTC (Django's convention); render with localtime()."""
    replayed = _replayed.get()
    return replayed if replayed is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's zone."""
    return timezone.localdate(now())


@contextmanager
def replay_at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (aware). For loading dated demo history only."""
    if timezone.is_naive(moment):
        raise ValueError("replay_at needs an aware datetime")
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)
