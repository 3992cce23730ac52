"""The deadline index (``CaseDeadline``): every open case's running deadlines, kept for reading many at once.

The staff dashboard of a province lists the earliest deadlines of 100,000 open cases and counts them per
authority. Computing every running clock on each request cost 5 s of CPU (issue 16); the index answers it
with a few indexed queries. The live clocks stay the source: the sweep and every outcome service compute
them from the case (``scan``), and this module is the index's only writer, keeping it equal to them:

* **in the writer's transaction**: ``refresh_case`` is called by ``applications.services.transition`` (the
  one place a case changes state, start dates and authority) and by the supplement request (whose
  ``requested_at`` starts the supplement clock, CQ-10), under the case's row lock;
* **when what deadlines are computed with changes** (a pack file, an imported holiday year, the
  chinesecalendar release, the roll-forward setting): ``DeadlineIndex.fingerprint`` records what the index
  was built with; ``ensure_current`` rebuilds it, case by case under each case's row lock, when that
  differs from what is in force (the sweep calls it every run, the dashboard before it reads, and the
  holiday import queues it);
* **as a check**: every sweep compares the index with the live clocks it has computed anyway and rewrites
  any case that differs (``reconcile``), under that case's lock, from the case as it is then.

A case's rows are always rewritten from the case re-read under its row lock, never from values read
earlier, so a rebuild or a repair running beside a transition cannot put back an older deadline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.cache import cache as shared_cache
from django.db import connection, transaction

from skillreg.applications.models import Application
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.policy.loader import default_packset
from skillreg.workcalendar.selectors import calendar_version

from .clocks import RUNS_IN, DueCache
from .limits import LimitResolver
from .models import CaseDeadline, DeadlineIndex
from .scan import RUNNING_STATES, RunningClock, running_clocks, tools

logger = logging.getLogger("skillreg.deadlines")

# Bump when what a row holds or how clocks are grouped into rows changes: every index is then rebuilt.
INDEX_FORMAT = "case-deadline/2"
CHUNK = 2000  # cases per transaction when rebuilding or repairing (each chunk locks its cases' rows)
REBUILD_LOCK = "deadlines.index.rebuild"
REBUILD_LOCK_SECONDS = 1800


@dataclass(frozen=True, order=True)
class Entry:
    """One row of the index, as computed from live clocks (what ``CaseDeadline`` must hold)."""

    application_id: int
    due_on: dt.date
    started_on: dt.date
    clocks: str
    provisional: bool
    outcome_pending: bool
    region_id: int
    authority_id: int | None
    earliest: bool  # the case's earliest due day (the dashboards count each case by it)

    def model(self) -> CaseDeadline:
        return CaseDeadline(**asdict(self))


FIELDS = tuple(f.name for f in fields(Entry))  # the columns of ``CaseDeadline`` an entry holds, in its order


def entry_rows(clocks: Iterable[RunningClock]) -> list[tuple[Any, ...]]:
    """Group running clocks into rows (``FIELDS`` order): one per case and due day — two clocks of a case that end
    the same day are one deadline to watch, as the dashboard has always counted them. Plain tuples: the sweep
    compares 100,000 of them with the stored rows every ten minutes."""
    groups: dict[tuple[int, dt.date], list[Any]] = {}
    for rc in clocks:
        key = (rc.application_id, rc.due.date)
        g = groups.get(key)
        if g is None:
            groups[key] = [
                rc.start,
                {rc.limit.id},
                rc.due.provisional,
                bool(rc.limit.on_expiry),
                rc.region_id,
                rc.authority_id,
            ]
        else:
            g[0] = min(g[0], rc.start)
            g[1].add(rc.limit.id)
            g[2] = g[2] or rc.due.provisional
            g[3] = g[3] or bool(rc.limit.on_expiry)
    first: dict[int, dt.date] = {}
    for app, due in groups:
        if app not in first or due < first[app]:
            first[app] = due
    return [
        (app, due, g[0], ",".join(sorted(g[1])), g[2], g[3], g[4], g[5], due == first[app])
        for (app, due), g in groups.items()
    ]


def entries(clocks: Iterable[RunningClock]) -> list[Entry]:
    """``entry_rows`` as ``Entry``, sorted."""
    return sorted(Entry(*row) for row in entry_rows(clocks))


def stored_rows() -> Iterator[tuple[Any, ...]]:
    """Every row of the index, as ``entry_rows`` gives them."""
    return CaseDeadline.objects.order_by().values_list(*FIELDS).iterator(chunk_size=10_000)


def stored() -> list[Entry]:
    """The index's rows as ``Entry``, sorted."""
    return sorted(Entry(*row) for row in stored_rows())


