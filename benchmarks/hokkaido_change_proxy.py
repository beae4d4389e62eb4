"""An out-of-domain check of model files on the real Hokkaido Iburi sample, which has no landslide labels: how much
of the area that became much brighter after the 2018 earthquake (fresh scars on forested slopes) each model marks.

The proxy "label" is every pixel of the bundled sample window (``data/hokkaido-iburi-sample``, Sentinel-2 at 10 m)
whose R+G+B brightness rose by more than the median change plus K robust standard deviations (1.4826 x MAD) between
the pre-event and post-event images (``../shared/datasets/hokkaido-iburi``). It is crude: it also catches fields and
roads that changed, misses scars that were already bright, and the two dates differ in season. It is not an accuracy;
it shows whether a model that scores well on the Bijie counties still finds the Iburi scars on another sensor at
another resolution, which the Bijie splits cannot show. Each model runs the same detection as ``make demo``
(``pipeline.detect``, its own threshold); its probabilities are averaged onto the 10 m grid and thresholded there.

    flock /tmp/landslide-cpu.lock .venv/bin/python benchmarks/hokkaido_change_proxy.py MODEL [MODEL ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import rasterio
from rasterio.warp import Resampling, reproject
from rasterio.windows import from_bounds

from landslide_mapper.detection.options import DetectOptions
from landslide_mapper.detection.pipeline import detect
from landslide_mapper.model.checkpoint import read_card

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hokkaido-iburi-sample"
PRE = ROOT.parent / "shared" / "datasets" / "hokkaido-iburi" / "pre-event"
BANDS = ("B4", "B3", "B2")
K = (2.0, 3.0)


def brightness_change() -> tuple[np.ndarray, np.ndarray, dict]:
    """(post - pre brightness, valid mask, the sample's grid) on the sample's 10 m grid."""
    post, pre = [], []
    for band in BANDS:
        with rasterio.open(SAMPLE / f"post_{band}.tif") as src:
            post.append(src.read(1).astype(np.float64))
            grid = {"transform": src.transform, "crs": src.crs, "shape": src.shape}
            bounds = src.bounds
        with rasterio.open(PRE / f"download.{band}.tif") as src:  # same grid as the source of the sample
            window = from_bounds(*bounds, transform=src.transform).round_offsets().round_lengths()
            pre.append(src.read(1, window=window).astype(np.float64))
    post_a, pre_a = np.stack(post), np.stack(pre)
    assert post_a.shape == pre_a.shape, (post_a.shape, pre_a.shape)
    valid = (post_a.min(axis=0) > 0) & (pre_a.min(axis=0) > 0)
    return post_a.mean(axis=0) - pre_a.mean(axis=0), valid, grid


def scar_proxies(ks=K) -> tuple[dict, np.ndarray, dict]:
    """({K: proxy mask}, valid mask, the sample's grid): brightness rose by more than median + K robust sd."""
    change, valid, grid = brightness_change()
    centre = np.median(change[valid])
    spread = 1.4826 * np.median(np.abs(change[valid] - centre))
    return {k: valid & (change > centre + k * spread) for k in ks}, valid, grid


def probability_on_grid(path: Path, grid: dict) -> np.ndarray:
    out = np.zeros(grid["shape"], np.float32)
    with rasterio.open(path) as src:
        reproject(rasterio.band(src, 1), out, dst_transform=grid["transform"], dst_crs=grid["crs"],
                  resampling=Resampling.average)
    return out


def main(models: list[str]) -> None:
    proxies, valid, grid = scar_proxies()
    print("| model | threshold | polygons (make demo settings) | area marked | "
          + " | ".join(f"proxy K={k:g} ({proxies[k].mean():.1%} of pixels): recall / precision / IoU" for k in K)
          + " |")
    print("|---|---|---|---|" + "---|" * len(K))
    with tempfile.TemporaryDirectory() as tmp:
        for i, model in enumerate(models):
            prob_path = Path(tmp) / f"p{i}.tif"
            result = detect(DetectOptions.from_flat(
                optical=[SAMPLE / f"post_{b}.tif" for b in BANDS], output=Path(tmp) / f"l{i}.gpkg",
                dem=SAMPLE / "dsm.tif", model=model, probability=prob_path, min_area=500, simplify=2))
            threshold = read_card(model).threshold
            marked = valid & (probability_on_grid(prob_path, grid) >= threshold)
            cells = []
            for k in K:
                tp = int((marked & proxies[k]).sum())
                fp, fn = int((marked & ~proxies[k]).sum()), int((~marked & proxies[k]).sum())
                cells.append(f"{tp / (tp + fn):.3f} / {tp / max(tp + fp, 1):.3f} / {tp / (tp + fp + fn):.3f}")
            print(f"| {model} | {threshold:.2f} | {result.count} ({result.total_area_m2 / 1e4:.0f} ha) | "
                  f"{marked.sum() / valid.sum():.1%} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
