"""``manage.py sweep`` and the huey task: same sweep, dry runs, bad input."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillreg.applications.models import State

from .conftest import at, submit_on

pytestmark = pytest.mark.django_db
D = dt.date


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("sweep", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_sweep_command_applies_outcomes(wuxi_institution):
    app = submit_on(wuxi_institution, D(2026, 9, 29))
    with at(D(2026, 10, 13)):
        text = _run()
    assert "已视为受理（CQ-10）：1 件" in text
    app.refresh_from_db()
    assert app.state == State.ACCEPTED


def test_dry_run_on_a_simulated_date_changes_nothing(wuxi_institution):
    app = submit_on(wuxi_institution, D(2026, 9, 29))
    with at(D(2026, 10, 1)):
        data = json.loads(_run("--dry-run", "--on", "2026-10-13", "--json"))
    assert data["today"] == "2026-10-13" and data["dry_run"] is True
    assert data["deemed_accepted"] == [app.pk]
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


@pytest.mark.parametrize("value", ["2026-13-01", "13/10/2026", "明天", "2026-1-5"])
def test_bad_on_date_is_a_clear_chinese_error(value):
    with pytest.raises(CommandError) as exc:
        _run("--dry-run", "--on", value)
    assert "--on 参数有误" in str(exc.value) and "YYYY-MM-DD" in str(exc.value)


def test_on_without_dry_run_is_refused():
    with pytest.raises(CommandError) as exc:
        _run("--on", "2026-10-13")
    assert "--dry-run" in str(exc.value)


def test_bad_date_exits_non_zero_from_the_shell():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "manage.py", "sweep", "--dry-run", "--on", "2026-02-30"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "日期“2026-02-30”无效" in proc.stderr


def test_huey_task_is_periodic_every_10_minutes_and_runs_the_same_sweep(wuxi_institution):
    from skillreg.deadlines import tasks

    app = submit_on(wuxi_institution, D(2026, 9, 29))
    periodic = tasks.sweep_deadlines.task_class()
    assert periodic.validate_datetime(dt.datetime(2026, 10, 13, 9, 20))
    assert not periodic.validate_datetime(dt.datetime(2026, 10, 13, 9, 25))
    with at(D(2026, 10, 13)):
        result = tasks.sweep_deadlines.call_local()
    assert result["deemed_accepted"] == [app.pk]


def test_reindex_recomputes_the_deadline_index_and_nothing_else(wuxi_institution):
    from skillreg.deadlines.models import CaseDeadline

    app = submit_on(wuxi_institution, D(2026, 9, 29))
    CaseDeadline.objects.all().delete()
    with at(D(2026, 10, 13)):  # the acceptance limit has passed: a sweep would deem it accepted
        text = _run("--reindex")
    assert "期限索引已重新计算：1 件在办案件、1 个届满日" in text
    app.refresh_from_db()
    assert app.state == State.SUBMITTED and CaseDeadline.objects.filter(application=app).count() == 1
    with pytest.raises(CommandError, match="--reindex 不能与"):
        _run("--reindex", "--dry-run")
