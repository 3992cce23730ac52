"""CPU time of the whole machine per process group, from /proc (issue 16: where a verification's time goes on the
production stack, not only in the Python process). Not a test; Linux only.

    before = proc_cpu.snapshot(db="skillreg_staffbench")
    ... a fixed run of N requests ...
    groups = proc_cpu.delta(before, proc_cpu.snapshot(db=...))   # {group: CPU seconds}

Groups: ``nginx``, ``gunicorn workers``, ``gunicorn master``, ``waitress``, ``postgres backends (bench db)`` (the
backends connected to the bench database: they serve only the server under test), ``postgres (other)`` (its
background processes and other databases' backends: other engineers' work), ``redis-server`` (shared; its other
clients are idle during a run unless someone's suite uses Redis), ``wrk`` (the load generator), ``other`` (the
rest of the machine), plus ``machine busy`` and ``machine idle`` from /proc/stat (all cores). A process that
starts during the run counts in full, one that ends during it is lost (none should: connections persist).
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _group(pid: int, cmdline: str, comm: str, db: str) -> str:
    if comm == "wrk":
        return "wrk"
    if comm.startswith("nginx"):
        return "nginx"
    if "gunicorn" in cmdline:
        return "gunicorn master" if "master" in cmdline or _is_master(pid) else "gunicorn workers"
    if "cert_wsgi.py" in cmdline:
        return "waitress"
    if comm == "redis-server":
        return "redis-server"
    if comm == "postgres" or cmdline.startswith("postgres"):
        return "postgres backends (bench db)" if f" {db} " in cmdline else "postgres (other)"
    return "other"


def _is_master(pid: int) -> bool:
    """gunicorn's master is the one whose parent is not a gunicorn process."""
    try:
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return b"gunicorn" not in Path(f"/proc/{ppid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return False


def snapshot(db: str = "") -> dict[str, object]:
    procs: dict[int, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        procs[pid] = (_group(pid, cmdline, comm, db), cpu)
    cpu_line = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in cpu_line]
    idle = ticks[3] + ticks[4]
    return {"procs": procs, "busy": (sum(ticks[:8]) - idle) / TICK, "idle": idle / TICK}


def delta(before: dict[str, object], after: dict[str, object]) -> dict[str, float]:
    out: dict[str, float] = {}
    b_procs: dict[int, tuple[str, float]] = before["procs"]  # type: ignore[assignment]
    a_procs: dict[int, tuple[str, float]] = after["procs"]  # type: ignore[assignment]
    for pid, (group, cpu) in a_procs.items():
        start = b_procs.get(pid, (group, 0.0))[1]
        out[group] = out.get(group, 0.0) + max(cpu - start, 0.0)
    out["machine busy"] = float(after["busy"]) - float(before["busy"])  # type: ignore[arg-type]
    out["machine idle"] = float(after["idle"]) - float(before["idle"])  # type: ignore[arg-type]
    return out
