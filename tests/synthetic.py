"""Generated rasters and the oracle model for pipeline tests (nothing is downloaded).

The oracle is the diagnostic ``threshold`` network: with the DEM channel ``elevation`` (offset 100 m), its
probability is > 0.5 exactly where the DEM is above 100 m, so the expected landslide polygons are known.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS

from landslide_mapper.model.card import ModelCard
from landslide_mapper.model.checkpoint import save_checkpoint
from landslide_mapper.model.config import ModelConfig
from landslide_mapper.model.export import export_onnx
from landslide_mapper.model.registry import build_model

UTM = CRS.from_epsg(32633)
ORIGIN = (500000.0, 5000000.0)


def oracle_card(tile: int = 128, overlap: int = 16, level: float = 100.0, rgb_only: bool = False) -> ModelCard:
    if rgb_only:  # landslide where the red band (standardised with mean 0.5, std 0.25) is above mid-grey
        cfg = ModelConfig(arch="threshold", fusion="none", dem_channels=0, probe_channel=0, probe_level=0.0)
        return ModelCard(name="oracle-red", architecture=cfg.to_dict(), mean=[0.5] * 3, std=[0.25] * 3,
                         tile_size=tile, overlap=overlap, resolution_m=2.0,
                         optical_scaling={"method": "divide", "value": 255})
    cfg = ModelConfig(arch="threshold", fusion="stack", dem_channels=1, probe_channel=3, probe_level=0.0)
    return ModelCard(name="oracle-elevation", architecture=cfg.to_dict(), tile_size=tile, overlap=overlap,
                     resolution_m=2.0, dem_channels=[{"name": "elevation", "offset": level, "scale": 1.0}],
                     optical_scaling={"method": "divide", "value": 255})


def oracle_files(folder: Path, **kw) -> tuple[Path, Path]:
    """``(checkpoint.safetensors, model.onnx)`` of the oracle."""
    card = oracle_card(**kw)
    model = build_model(card.config).eval()
    ckpt = save_checkpoint(folder / "oracle.safetensors", model, card)
    onnx_path = export_onnx(model, card, folder / "oracle.onnx")
    return ckpt, onnx_path


def write_raster(path: Path, data: np.ndarray, transform: Affine, crs: CRS | None, nodata=None) -> Path:
    data = data if data.ndim == 3 else data[None]
    profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0],
               "dtype": data.dtype.name, "transform": transform, "nodata": nodata}
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def blobs_mask(height: int, width: int, blobs: list[tuple[float, float, float]]) -> np.ndarray:
    """Union of discs ``(row, col, radius)`` in pixels."""
    rr, cc = np.mgrid[0:height, 0:width]
    mask = np.zeros((height, width), bool)
    for r, c, rad in blobs:
        mask |= (rr + 0.5 - r) ** 2 + (cc + 0.5 - c) ** 2 <= rad ** 2
    return mask


def scene(folder: Path, height: int = 300, width: int = 420, blobs=None, res: float = 2.0):
    """A UTM scene at ``res`` m: optical uint8 RGB (4 bands: B, G, R, NIR) and a DEM on the same grid that is
    150 m inside the blobs and 50 m outside. Returns (optical, dem, mask)."""
    blobs = blobs if blobs is not None else [(60, 80, 30), (150, 300, 55), (250, 120, 20), (140, 200, 12)]
    mask = blobs_mask(height, width, blobs)
    transform = Affine(res, 0, ORIGIN[0], 0, -res, ORIGIN[1])
    rng = np.random.default_rng(0)
    optical = rng.integers(20, 200, size=(4, height, width), dtype=np.uint8)
    opt = write_raster(folder / "optical.tif", optical, transform, UTM)
    dem = write_raster(folder / "dem.tif", np.where(mask, 150.0, 50.0).astype(np.float32), transform, UTM,
                       nodata=-9999.0)
    return opt, dem, mask
