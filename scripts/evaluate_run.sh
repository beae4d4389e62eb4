#!/usr/bin/env bash
# Evaluate a Bijie training run's best checkpoint on the test county (ny) and the validation county (qx), plainly
# and with each test-time augmentation (flips, d4), each at the threshold that training chose for it on qx.
# Writes OUT/test_ny.json, OUT/val_qx.json and OUT/*_tta_<mode>.json (Markdown beside each).
# Usage: scripts/evaluate_run.sh OUT   (used by train_bundled_model.sh and seed_study.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1
DATA=${BIJIE:-$ROOT/../shared/datasets/bijie-rgb}
PY=$ROOT/.venv/bin/python
for TTA in none flips d4; do
  SUFFIX=$([ "$TTA" = none ] && echo "" || echo "_tta_$TTA")
  for SPLIT in test:test_ny val:val_qx; do
    "$PY" -m landslide_mapper evaluate --model "$OUT/best.safetensors" --data "$DATA" --split "${SPLIT%%:*}" \
      --val-regions qx --test-regions ny --tta "$TTA" --report "$OUT/${SPLIT##*:}$SUFFIX.json"
  done
done
