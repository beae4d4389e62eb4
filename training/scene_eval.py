"""Whole-scene evaluation: a model judged as a user runs it, through ``detect``, against a landslide mask.

The polygons that detection writes are rasterised onto the reference mask's grid (pixel centres inside a polygon),
and only the mapped pixels count: a mask value of 255 (``dataset.IGNORE``), or the mask's nodata, is "not mapped"
and counts in no figure. Besides the paper's pixel metrics, the **shape check**: for every reference landslide (a
4-connected component of the mask), the share of its pixels that the detection covers. A model that marks a blob
at the head of each long scar "detects" every scar yet covers a small share of each; the median share tells it.
Pure: no QGIS.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import fiona
import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.warp import transform_geom

from .dataset import IGNORE, check_mask_values
from .metrics import SegmentationMetrics, covered_shares


def read_reference(mask_path: str | Path) -> tuple[np.ndarray, np.ndarray, rasterio.Affine, object]:
    """``(truth bool, mapped bool, transform, crs)`` of a landslide mask: 0 background, 1 landslide, 255 (or the
    file's nodata) not mapped. Any other value is refused: guessing what 7 means would score the wrong thing."""
    with rasterio.open(mask_path) as src:
        mask = src.read(1)
        nodata = src.nodata
        transform, crs = src.transform, src.crs
    if nodata is not None:
        mask = np.where(mask == nodata, IGNORE, mask)
    mask = check_mask_values(mask, f"the mask {mask_path}")
    return mask == 1, mask != IGNORE, transform, crs


def rasterise_layer(vector_path: str | Path, shape: tuple[int, int], transform, crs,
                    layer: str | None = None) -> np.ndarray:
    """The polygons of a vector layer burnt onto a grid (bool), reprojected to its CRS when they differ."""
    with fiona.open(vector_path, layer=layer) as src:
        src_crs = src.crs_wkt
        geoms = [f["geometry"] for f in src if f["geometry"] is not None]
    if not geoms:
        return np.zeros(shape, bool)
    if crs is not None and src_crs and rasterio.crs.CRS.from_wkt(src_crs) != crs:
        geoms = [transform_geom(src_crs, crs, g) for g in geoms]
    return rasterize(((g, 1) for g in geoms), out_shape=shape, transform=transform, fill=0, dtype="uint8") > 0


def score(pred: np.ndarray, truth: np.ndarray, mapped: np.ndarray) -> dict:
    """Pixel metrics over the mapped pixels, plus the per-landslide covered shares (shape check)."""
    m = SegmentationMetrics()
    m.update(pred[mapped], truth[mapped], objects=False)
    result = m.compute()
    shares = covered_shares(pred, truth, mapped)
    result.update({
        "landslides": int(shares.size),
        "covered_share_median": float(np.median(shares)) if shares.size else 0.0,
        "covered_share_quartiles": [float(q) for q in np.quantile(shares, (0.25, 0.75))] if shares.size else [],
        "covered_shares": [round(float(s), 4) for s in shares],
        "mapped_pixels": int(mapped.sum()),
    })
    return result


def score_layer(vector_path: str | Path, mask_path: str | Path, layer: str | None = None) -> dict:
    """Metrics of a detection's polygons against a reference mask (see the module doc)."""
    truth, mapped, transform, crs = read_reference(mask_path)
    pred = rasterise_layer(vector_path, truth.shape, transform, crs, layer)
    return score(pred, truth, mapped)


def evaluate_scene(model: str | Path | None, image: str | Path, mask: str | Path, dem: str | Path | None = None,
                   tta: str = "none", threshold: float | None = None, log: Callable[[str], None] | None = None,
                   **options) -> dict:
    """Run ``detect`` on a scene as a user would (the model's own defaults unless given) into a temporary
    GeoPackage, and score its polygons against ``mask``. Returns the metrics plus the run's figures."""
    from ..detection.options import DetectOptions
    from ..detection.pipeline import detect

    read_reference(mask)  # a bad mask is refused before the detection runs
    with tempfile.TemporaryDirectory(prefix="landslide-mapper-eval-") as tmp:
        out = Path(tmp) / "detections.gpkg"
        flat = {"optical": str(image), "output": str(out), "dem": str(dem) if dem else None,
                "model": str(model) if model else None, "threshold": threshold, "tta": tta, **options}
        result = detect(DetectOptions.from_flat(**{k: v for k, v in flat.items() if v is not None}), log=log)
        scores = score_layer(out, mask)
    scores.update({"model": str(model) if model else "bundled", "image": str(image), "dem": str(dem) if dem else None,
                   "tta": tta, "threshold": result.threshold, "polygons": result.count,
                   "seconds": round(result.seconds, 2)})
    return scores


def scene_markdown(result: dict) -> str:
    """A short report of :func:`evaluate_scene`'s figures."""
    q = result.get("covered_share_quartiles") or [0.0, 0.0]
    lines = [f"# {Path(result['image']).name}: {Path(result['model']).name} through detect", "",
             f"Threshold {result['threshold']}" + ("" if result.get("tta", "none") == "none"
                                                   else f", test-time augmentation {result['tta']}")
             + f"; {result['polygons']} polygons in {result['seconds']} s; {result['mapped_pixels']} mapped pixels "
               "scored", "", "| metric | value |", "|---|---|"]
    lines += [f"| {label} | {result[key]:.4f} |" for label, key in (
        ("Precision", "precision"), ("Accuracy", "accuracy"), ("Recall", "recall"), ("F1", "f1"),
        ("IoU (landslide)", "iou"), ("mIoU (both classes)", "miou"))]
    lines += [f"| Covered share per landslide, median (quartiles) | {result['covered_share_median']:.2f} "
              f"({q[0]:.2f}-{q[1]:.2f}) of {result['landslides']} |", ""]
    return "\n".join(lines)
