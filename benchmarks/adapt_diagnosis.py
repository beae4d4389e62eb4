"""Why adapting on Jinsha A stops short on area B: what the adapted model gets wrong there, and whether cheap
changes after the training would close the gap (issue 25's target: B IoU >= 0.60 from all of A).

One adaptation of the bundled model on all of area A with the defaults (``benchmarks/adapt_curve.py``'s inventory),
then, on the whole of area B through ``detect`` (its probability raster on the mask's grid, mapped pixels only):

* the landslide IoU at every threshold from 0.1 to 0.9 (is the threshold chosen on A's held-out part the limit?);
* the same with test-time augmentation ``d4``;
* weight-space interpolation with the base model, ``(1 - a) base + a adapted`` (WiSE-FT, Wortsman et al. 2022: it
  often keeps a fine-tuned model's gain where the fine-tuning data ends);
* an error map of B (green: found, red: marked but not a landslide, blue: missed; unmapped ground dimmed).

    .venv/bin/python benchmarks/adapt_diagnosis.py [--minutes 5] [--alphas 0.5 0.75] [--map ERRORS.jpg]

Prints one JSON line per variant: its IoU curve over thresholds and the best of it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from adapt_curve import JINSHA, inventory  # noqa: E402

from landslide_mapper.training.scene_eval import read_reference  # noqa: E402

THRESHOLDS = np.round(np.arange(0.1, 0.95, 0.1), 2)


def probability_on_mask(model: Path | None, area: str, tta: str, shape: tuple[int, int], transform,
                        crs, dem: bool = False) -> tuple[np.ndarray, float]:
    """Detection's probability of ``area`` resampled (bilinear) onto its mask's grid (``shape``, ``transform``,
    ``crs``), and the model's threshold. ``dem``: the area's DSM given to the detection."""
    import rasterio
    from rasterio.warp import Resampling, reproject

    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import detect

    with tempfile.TemporaryDirectory() as tmp:
        prob = Path(tmp) / "probability.tif"
        flat = {"optical": str(JINSHA / f"area_{area}_rgb.tif"), "output": str(Path(tmp) / "d.gpkg"),
                "probability": str(prob), "tta": tta, **({"model": str(model)} if model else {}),
                **({"dem": str(JINSHA / f"area_{area}_dsm.tif")} if dem else {})}
        result = detect(DetectOptions.from_flat(**flat))
        with rasterio.open(prob) as src:
            p = np.zeros(shape, np.float32)  # detection writes probabilities as float32 0-1
            reproject(src.read(1), p, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                      dst_crs=crs, resampling=Resampling.bilinear, src_nodata=src.nodata, dst_nodata=0)
    return p, result.threshold


def iou(pred: np.ndarray, truth: np.ndarray, mapped: np.ndarray) -> float:
    pred, t = pred[mapped], truth[mapped]
    return round(float((pred & t).sum() / max((pred | t).sum(), 1)), 4)


def curve(p: np.ndarray, truth: np.ndarray, mapped: np.ndarray) -> dict[float, float]:
    return {float(th): iou(p >= th, truth, mapped) for th in THRESHOLDS}


def interpolated(base: dict, adapted: Path, alpha: float, out: Path) -> Path:
    """``(1 - alpha) base + alpha adapted`` (``base``: the base model's state dict), every floating-point tensor,
    written with the adapted model's card."""
    from landslide_mapper.model.checkpoint import load_checkpoint, save_checkpoint

    model, card = load_checkpoint(adapted)
    model.load_state_dict({k: (1 - alpha) * base[k] + alpha * v if v.is_floating_point() else v
                           for k, v in model.state_dict().items()})
    return save_checkpoint(out, model, card)


def error_map(p: np.ndarray, threshold: float, truth: np.ndarray, mapped: np.ndarray, path: str) -> None:
    import rasterio
    from PIL import Image

    with rasterio.open(JINSHA / "area_B_rgb.tif") as src:
        img = np.moveaxis(src.read(), 0, -1).astype(np.float32)
    pred = p >= threshold
    for sel, colour in (((pred & truth), (0, 127, 0)), ((pred & ~truth & mapped), (127, 0, 0)),
                        ((~pred & truth), (0, 0, 127))):
        img[sel] = 0.5 * img[sel] + colour
    img[~mapped] /= 3
    Image.fromarray(img[::4, ::4].clip(0, 255).astype(np.uint8)).save(path, quality=80)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--alphas", type=float, nargs="*", default=[0.5, 0.75])
    ap.add_argument("--map", help="write B's error map of the adapted model (JPEG) here")
    args = ap.parse_args()
    from landslide_mapper.detection.pipeline import default_model_path
    from landslide_mapper.model.from_onnx import network_from_onnx
    from landslide_mapper.training.adapt import AdaptOptions, adapt

    truth, mapped, transform, crs = read_reference(JINSHA / "area_B_mask.tif")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        slides, area, _ = inventory("A", None, tmp)
        adapted = tmp / "adapted.safetensors"
        r = adapt(AdaptOptions(str(JINSHA / "area_A_rgb.tif"), slides, str(adapted), mapped_area=area,
                               minutes=args.minutes), log=lambda m: print(m, file=sys.stderr, flush=True))
        print(json.dumps({"adapted": {"epochs": r.epochs, "seconds": round(r.seconds), "threshold": r.threshold,
                                      "heldout_base_iou": round(r.base_iou, 4),
                                      "heldout_adapted_iou": round(r.adapted_iou, 4)}}), flush=True)
        variants = [("bundled", None, "none"), ("adapted", adapted, "none"), ("adapted", adapted, "d4")]
        if args.alphas:
            base = network_from_onnx(default_model_path())[0].state_dict()  # rebuilt from the graph once
            variants += [(f"interpolated a={a:g}", interpolated(base, adapted, a, tmp / f"wise_{a:g}.safetensors"),
                          "none") for a in args.alphas]
        for name, model, tta in variants:
            p, threshold = probability_on_mask(model, "B", tta, truth.shape, transform, crs)
            c = curve(p, truth, mapped)
            best = max(c, key=c.get)
            at_own = iou(p >= threshold, truth, mapped)
            print(json.dumps({"variant": name, "tta": tta, "own_threshold": threshold, "iou_at_own": at_own,
                              "best_threshold": best, "best_iou": c[best], "curve": c}), flush=True)
            if args.map and name == "adapted" and tta == "none":
                error_map(p, threshold, truth, mapped, args.map)


if __name__ == "__main__":
    main()
