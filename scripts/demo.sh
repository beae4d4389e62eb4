#!/usr/bin/env bash
# `make demo`: the main job. Detect landslides on the bundled real sample (2018 Hokkaido Eastern Iburi earthquake,
# Sentinel-2 R/G/B + 30 m DSM, data/hokkaido-iburi-sample/) with the bundled model
# (resources/models/landslide_mapper_default.onnx), then draw the polygons over the image.
#
# ============================ DEMO RECIPE (the one place to change what `make demo` does) ============================
# 1. Environment check: the plugin is built into its zip, installed into a throw-away QGIS profile and
#    landslide_mapper:check_environment runs through qgis_process (what a geologist's first stop reports).
# 2. Detection: `python -m landslide_mapper detect` (the same core function as the QGIS algorithm) on the three
#    single-band files + DSM, processed at the model's training resolution (1 m; DEMO_RESOLUTION=... overrides).
# 3. A PNG quick-look with the polygons in red.
# Outputs in demo-output/: hokkaido_landslides.gpkg (layer "landslides"), hokkaido_probability.tif,
# hokkaido_quicklook.png, environment.json/.html.
# =======================================================================================================================
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
OUT="$ROOT/demo-output"
SAMPLE="$ROOT/data/hokkaido-iburi-sample"
MODEL="$ROOT/resources/models/landslide_mapper_default.onnx"
DEMO_RESOLUTION=${DEMO_RESOLUTION:-}
say() { printf '[demo] %s\n' "$*" >&2; }

[ -x "$PY" ] || { say "no .venv: run 'make setup' first"; exit 2; }
[ -f "$MODEL" ] || { say "the bundled model is missing: $MODEL"; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/landslide_mapper-demo-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# ---- 1. environment check through qgis_process (plugin installed from its zip) -----------------------------------
(
    # shellcheck source=scripts/headless_env.sh
    . "$ROOT/scripts/headless_env.sh"
    headless_env "$WORK"
    export PYTHONPATH
    PYTHONPATH=$(echo "$ROOT"/.venv/lib/python3*/site-packages)   # qgis_process's Python does not see the venv
    ZIP=$("$PY" "$ROOT/scripts/package.py" --output-dir "$WORK/dist")
    PLUGINS="$QGIS_CUSTOM_CONFIG_PATH/profiles/default/python/plugins"
    mkdir -p "$PLUGINS"
    "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$ZIP" "$PLUGINS"
    qgis_process plugins enable landslide_mapper >/dev/null
    say "qgis_process run landslide_mapper:check_environment (plugin installed from $(basename "$ZIP"))"
    qgis_process run landslide_mapper:check_environment -- OUTPUT="$OUT/environment.json" >/dev/null
    qgis_process run landslide_mapper:check_environment -- OUTPUT="$OUT/environment.html" >/dev/null
)
"$PY" - "$OUT/environment.json" <<'PYEOF'
import json
import sys

from landslide_mapper.environment.report import summary_lines

print("\n".join(summary_lines(json.load(open(sys.argv[1], encoding="utf-8")))))
PYEOF

# ---- 2. detection on the real sample -------------------------------------------------------------------------------
say "detecting landslides on the Hokkaido Iburi sample with $(basename "$MODEL")"
"$PY" -m landslide_mapper detect \
    --optical "$SAMPLE/post_B4.tif" "$SAMPLE/post_B3.tif" "$SAMPLE/post_B2.tif" --dem "$SAMPLE/dsm.tif" \
    --model "$MODEL" ${DEMO_RESOLUTION:+--resolution "$DEMO_RESOLUTION"} --min-area 500 --simplify 2 \
    --output "$OUT/hokkaido_landslides.gpkg" --probability "$OUT/hokkaido_probability.tif"

# ---- 3. quick-look ---------------------------------------------------------------------------------------------------
"$PY" - "$SAMPLE" "$OUT" <<'PYEOF'
import sys
from pathlib import Path

import fiona

from landslide_mapper.detection.quicklook import quicklook

sample, out = Path(sys.argv[1]), Path(sys.argv[2])
gpkg = out / "hokkaido_landslides.gpkg"
png = quicklook([sample / "post_B4.tif", sample / "post_B3.tif", sample / "post_B2.tif"], gpkg,
                out / "hokkaido_quicklook.png")
with fiona.open(gpkg, layer="landslides") as src:
    n = len(src)
    area = sum(f["properties"]["area_m2"] for f in src)
print(f"Landslides found: {n} ({area / 1e4:.1f} ha)")
print(f"Polygons:    {gpkg}")
print(f"Probability: {out / 'hokkaido_probability.tif'}")
print(f"Quick-look:  {png}")
PYEOF
