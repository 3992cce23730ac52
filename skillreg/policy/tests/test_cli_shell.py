"""``manage.py policy`` from a shell: one error line, no traceback when the reader of a pipe leaves (issue 11)."""

from __future__ import annotations

import subprocess
import sys

from skillreg.policy.loader import REPO_ROOT


def _manage(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(REPO_ROOT / "manage.py"), "policy", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        **kw,
    )


def test_an_error_is_printed_once_with_its_exit_status(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1"', encoding="utf-8")
    done = _manage("check", str(bad))
    assert done.returncode == 2
    assert done.stderr.count("不是有效的 JSON") == 1
    assert "CommandError" not in done.stderr and "Traceback" not in done.stderr


def test_list_into_a_closed_pipe_has_no_traceback():
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, str(REPO_ROOT / "manage.py"), "policy", "list", "--region", "500238"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _out, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err
