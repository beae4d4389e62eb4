#!/usr/bin/env python3
"""Judge a test run by the verdict file tests/verdict_plugin.py wrote, not by the pytest process exit code.

Usage: test_verdict.py VERDICT_FILE PYTEST_EXIT_CODE [SECONDS]
Exit 0 only if the file exists and says: pytest exit status 0, no failures or errors, at least one test
passed. A missing or unreadable file (the session died, or conftest was not loaded) is a failure. A pytest
process exit code that differs from the recorded status (QGIS crashing at interpreter exit: 139) is reported
and ignored.
"""

from __future__ import annotations

import json
import sys

KEYS = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")


def judge(path: str, rc: int, took: str = "?") -> tuple[bool, str]:
    try:
        with open(path, encoding="utf-8") as handle:
            v = json.load(handle)
        counts = ", ".join(f"{k} {int(v[k])}" for k in KEYS)
        status = int(v["exitstatus"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return False, f"FAILED: no verdict from the test session ({exc}); pytest process exit code {rc}"
    reasons = []
    if status != 0:
        reasons.append(f"pytest exit status {status}")
    if v["failed"] or v["errors"]:
        reasons.append("failures or errors")
    if v["passed"] == 0:
        reasons.append("no test ran and passed")
    note = ""
    if rc != status:
        note = f" (the pytest process itself exited with {rc}, e.g. a crash at interpreter exit: ignored)"
    if reasons:
        return False, f"FAILED: {'; '.join(reasons)} - {counts} in {took} s{note}"
    return True, f"PASSED: {counts} in {took} s{note}"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ok, message = judge(argv[0], int(argv[1]), argv[2] if len(argv) > 2 else "?")
    print(f"[tests] {message}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
