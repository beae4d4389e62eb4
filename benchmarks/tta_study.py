"""Test-time augmentation (detection/tta.py) on trained Bijie runs, and the mean of several runs' probabilities.

For each model file (and, with more than one, for the mean of their probabilities: a diagnostic, not in the
product), the probabilities of the validation county (qx) and the test county (ny) are computed once per mode
(none, flips, d4); the threshold is chosen on qx as `train` chooses it (``training.train.choose_threshold``) and ny
is reported at it. The model files are not changed. Hold the CPU lock:

    flock /tmp/landslide-cpu.lock .venv/bin/python benchmarks/tta_study.py MODEL [MODEL ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from landslide_mapper.detection import tta
from landslide_mapper.detection.engines import open_engine
from landslide_mapper.training.dataset import list_samples, split_by_region
from landslide_mapper.training.metrics import SegmentationMetrics
from landslide_mapper.training.train import ChipSet, chip_probabilities, choose_threshold

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bijie-rgb"
SPLITS = split_by_region(list_samples(DATA), seed=0, val_regions=["qx"], test_regions=["ny"])


def probabilities(engine, split: str, mode: str) -> tuple[np.ndarray, np.ndarray]:
    probs, truth = chip_probabilities(engine, ChipSet(SPLITS[split], engine.card, False, None, 0), (mode,))
    return probs[mode], truth


def row(name: str, mode: str, val: tuple, test: tuple) -> str:
    threshold, sweep = choose_threshold(*val)
    m = SegmentationMetrics()
    for p, t in zip(*test):
        m.update(p >= threshold, t)
    r = m.compute()
    return (f"| {name} | {mode} | {sweep[f'{threshold:.2f}']:.3f} | {threshold:.2f} | {r['iou']:.3f} | "
            f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['miou']:.3f} | "
            f"{r['small_object_recall']:.2f} |")


def main(models: list[str]) -> None:
    print("| model | tta | val qx IoU | threshold (val) | test ny IoU | P | R | F1 | mIoU | small-object recall |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode in tta.MODES:
        per_model = []
        for path in models:
            engine = open_engine(path, "auto", "cpu")
            val, test = probabilities(engine, "val", mode), probabilities(engine, "test", mode)
            per_model.append((val, test))
            print(row(path, mode, val, test), flush=True)
        if len(models) > 1:
            val = (np.mean([v[0] for v, _ in per_model], axis=0), per_model[0][0][1])
            test = (np.mean([t[0] for _, t in per_model], axis=0), per_model[0][1][1])
            print(row(f"mean of the {len(models)} models' probabilities", mode, val, test), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
