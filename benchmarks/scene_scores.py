"""A model judged as users meet it, and the shape check, in one report.

- Jinsha River valley areas A and B (../shared/datasets/jinsha-rgbdem): whole scenes through ``detect`` (the DEM
  given when the model uses one), polygons rasterised onto the mask, mapped pixels only (training/scene_eval.py);
- Bijie county ny (the held-out test county of the chips): plain chip IoU at the model's threshold;
- the shape check on both: for every reference landslide, the share of its area the detection covers (median and
  quartiles). A model that marks a blob at the head of each scar covers a small share of each.

    .venv/bin/python benchmarks/scene_scores.py [MODEL ...] [--json out.json]

No model: the bundled one. Prints one JSON line per model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))

from landslide_mapper.detection.engines import open_engine  # noqa: E402
from landslide_mapper.detection.options import Overrides, resolve_overrides  # noqa: E402
from landslide_mapper.model.checkpoint import read_card  # noqa: E402
from landslide_mapper.training.dataset import IGNORE, list_samples, split_by_region  # noqa: E402
from landslide_mapper.training.metrics import SegmentationMetrics, covered_shares  # noqa: E402
from landslide_mapper.training.scene_eval import evaluate_scene  # noqa: E402
from landslide_mapper.training.scenes import LoadedScene, SceneSource, SceneTiles  # noqa: E402
from landslide_mapper.training.train import ChipSet, _pad32, chip_probabilities, choose_threshold  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
BUNDLED = ROOT / "resources" / "models" / "landslide_mapper_default.onnx"


def bijie_ny(model: Path) -> dict:
    import torch

    eng = open_engine(model, "auto", "auto")
    card = eng.card
    samples = split_by_region(list_samples(SHARED / "bijie-rgb"), val_regions=["qx"], test_regions=["ny"])["test"]
    chips = ChipSet(samples, card, False, None, 0)
    threshold = resolve_overrides(Overrides(), card, "none").threshold
    m, shares = SegmentationMetrics(), []
    for i in range(0, len(chips), 8):
        xs, ys = zip(*(chips[j] for j in range(i, min(i + 8, len(chips)))))
        x, h, w = _pad32(torch.stack(xs))
        prob = eng.predict(x.numpy())[:, :h, :w]
        for p, y in zip(prob, ys):
            t = y[0].numpy()
            m.update(p >= threshold, t == 1, objects=False, mapped=t != IGNORE)
            shares.extend(covered_shares(p >= threshold, t == 1).tolist())
    r = m.compute()
    return {"iou": r["iou"], "precision": r["precision"], "recall": r["recall"],
            "covered_share_median": float(np.median(shares)),
            "covered_share_quartiles": [float(q) for q in np.quantile(shares, (0.25, 0.75))], "landslides": len(shares)}


def validation(model: Path) -> dict:
    """The validation score as ``train`` computes it for the bundled recipe, for any model file: the mean landslide
    IoU over the Bijie county qx (chips) and the Jinsha area B (512 px tiles), at the threshold that maximises it."""
    eng = open_engine(model, "auto", "auto")
    card = eng.card
    folder = SHARED / "jinsha-rgbdem"
    qx = split_by_region(list_samples(SHARED / "bijie-rgb"), val_regions=["qx"], test_regions=["ny"])["val"]
    b = SceneSource(str(folder / "area_B_rgb.tif"), str(folder / "area_B_mask.tif"), "jinsha_b",
                    str(folder / "area_B_dsm.tif"))
    sets = {"qx": ChipSet(qx, card, False, None, 0),
            "jinsha_b": SceneTiles(LoadedScene(b, card, card.tile_size), card, card.tile_size)}
    per = [chip_probabilities(eng, v, ("none",)) for v in sets.values()]
    threshold, sweep = choose_threshold([p["none"] for p, _ in per], [t for _, t in per])
    regions = {}
    for name, (p, t) in zip(sets, per):
        regions[name] = choose_threshold([p["none"]], [t])[1][f"{threshold:.2f}"]
    return {"mean_iou": sweep[f"{threshold:.2f}"], "threshold": threshold, "regions": regions}


def scores(model: Path) -> dict:
    card = read_card(model)
    out = {"model": str(model), "uses_dem": card.uses_dem}
    for area in ("A", "B"):
        folder = SHARED / "jinsha-rgbdem"
        r = evaluate_scene(model, folder / f"area_{area}_rgb.tif", folder / f"area_{area}_mask.tif",
                           folder / f"area_{area}_dsm.tif" if card.uses_dem else None)
        out[f"jinsha_{area.lower()}"] = {k: r[k] for k in ("iou", "precision", "recall", "covered_share_median",
                                                           "covered_share_quartiles", "landslides", "polygons",
                                                           "threshold", "seconds")}
    out["bijie_ny"] = bijie_ny(model)
    out["validation"] = validation(model)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", default=[str(BUNDLED)])
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    results = []
    for model in args.models:
        results.append(scores(Path(model)))
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
