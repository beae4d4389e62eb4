"""Does the DEM help an adapted model (issue 25)? The bundled model reads RGB only; ``adapt --add-dem`` gives it a
DEM input (relative elevation and slope, ``model/dem_input.py``) whose weights start at zero. Per seed, on the real
Jinsha pair: adapt on all of one area (``benchmarks/adapt_curve.py``'s inventory) without and with the DEM, then
score the whole other area through ``detect`` (the DEM given to the DEM model), with ``adapt_diagnosis.py``'s
scoring.

    .venv/bin/python benchmarks/adapt_dem.py [--seeds 0 1 2] [--minutes 5] [--train A --test B] [--window PX]
        [--count N] [--tta none d4]

Prints one JSON line per run: variant, seed, epochs, seconds, held-out IoU before/after, the IoU on the other
area at the model's own threshold and the best over thresholds 0.1-0.9, and the mean |weight| the first
convolution gives the DEM's inputs against the RGB's (how much the DEM came to count).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1].parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from adapt_curve import JINSHA, inventory  # noqa: E402
from adapt_diagnosis import curve, iou, probability_on_mask  # noqa: E402

from landslide_mapper.training.scene_eval import read_reference  # noqa: E402


def dem_weight_share(model_path: Path) -> float | None:
    """Mean |weight| of the first convolution on the DEM's inputs over that on the RGB's (None: no DEM input)."""
    from landslide_mapper.model.checkpoint import load_checkpoint

    model, card = load_checkpoint(model_path)
    if not card.uses_dem:
        return None
    stem = next(v for v in model.state_dict().values() if v.ndim == 4 and v.shape[1] == 3 + len(card.dem_channels))
    return float(stem[:, 3:].abs().mean() / stem[:, :3].abs().mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--train", default="A")
    ap.add_argument("--test", default="B")
    ap.add_argument("--variants", nargs="*", default=["rgb", "dem"], choices=["rgb", "dem"])
    ap.add_argument("--window", type=int, default=None, help="training window (px; default: adapt's own)")
    ap.add_argument("--count", type=int, default=None, help="landslides given (adapt_curve's inventory; default all)")
    ap.add_argument("--tta", nargs="*", default=["none"], choices=["none", "flips", "d4"],
                    help="test-time augmentation(s) of the detection scored (one line each)")
    args = ap.parse_args()
    from landslide_mapper.training.adapt import AdaptOptions, adapt

    truth, mapped, transform, crs = read_reference(JINSHA / f"area_{args.test}_mask.tif")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        slides, area, _ = inventory(args.train, args.count, tmp)
        for seed in args.seeds:
            for variant in args.variants:
                dem = variant == "dem"
                out = tmp / f"{variant}_{seed}.safetensors"
                r = adapt(AdaptOptions(str(JINSHA / f"area_{args.train}_rgb.tif"), slides, str(out), mapped_area=area,
                                       dem=str(JINSHA / f"area_{args.train}_dsm.tif") if dem else None, add_dem=dem,
                                       minutes=args.minutes, seed=seed, window=args.window), log=lambda m: None)
                for tta in args.tta:
                    p, threshold = probability_on_mask(out, args.test, tta, truth.shape, transform, crs, dem=dem)
                    c = curve(p, truth, mapped)
                    print(json.dumps({"variant": variant, "seed": seed, "window": args.window, "minutes": args.minutes,
                                      "count": args.count, "tta": tta, "train": args.train, "test": args.test,
                                      "epochs": r.epochs, "seconds": round(r.seconds),
                                      "heldout": [round(r.base_iou, 3), round(r.adapted_iou, 3)],
                                      "threshold": threshold, "iou_at_own": iou(p >= threshold, truth, mapped),
                                      "best": max(c.values()),
                                      "dem_weight_share": dem_weight_share(out)}), flush=True)


if __name__ == "__main__":
    main()