def fingerprint() -> str:
    """Digest of what deadlines are computed with: the pack files, the calendar in force, the index format."""
    parts = [INDEX_FORMAT, repr(sorted(RUNS_IN.items())), *sorted(lp.sha256 for lp in default_packset().packs)]
    parts.append(repr(calendar_version()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _write(ids: Sequence[int], resolver: LimitResolver, cache: DueCache) -> list[Entry]:
    cases = Application.objects.filter(pk__in=list(ids))
    fresh = entries(running_clocks(cases, resolver=resolver, cache=cache, stream=len(ids) > 100))
    CaseDeadline.objects.filter(application_id__in=list(ids)).delete()
    CaseDeadline.objects.bulk_create([e.model() for e in fresh])
    return fresh


def refresh_case(
    application: Application, *, resolver: LimitResolver | None = None, cache: DueCache | None = None
) -> None:
    """Rewrite one case's rows from its state now. Called inside the transaction that changed the case, which
    holds the case's row lock (the transition's conditional UPDATE)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("refresh_case() must run inside the transaction that changed the case")
    if application.state not in RUNNING_STATES:
        CaseDeadline.objects.filter(application_id=application.pk).delete()
        return
    _write([application.pk], *tools(resolver, cache))


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _rewrite(ids: Sequence[int], resolver: LimitResolver, cache: DueCache, chunk: int) -> int:
    """Rewrite the rows of ``ids``, ``chunk`` cases per transaction, each case re-read under its row lock (so a
    transition committing meanwhile is waited for, and what is written is the case as it then is)."""
    rows = 0
    for part in _chunks(sorted(ids), chunk):
        with transaction.atomic():
            list(
                Application.objects.select_for_update().filter(pk__in=part).order_by("pk").values_list("pk", flat=True)
            )
            rows += len(_write(part, resolver, cache))
    return rows


def rebuild(*, chunk: int = CHUNK, reason: str = "") -> DeadlineIndex:
    """Recompute the whole index from the live clocks and record what it was built with."""
    started = time.perf_counter()
    target = fingerprint()
    resolver, cache = tools()
    ids = set(Application.objects.filter(state__in=RUNNING_STATES).values_list("pk", flat=True))
    ids |= set(CaseDeadline.objects.values_list("application_id", flat=True).distinct())
    rows = _rewrite(sorted(ids), resolver, cache, chunk)
    with connection.cursor() as cursor:  # fresh statistics: the transitions right after delete and insert by case
        cursor.execute(f"ANALYZE {connection.ops.quote_name(CaseDeadline._meta.db_table)}")
    seconds = time.perf_counter() - started
    with transaction.atomic():
        state, _ = DeadlineIndex.objects.select_for_update().get_or_create(pk=1)
        before = {"fingerprint": state.fingerprint, "rows": state.rows}
        state.fingerprint, state.built_at, state.rows, state.seconds = target, clock.now(), rows, round(seconds, 3)
        state.cases = CaseDeadline.objects.values("application_id").distinct().count()
        state.save()
        audit_record(
            actor=None,
            action="deadlines.index_rebuilt",
            obj=state,
            summary=f"重新计算在办案件期限：{state.cases} 件、{rows} 个届满日（{seconds:.1f} 秒）",
            before=before,
            after={"fingerprint": target, "rows": rows, "cases": state.cases, "reason": reason},
        )
    logger.info("deadline index rebuilt: %s rows of %s cases in %.1fs (%s)", rows, state.cases, seconds, reason)
    return state


def is_current() -> bool:
    built = DeadlineIndex.objects.filter(pk=1).values_list("fingerprint", flat=True).first()
    return built == fingerprint()


def ensure_current(*, reason: str = "") -> bool:
    """Rebuild the index if what it was built with is no longer in force. Returns whether it is current now
    (False while another process, holding the cluster-wide lock, is rebuilding it)."""
    if is_current():
        return True
    if not shared_cache.add(REBUILD_LOCK, 1, REBUILD_LOCK_SECONDS):
        return False
    try:
        rebuild(reason=reason or "规则包或放假安排已变化")
    finally:
        shared_cache.delete(REBUILD_LOCK)
    return True


def reconcile(
    clocks: Iterable[RunningClock], *, resolver: LimitResolver, cache: DueCache, repair: bool = True
) -> list[int]:
    """Compare the index with live ``clocks`` (every running clock, as the sweep computed them) and rewrite
    every case whose rows differ, from the case as it is under its lock. Returns those cases. A case changed
    between the sweep's read and this comparison differs harmlessly: its rewrite writes what it now is."""
    live = set(entry_rows(clocks))
    kept = set(stored_rows())
    differing = sorted({row[0] for row in live ^ kept})
    if differing and repair:
        _rewrite(differing, resolver, cache, CHUNK)
        with transaction.atomic():
            audit_record(
                actor=None,
                action="deadlines.index_repaired",
                object_type="deadlines.casedeadline",
                summary=f"核对在办案件期限：{len(differing)} 件与办理记录不一致，已按办理记录重新计算",
                after={"applications": differing, "cases": len(differing)},
            )
        logger.warning("deadline index: %s case(s) differed from the live clocks and were rewritten", len(differing))
    return differing
