#!/usr/bin/env bash
# `make demo`: the main job, run the way a user runs it (the plugin installed from its zip, qgis_process).
#
# ============================ DEMO RECIPE (the one place to change what `make demo` does) ============================
# For now: build the plugin zip, install it into a throw-away QGIS profile, enable it, run
# landslide_mapper:check_environment through qgis_process with JSON output and print the report.
# Output: demo-output/environment.json (+ environment.html).
# =======================================================================================================================
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
OUT="$ROOT/demo-output"
say() { printf '[demo] %s\n' "$*" >&2; }

[ -x "$PY" ] || { say "no .venv: run 'make setup' first"; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/landslide_mapper-demo-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=scripts/headless_env.sh
. "$ROOT/scripts/headless_env.sh"
headless_env "$WORK"
export PYTHONPATH
PYTHONPATH=$(echo "$ROOT"/.venv/lib/python3*/site-packages)   # qgis_process's Python does not see the venv

say "building the plugin zip"
ZIP=$("$PY" "$ROOT/scripts/package.py" --output-dir "$WORK/dist")
say "installing $(basename "$ZIP") into a throw-away QGIS profile"
PLUGINS="$QGIS_CUSTOM_CONFIG_PATH/profiles/default/python/plugins"
mkdir -p "$PLUGINS"
"$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$ZIP" "$PLUGINS"
qgis_process plugins enable landslide_mapper >/dev/null

mkdir -p "$OUT"
say "qgis_process --json run landslide_mapper:check_environment -- OUTPUT=$OUT/environment.json"
qgis_process --json run landslide_mapper:check_environment -- OUTPUT="$OUT/environment.json" >"$WORK/run.json"
qgis_process run landslide_mapper:check_environment -- OUTPUT="$OUT/environment.html" >/dev/null

"$PY" - "$OUT/environment.json" <<'PYEOF'
import json
import sys

from landslide_mapper.processing.environment import summary_lines

report = json.load(open(sys.argv[1], encoding="utf-8"))
print("\n".join(summary_lines(report)))
PYEOF
say "report: $OUT/environment.json and $OUT/environment.html"
