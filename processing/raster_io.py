"""Optical input: open and validate the rasters, define the processing grid, read scaled windows on it.

The processing grid is metric: the optical raster's CRS when it is projected, else the UTM zone of the scene
centre; its pixel size is the model's training resolution unless the user gives one. Reading on that grid goes
through rasterio's ``WarpedVRT`` (one place for reprojection and resampling); when the grid IS the source grid, a
plain windowed read is used. Pure module: numpy and rasterio only, never QGIS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from ..errors import InputError


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: CRS, affine transform and size in pixels."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def resolution(self) -> float:
        return float(self.transform.a)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        left, top = self.transform.c, self.transform.f
        return (left, top + self.height * self.transform.e, left + self.width * self.transform.a, top)

    def expanded(self, margin: int) -> Grid:
        """The same grid grown by ``margin`` pixels on every side."""
        return Grid(self.crs, self.transform @ Affine.translation(-margin, -margin),
                    self.width + 2 * margin, self.height + 2 * margin)


def utm_crs_for(lon: float, lat: float) -> CRS:
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _open(path: str | Path):
    path = str(path)
    if not Path(path).exists():
        raise InputError(f"raster not found: {path}")
    try:
        return rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"cannot open raster {path}: not a readable raster ({exc})") from exc


def _check_georeferenced(src, role: str) -> None:
    if src.crs is None:
        raise InputError(f"the {role} raster {Path(src.name).name} has no coordinate reference system (CRS); "
                         "assign one (QGIS: Raster > Projections > Assign Projection) and try again")
    if src.transform.b != 0 or src.transform.d != 0:
        raise InputError(f"the {role} raster {Path(src.name).name} is rotated; warp it to a north-up grid first")


@dataclass(frozen=True)
class OpticalSpec:
    """Which files and bands make R, G, B (1-based band numbers)."""

    paths: tuple[str, ...]
    bands: tuple[int, ...]  # one per output channel; with several files, band i of file i (always 1)


def resolve_optical(paths: Sequence[str | Path], bands: Sequence[int] | None) -> OpticalSpec:
    """Validate the optical input: one multi-band raster with ``bands`` (R, G, B), or three single-band rasters on
    one grid, stacked in the given order."""
    paths = [str(p) for p in paths]
    if not paths:
        raise InputError("no optical raster given")
    if len(paths) == 1:
        with _open(paths[0]) as src:
            _check_georeferenced(src, "optical")
            if src.count < 3 and bands is None:
                raise InputError(f"the optical raster {Path(paths[0]).name} has {src.count} band(s); "
                                 "3 (R, G, B) are needed")
            if bands is None:
                bands = (3, 2, 1) if src.count >= 4 else (1, 2, 3)
            bands = tuple(int(b) for b in bands)
            if len(bands) != 3:
                raise InputError(f"give exactly 3 band numbers (R, G, B), got {len(bands)}")
            bad = [b for b in bands if not 1 <= b <= src.count]
            if bad:
                raise InputError(f"band number(s) {', '.join(map(str, bad))} out of range: "
                                 f"{Path(paths[0]).name} has bands 1 to {src.count}")
        return OpticalSpec((paths[0],) * 3, bands)
    if len(paths) != 3:
        raise InputError(f"give one multi-band optical raster or three single-band rasters (R, G, B), "
                         f"got {len(paths)} files")
    if bands is not None and tuple(bands) not in ((1, 2, 3), (1, 1, 1)):
        raise InputError("with three single-band optical files, the files' order is the R, G, B order; "
                         "do not give band numbers")
    ref = None
    for p in paths:
        with _open(p) as src:
            _check_georeferenced(src, "optical")
            if src.count != 1:
                raise InputError(f"{Path(p).name} has {src.count} bands; with several optical files each must "
                                 "be a single band")
            key = (src.crs, src.transform, src.width, src.height)
            if ref is None:
                ref = key
            elif key != ref:
                raise InputError(f"{Path(p).name} is not on the same grid as {Path(paths[0]).name}; the "
                                 "single-band optical files must share CRS, extent and pixel size")
    return OpticalSpec(tuple(paths), (1, 1, 1))


def is_metric_grid_crs(crs: CRS) -> bool:
    """True for a projected CRS in metres whose map distances are ground distances (not Web Mercator)."""
    if not crs.is_projected:
        return False
    unit = (crs.linear_units or "").lower()
    if unit not in ("metre", "meter", "m", "metres", "meters"):
        return False
    wkt = crs.to_wkt().lower()
    return "pseudo-mercator" not in wkt and "popular visualisation" not in wkt and crs.to_epsg() != 3857


def _centre_lonlat(crs: CRS, left: float, bottom: float, right: float, top: float) -> tuple[float, float]:
    from rasterio.warp import transform

    xs, ys = transform(crs, "EPSG:4326", [(left + right) / 2.0], [(bottom + top) / 2.0])
    return xs[0], ys[0]


def processing_grid(optical_path: str, resolution: float) -> Grid:
    """The metric grid the model sees: the optical CRS when it is projected in ground metres, else the UTM zone
    of the scene centre."""
    if not resolution > 0:
        raise InputError(f"the processing resolution must be > 0 m, got {resolution}")
    with _open(optical_path) as src:
        crs = src.crs
        left, bottom, right, top = src.bounds
        if is_metric_grid_crs(crs):
            grid_crs = crs
        else:  # degrees, feet, or Web Mercator (whose "metres" are not ground metres): the local UTM zone
            grid_crs = utm_crs_for(*_centre_lonlat(crs, left, bottom, right, top))
            left, bottom, right, top = transform_bounds(crs, grid_crs, left, bottom, right, top, densify_pts=21)
            # snap the grid to whole multiples of the resolution
            left = math.floor(left / resolution) * resolution
            top = math.ceil(top / resolution) * resolution
        width = max(1, int(math.ceil((right - left) / resolution - 1e-6)))
        height = max(1, int(math.ceil((top - bottom) / resolution - 1e-6)))
        return Grid(grid_crs, Affine(resolution, 0.0, left, 0.0, -resolution, top), width, height)


class OpticalReader:
    """Reads R, G, B windows of the processing grid as float32 plus a validity mask.

    Not thread-safe (rasterio datasets are not): give each worker thread its own reader.
    """

    def __init__(self, spec: OpticalSpec, grid: Grid, resampling: Resampling = Resampling.bilinear) -> None:
        self.spec = spec
        self.grid = grid
        self._sources = {}
        self._views = []
        for path, band in zip(spec.paths, spec.bands):
            if path not in self._sources:
                src = rasterio.open(path)
                same = (src.crs == grid.crs and src.transform.almost_equals(grid.transform)
                        and src.width == grid.width and src.height == grid.height)
                nodata = src.nodata
                view = src if same else WarpedVRT(src, crs=grid.crs, transform=grid.transform, width=grid.width,
                                                  height=grid.height, resampling=resampling,
                                                  src_nodata=nodata, nodata=nodata if nodata is not None else 0)
                self._sources[path] = (src, view)
            self._views.append((self._sources[path][1], band))
        first = rasterio.open(spec.paths[0])
        self.dtype = np.dtype(first.dtypes[spec.bands[0] - 1])
        self.nodata = first.nodata
        first.close()

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """``([3, h, w] float32 raw values, [h, w] bool valid)`` for a window inside the grid."""
        planes = [view.read(band, window=window).astype(np.float32) for view, band in self._views]
        data = np.stack(planes)
        fill = self.nodata if self.nodata is not None else (0 if self._warped else None)
        if fill is None:
            valid = np.ones(data.shape[1:], dtype=bool)
        else:
            valid = ~np.all(data == np.float32(fill), axis=0)
        valid &= np.all(np.isfinite(data), axis=0)
        return data, valid

    @property
    def _warped(self) -> bool:
        return any(isinstance(view, WarpedVRT) for view, _ in self._views)

    def close(self) -> None:
        for src, view in self._sources.values():
            if view is not src:
                view.close()
            src.close()
        self._sources.clear()


def scene_statistics(spec: OpticalSpec, low: float = 2.0, high: float = 98.0, max_side: int = 1024) -> dict:
    """Per-band percentiles of the valid pixels, from a decimated read of the whole scene (cheap: GDAL reads
    overviews when present). Used for percentile scaling, so every chip of a scene is scaled alike."""
    planes = []
    masks = []
    for path, band in zip(spec.paths, spec.bands):
        with rasterio.open(path) as src:
            scale = max(src.width, src.height) / max_side
            shape = (max(1, int(src.height / max(scale, 1))), max(1, int(src.width / max(scale, 1))))
            plane = src.read(band, out_shape=shape, resampling=Resampling.nearest).astype(np.float64)
            planes.append(plane)
            masks.append(plane != src.nodata if src.nodata is not None else np.ones(shape, bool))
    valid = np.all(masks, axis=0)
    valid &= np.all([np.isfinite(p) for p in planes], axis=0)
    if not valid.any():
        return {"valid_fraction": 0.0, "low": [0.0] * 3, "high": [1.0] * 3}
    lows = [float(np.percentile(p[valid], low)) for p in planes]
    highs = [float(np.percentile(p[valid], high)) for p in planes]
    return {"valid_fraction": float(valid.mean()), "low": lows, "high": highs}


def optical_scaler(card_scaling: dict, dtype: np.dtype, stats: dict, mean: Sequence[float],
                   std: Sequence[float]):
    """A function ``raw [3, h, w] float32 -> standardised [3, h, w] float32`` as the model card says."""
    method = card_scaling.get("method", "auto")
    if method == "auto":
        method = "divide" if dtype == np.uint8 else "percentile"
        card_scaling = {"method": method, "value": 255.0} if method == "divide" else {"method": method}
    if method == "divide":
        lo = np.zeros(3, np.float32)
        span = np.full(3, float(card_scaling.get("value", 255.0)), np.float32)
    elif method == "bit_depth":
        lo = np.zeros(3, np.float32)
        span = np.full(3, float(2 ** int(card_scaling["bits"]) - 1), np.float32)
    elif method == "percentile":
        lo = np.asarray(stats["low"], np.float32)
        span = np.maximum(np.asarray(stats["high"], np.float32) - lo, 1e-6)
    else:
        raise InputError(f"unknown optical scaling method {method!r} in the model card")
    m = np.asarray(mean, np.float32)[:, None, None]
    s = np.asarray(std, np.float32)[:, None, None]
    lo, span = lo[:, None, None], span[:, None, None]

    def scale(raw: np.ndarray) -> np.ndarray:
        x = np.clip((raw - lo) / span, 0.0, 1.0)
        return ((x - m) / s).astype(np.float32)

    return scale
