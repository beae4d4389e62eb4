#!/usr/bin/env bash
# Run the test suite headless against the real QGIS, in the venv made by scripts/setup.sh.
#
#   scripts/run_tests.sh [pytest args...]      e.g. scripts/run_tests.sh tests/test_packaging.py -k zip
#
# 1. `ruff check .` (lint errors fail the run).
# 2. pytest, with QT_QPA_PLATFORM=offscreen, a private 0700 XDG_RUNTIME_DIR, a throw-away QGIS profile
#    (QGIS_CUSTOM_CONFIG_PATH) and TMPDIR in a per-run folder under .test-tmp/. PROJ_DATA/PROJ_LIB are never set
#    (the rasterio/fiona wheels would then load the system proj.db and fail).
#
# The verdict does NOT come from pytest's exit code: QGIS can crash while the interpreter exits (rc 139)
# after every test has passed, and a crash must not be able to turn a failing run green either.
# tests/verdict_plugin.py (loaded by tests/conftest.py) writes the session's exit status and counts to
# $LANDSLIDE_MAPPER_VERDICT in pytest_sessionfinish; scripts/test_verdict.py passes the run only if that file
# exists, pytest's status in it is 0, no test failed or errored, and at least one test passed. A missing file
# (a crash during the run, conftest not loaded) is a failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
say() { printf '[tests] %s\n' "$*" >&2; }

[ -x "$PY" ] || { say "no .venv: run 'make setup' (scripts/setup.sh) first"; exit 2; }

cd "$ROOT"
say "ruff check ."
if ! "$PY" -m ruff check .; then
    say "FAILED: lint errors (ruff check .)"
    exit 1
fi

WORK="$ROOT/.test-tmp"
mkdir -p "$WORK"
# forget runs older than a day (never the folders of runs that may still be going on)
find "$WORK" -mindepth 1 -maxdepth 1 -name 'run-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
RUN=$(mktemp -d "$WORK/run-XXXXXX")
# shellcheck source=scripts/headless_env.sh
. "$ROOT/scripts/headless_env.sh"
headless_env "$RUN"
export LANDSLIDE_MAPPER_VERDICT="$RUN/verdict.json"
export PYTHONDONTWRITEBYTECODE=1

say "pytest $* (work folder $RUN)"
start=$(date +%s)
"$PY" -P -m pytest "$@"   # -P: the working folder (the package root) is not put on sys.path
rc=$?
took=$(( $(date +%s) - start ))

# The verdict, from the file tests/verdict_plugin.py wrote (not from $rc).
"$PY" "$ROOT/scripts/test_verdict.py" "$LANDSLIDE_MAPPER_VERDICT" "$rc" "$took"
verdict=$?
if [ "$verdict" -eq 0 ]; then
    rm -rf "$RUN"
else
    say "kept the work folder for inspection: $RUN"
fi
exit "$verdict"
