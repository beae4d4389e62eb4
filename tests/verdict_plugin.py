"""pytest plugin: write the session's verdict (exit status and counts) to ``$LANDSLIDE_MAPPER_VERDICT``.

``scripts/run_tests.sh`` judges a run by this file (through ``scripts/test_verdict.py``), not by the process
exit code: QGIS can crash while the interpreter exits, after every test ran. The file is written at the end of
``pytest_sessionfinish``, atomically; a session that dies before that leaves no file, which counts as a
failure. Loaded by ``tests/conftest.py`` (and by ``-p verdict_plugin`` in the tests of this mechanism).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

COUNTS = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "xfailed": 0, "xpassed": 0}


def pytest_runtest_logreport(report):
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            COUNTS["xpassed" if report.passed else "xfailed"] += 1
        elif report.passed:
            COUNTS["passed"] += 1
        elif report.failed:
            COUNTS["failed"] += 1
        elif report.skipped:
            COUNTS["skipped"] += 1
    elif report.failed:  # setup or teardown failed
        COUNTS["errors"] += 1
    elif report.skipped and report.when == "setup":
        COUNTS["skipped"] += 1


def pytest_collectreport(report):
    if report.failed:
        COUNTS["errors"] += 1


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("LANDSLIDE_MAPPER_VERDICT")
    if not path:
        return
    verdict = {"exitstatus": int(exitstatus), "collected": session.testscollected, **COUNTS}
    partial = Path(path + ".partial")
    partial.write_text(json.dumps(verdict), encoding="utf-8")
    partial.replace(path)
