"""What a model loses when it is fed the way the Deepness QGIS plugin feeds it.

Deepness reads the ONNX metadata keys ``standardization_mean`` / ``standardization_std`` and feeds a tile as
8-bit RGB divided by 255, then standardised with them (``model/card.py: deepness_metadata``). A model trained with
``--scaling percentile`` expects each image stretched between its own 2 and 98 % values instead. This script scores
a model file on the Bijie validation (qx) and test (ny) counties both ways, at the card's threshold:

    card       the optical scaling the model card says (what Landslide Mapper's detection does)
    deepness   8-bit / 255, then the card's mean/std (what Deepness does with the same file)
    stretched  deepness, after the user stretched each image to 8 bits between its 2 and 98 % values (e.g. QGIS's
               "cumulative count cut" rendering saved as an 8-bit image): the card's percentile scaling up to
               8-bit rounding (only printed for models trained with percentile scaling)

    .venv/bin/python benchmarks/deepness_scaling.py [MODEL] [--data ../shared/datasets/bijie-rgb]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import torch

from landslide_mapper.detection.engines import open_engine
from landslide_mapper.detection.pipeline import default_model_path
from landslide_mapper.detection.raster_io import optical_scaler
from landslide_mapper.training.dataset import list_samples, split_by_region
from landslide_mapper.training.metrics import SegmentationMetrics
from landslide_mapper.training.train import ChipSet, _pad32, _percentiles

ROOT = Path(__file__).resolve().parents[1]
DEEPNESS = {"method": "divide", "value": 255}


def score(engine, chips: ChipSet, threshold: float) -> dict:
    m = SegmentationMetrics()
    for i in range(0, len(chips), 8):
        xs, ys = zip(*(chips[j] for j in range(i, min(i + 8, len(chips)))))
        x, h, w = _pad32(torch.stack(xs))
        prob = engine.predict(x.numpy())[:, :h, :w]
        for p, y in zip(prob, ys):
            m.update(p >= threshold, y[0].numpy() > 0.5, objects=False)
    return m.compute()


def stretched_to_8_bits(chips: ChipSet) -> ChipSet:
    """The chips as a 2-98 % stretch saved as 8-bit and divided by 255 would give them."""
    for i, (image, _, _) in enumerate(chips.items):
        stretch = optical_scaler({"method": "percentile"}, image.dtype, _percentiles(image), [0.0] * 3, [1.0] * 3)
        chips.scalers[i] = lambda raw, stretch=stretch: np.round(stretch(raw) * 255.0) / 255.0
    return chips


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?", default=str(default_model_path()))
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "bijie-rgb"))
    args = ap.parse_args()
    engine = open_engine(args.model, "auto", "cpu")
    card = engine.card
    fed = {"card": card, "deepness": dataclasses.replace(card, optical_scaling=dict(DEEPNESS))}
    splits = split_by_region(list_samples(args.data), seed=0, val_regions=["qx"], test_regions=["ny"])
    print(f"model {Path(args.model).name}: card scaling {card.optical_scaling}, mean {card.mean}, std {card.std}, "
          f"threshold {card.threshold}")
    print("| split | fed as | P | R | F1 | IoU |\n|---|---|---|---|---|---|")
    for split, county in (("val", "qx"), ("test", "ny")):
        ious = {}
        ways = {how: ChipSet(splits[split], c, False, None, 0) for how, c in fed.items()}
        if card.optical_scaling.get("method") == "percentile":
            ways["stretched"] = stretched_to_8_bits(ChipSet(splits[split], fed["deepness"], False, None, 0))
        for how, chips in ways.items():
            r = score(engine, chips, card.threshold)
            ious[how] = r["iou"]
            print(f"| {split} ({county}) | {how} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                  f"{r['iou']:.3f} |")
        print(f"| {split} ({county}) | deepness - card | | | | {ious['deepness'] - ious['card']:+.3f} |")


if __name__ == "__main__":
    main()
