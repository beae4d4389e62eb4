"""A PNG quick-look: the optical image (percentile-stretched R, G, B) with the landslide polygons drawn on it.

Pure numpy + rasterio (polygon outlines are burnt in with ``rasterio.features.rasterize``; the PNG is written by
GDAL), so it works on any machine the pipeline works on.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import fiona
import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import transform_geom
from shapely.geometry import mapping, shape

from .raster_io import resolve_optical


def quicklook(optical: Sequence[str | Path] | str | Path, polygons: str | Path, png: str | Path,
              bands: Sequence[int] | None = None, max_side: int = 1400, colour=(255, 40, 40)) -> Path:
    optical = [optical] if isinstance(optical, (str, Path)) else list(optical)
    spec = resolve_optical(optical, bands)
    planes = []
    with rasterio.open(spec.paths[0]) as ref:
        f = max(ref.width, ref.height) / max_side  # < 1 enlarges small scenes so outlines stay legible
        shape_ = (max(1, int(ref.height / f)), max(1, int(ref.width / f)))
        transform = ref.transform @ Affine.scale(ref.width / shape_[1], ref.height / shape_[0])
        crs = ref.crs
    for path, band in zip(spec.paths, spec.bands):
        with rasterio.open(path) as src:
            resampling = Resampling.average if f > 1 else Resampling.nearest
            planes.append(src.read(band, out_shape=shape_, resampling=resampling, masked=True))
    rgb = np.zeros((3,) + shape_, np.uint8)
    for i, p in enumerate(planes):
        valid = p.compressed()
        if valid.size:
            lo, hi = np.percentile(valid, (2, 98))
            rgb[i] = np.clip((p.filled(lo) - lo) / max(hi - lo, 1e-9) * 255, 0, 255).astype(np.uint8)
    kw = {"layer": "landslides"} if str(polygons).lower().endswith(".gpkg") else {}
    with fiona.open(polygons, **kw) as src:
        lines = [mapping(shape(transform_geom(src.crs, crs, f["geometry"])).boundary) for f in src]
    if lines:
        edge = rasterize(((g, 1) for g in lines), out_shape=shape_, transform=transform, all_touched=True,
                         dtype="uint8").astype(bool)
        for i, c in enumerate(colour):
            rgb[i][edge] = c
    png = Path(png)
    with warnings.catch_warnings():  # a PNG has no georeferencing, on purpose
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(png, "w", driver="PNG", width=shape_[1], height=shape_[0], count=3,
                           dtype="uint8") as dst:
            dst.write(rgb)
    aux = png.with_name(png.name + ".aux.xml")
    if aux.exists():
        aux.unlink()
    return png
