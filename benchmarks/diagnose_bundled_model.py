"""Diagnostics of a model on the Bijie validation and test counties: landslide IoU at several thresholds, with and
without 4-flip test-time averaging. Thresholds read here on the TEST county are diagnostics, never a result (the
product's threshold is chosen on validation). Also the resolution bound: the IoU that the true masks themselves keep
after average-pooling to an output stride and bilinear upsampling back (what a decoder at that stride could reach
at best).

    .venv/bin/python benchmarks/diagnose_bundled_model.py [MODEL] [--data ../shared/datasets/bijie-rgb]

With ``--ensemble MODEL MODEL ...`` it reads, instead, each model and the average of their probabilities (what
ensembling several training runs would give; a diagnostic of run-to-run spread, not a product feature).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from landslide_mapper.detection.engines import open_engine
from landslide_mapper.detection.pipeline import default_model_path
from landslide_mapper.training.dataset import list_samples, load_sample, split_by_region
from landslide_mapper.training.metrics import SegmentationMetrics
from landslide_mapper.training.train import ChipSet, _pad32

ROOT = Path(__file__).resolve().parents[1]
FLIPS = ((), (2,), (3,), (2, 3))  # none, vertical, horizontal, both (axes of [N, C, H, W])


def flip_averaged(engine, x: np.ndarray) -> np.ndarray:
    acc = None
    for axes in FLIPS:
        prob = engine.predict(np.flip(x, axis=axes).copy() if axes else x)  # [N, H, W]
        prob = np.flip(prob, axis=tuple(a - 1 for a in axes)) if axes else prob
        acc = prob if acc is None else acc + prob
    return acc / len(FLIPS)


def resolution_bound(samples, stride: int) -> float:
    m = SegmentationMetrics()
    for sample in samples:
        truth = torch.from_numpy((load_sample(sample)[2] > 0).astype(np.float32))[None, None]
        low = F.avg_pool2d(truth, stride, ceil_mode=True)
        up = F.interpolate(low, size=truth.shape[-2:], mode="bilinear", align_corners=False)
        m.update(up[0, 0].numpy() >= 0.5, truth[0, 0].numpy() > 0.5)
    return m.compute()["iou"]


def probabilities(engine, chips, flips: bool = True):
    """Per chip: plain probabilities, 4-flip averaged ones (or None) and the true mask."""
    plain, averaged, truth = [], [], []
    for i in range(0, len(chips), 8):
        xs, ys = zip(*(chips[j] for j in range(i, min(i + 8, len(chips)))))
        x, h, w = _pad32(torch.stack(xs))
        x = x.numpy()
        plain += list(engine.predict(x)[:, :h, :w])
        averaged += list(flip_averaged(engine, x)[:, :h, :w]) if flips else [None] * len(ys)
        truth += [y[0].numpy() > 0.5 for y in ys]
    return plain, averaged, truth


def iou_row(probs, truth, thresholds) -> str:
    row = []
    for t in thresholds:
        m = SegmentationMetrics()
        for p, y in zip(probs, truth):
            m.update(p >= t, y)
        row.append(f"{t:.2f}: {m.compute()['iou']:.3f}")
    return "  ".join(row)


def ensemble(models: list[str], splits, thresholds) -> None:
    engines = [open_engine(m, "auto", "auto") for m in models]
    for split in ("val", "test"):
        chips = ChipSet(splits[split], engines[0].card, False, None, 0)
        runs = [probabilities(e, chips, flips=False) for e in engines]
        truth = runs[0][2]
        regions = ", ".join(sorted({s.region for s in splits[split]}))
        for model, (plain, _, _) in zip(models, runs):
            print(f"{split} ({regions}) {model}: IoU at {iou_row(plain, truth, thresholds)}")
        mean = [np.mean([r[0][i] for r in runs], axis=0) for i in range(len(truth))]
        print(f"{split} ({regions}) average of the {len(models)} models: IoU at {iou_row(mean, truth, thresholds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(default_model_path()))
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "bijie-rgb"))
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6])
    parser.add_argument("--ensemble", nargs="+", metavar="MODEL", help="read these models and their average")
    args = parser.parse_args()
    splits = split_by_region(list_samples(args.data), seed=0, val_regions=["qx"], test_regions=["ny"])
    if args.ensemble:
        return ensemble(args.ensemble, splits, args.thresholds)
    engine = open_engine(args.model, "auto", "auto")
    print(f"model {Path(args.model).name} (card threshold {engine.card.threshold})")
    for split in ("val", "test"):
        bounds = "  ".join(f"stride {k}: {resolution_bound(splits[split], k):.3f}" for k in (4, 8, 16))
        print(f"{split}: IoU of the true masks pooled to the output stride and upsampled back: {bounds}")
    for split in ("val", "test"):
        plain, averaged, truth = probabilities(engine, ChipSet(splits[split], engine.card, False, None, 0))
        for name, probs in (("plain", plain), ("4-flip average", averaged)):
            regions = ", ".join(sorted({s.region for s in splits[split]}))
            print(f"{split} ({regions}) {name:15s} IoU at {iou_row(probs, truth, args.thresholds)}")


if __name__ == "__main__":
    main()
