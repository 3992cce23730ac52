"""The pure core imports nothing from Django (DESIGN.md: pure cores)."""

from __future__ import annotations

import subprocess
import sys

from skillreg.policy.loader import REPO_ROOT

PURE = ["facts", "profile", "parsing", "schema", "loader", "lint", "compiler", "engine", "simulate", "samples", "cli"]


def test_pure_modules_do_not_import_django():
    code = (
        "import sys\n"
        + "".join(f"import skillreg.policy.{m}\n" for m in PURE)
        + "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') or m == 'ninja')\n"
        + "print(','.join(bad))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=True
    )
    assert out.stdout.strip() == ""
