"""Run a test script in a fresh Python interpreter and read its answer: the script prints one line
``RESULT <json>``. Used where a test needs a clean process (qgis or torch made unimportable, QGIS started anew)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def script_result(code: str, *args: str, cwd: Path, timeout: int = 300, env: dict | None = None) -> dict:
    """The JSON after the last ``RESULT `` line; fails the test, with the output, if the script failed."""
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=env, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, f"rc {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT "):])
