"""The pure core must import nothing from Django (DESIGN.md: pure cores)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PURE = ["calendar", "errors", "holidays", "sources", "units"]


def test_pure_modules_import_no_django() -> None:
    imports = "; ".join(f"import skillreg.workcalendar.{m}" for m in PURE)
    code = f"import sys; {imports}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
