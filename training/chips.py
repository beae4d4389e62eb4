"""Training chips from a scene and a landslide inventory, and from LabelMe annotations.

``prepare_chips`` reads the optical bands and the DEM on the same metric processing grid as detection, through the
same code (``raster_io.OpticalReader``, ``dem.DemReader``), rasterises the inventory polygons (any CRS) onto it, and
writes ``images/`` (raw R, G, B values), ``dems/`` (elevation in metres) and ``masks/`` (0/1) GeoTIFF chips plus
``chips.json`` (source, grid, bands, resolution, chip list with regions). Every chip containing a landslide is kept,
plus ``negative_ratio`` background chips per landslide chip (seeded random choice among chips with valid pixels).

``import_labelme`` converts LabelMe JSON files (the annotation tool the paper used) into the same layout.
Pure: never imports QGIS.
"""

from __future__ import annotations

import base64
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import rasterio
import rasterio.windows
import shapely
from affine import Affine
from rasterio.features import rasterize
from rasterio.io import MemoryFile
from rasterio.warp import transform_geom
from rasterio.windows import Window
from shapely.geometry import mapping, shape
from shapely.strtree import STRtree

from ..detection.aoi import read_layer
from ..detection.dem import DemReader, check_dem, dem_mean_elevation
from ..detection.leftovers import output_folder
from ..detection.raster_io import OpticalReader, processing_grid, resolve_optical
from ..detection.tiling import starts
from ..errors import CancelledError, InputError, Message


def _native_resolution(path: str) -> float:
    with rasterio.open(path) as src:
        if src.crs is not None and src.crs.is_projected:
            return float(src.res[0])
    grid = processing_grid(path, 1.0)  # metric extent of the scene
    with rasterio.open(path) as src:
        return grid.width / src.width


def _write_tif(path: Path, data: np.ndarray, transform: Affine, crs, nodata=None) -> None:
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype.name, crs=crs, transform=transform, nodata=nodata,
                       compress="deflate") as dst:
        dst.write(data)


def prepare_chips(optical: Sequence[str | Path] | str | Path, inventory: str | Path, output: str | Path,
                  dem: str | Path | None = None, bands: Sequence[int] | None = None, chip_size: int = 512,
                  stride: int | None = None, negative_ratio: float = 1.0, resolution: float | None = None,
                  region_field: str | None = "region", layer: str | None = None, seed: int = 0,
                  progress: Callable[[float, str], None] | None = None, log: Callable[[str], None] | None = None,
                  is_cancelled: Callable[[], bool] | None = None) -> dict:
    """Write the chip folder; returns the ``chips.json`` content. A run that fails leaves no empty folder it made;
    an output path that is a file is refused."""
    with output_folder(output, "chip folder"):
        return _prepare_chips(optical, inventory, output, dem, bands, chip_size, stride, negative_ratio, resolution,
                              region_field, layer, seed, progress, log, is_cancelled)


def _prepare_chips(optical, inventory, output, dem, bands, chip_size, stride, negative_ratio, resolution,
                   region_field, layer, seed, progress, log, is_cancelled) -> dict:
    progress = progress or (lambda f, m: None)
    log = log or (lambda m: None)
    is_cancelled = is_cancelled or (lambda: False)
    optical = [optical] if isinstance(optical, (str, Path)) else list(optical)
    if chip_size < 32 or chip_size % 32:
        raise InputError(Message("chip size must be a multiple of 32 (>= 32), got {chip_size}", chip_size=chip_size))
    stride = chip_size if stride is None else stride  # (0 is an error, not "the default")
    if not 0 < stride <= chip_size:
        raise InputError(Message("stride must be between 1 and the chip size ({chip_size}), got {stride}",
                                 chip_size=chip_size, stride=stride))
    stride = int(stride)
    if not negative_ratio >= 0 or math.isinf(negative_ratio):  # (NaN fails the first test)
        raise InputError(Message("negative ratio must be a number >= 0, got {negative_ratio}",
                                 negative_ratio=negative_ratio))
    if resolution is not None and not (resolution > 0 and math.isfinite(resolution)):
        raise InputError(Message("resolution must be a number > 0 (or left out: the image's), got {resolution}",
                                 resolution=resolution))
    spec = resolve_optical(optical, bands)
    res = float(resolution if resolution is not None else _native_resolution(spec.paths[0]))
    grid = processing_grid(spec.paths[0], res)
    if dem is not None:
        check_dem(str(dem), grid)
    found, inv_crs, _ = read_layer(inventory, "the inventory", layer)
    feats = [(f["geometry"], dict(f["properties"] or {})) for f in found]
    if not inv_crs:
        raise InputError(Message("the inventory {name} has no CRS", name=Path(inventory).name))
    geoms = [shape(transform_geom(inv_crs, grid.crs, g)) for g, _ in feats]
    polys = [(g, p) for g, (_, p) in zip(geoms, feats) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise InputError(Message("the inventory {name} has no polygons", name=Path(inventory).name))
    tree = STRtree([g for g, _ in polys])
    default_region = Path(spec.paths[0]).stem

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".chips-", dir=out))
    for sub in ("images", "masks") + (("dems",) if dem is not None else ()):
        (tmp / sub).mkdir()
    reader = OpticalReader(spec, grid)
    dem_reader = DemReader(str(dem), grid, 0, dem_mean_elevation(str(dem))) if dem is not None else None
    rng = np.random.default_rng(seed)
    positives, negatives = [], []
    try:
        windows = [Window(c, r, chip_size, chip_size) for r in starts(grid.height, chip_size, chip_size - stride)
                   for c in starts(grid.width, chip_size, chip_size - stride)
                   if r + chip_size <= grid.height and c + chip_size <= grid.width]
        if not windows:
            raise InputError(Message("the scene ({width} x {height} px at {res:g} m) is smaller than one chip",
                                     width=grid.width, height=grid.height, res=res))
        for i, w in enumerate(windows):
            if is_cancelled():
                raise CancelledError(Message("cancelled by the user; no chips were written"))
            transform = rasterio.windows.transform(w, grid.transform)
            box = shapely.box(*rasterio.windows.bounds(w, grid.transform))
            hits = [polys[j] for j in tree.query(box, predicate="intersects")]
            mask = rasterize(((mapping(g), 1) for g, _ in hits), out_shape=(chip_size, chip_size),
                             transform=transform, fill=0, dtype="uint8") if hits else \
                np.zeros((chip_size, chip_size), np.uint8)
            (positives if mask.any() else negatives).append((w, transform, mask, hits))
            progress(0.5 * (i + 1) / len(windows), Message("scanned {i}/{n_windows} chips", i=i + 1,
                                                           n_windows=len(windows)))
        n_neg = min(len(negatives), int(math.ceil(negative_ratio * len(positives))))
        chosen = positives + [negatives[j] for j in sorted(rng.choice(len(negatives), n_neg, replace=False))]
        records = []
        for k, (w, transform, mask, hits) in enumerate(chosen):
            if is_cancelled():
                raise CancelledError(Message("cancelled by the user; no chips were written"))
            raw, valid = reader.read(w)
            if not valid.any():
                continue
            regions = [str(p.get(region_field)) for _, p in hits if region_field and p.get(region_field)]
            region = max(set(regions), key=regions.count) if regions else default_region
            name = f"{region}_{int(w.row_off):06d}_{int(w.col_off):06d}"
            dtype = reader.dtype if reader.dtype in (np.uint8, np.uint16) else np.float32
            _write_tif(tmp / "images" / f"{name}.tif", raw.astype(dtype), transform, grid.crs)
            _write_tif(tmp / "masks" / f"{name}.tif", (mask * valid)[None].astype(np.uint8), transform, grid.crs)
            if dem_reader is not None:
                _write_tif(tmp / "dems" / f"{name}.tif", dem_reader.elevation(w, 0)[None], transform, grid.crs)
            records.append({"name": name, "region": region, "landslide": bool(mask.any()),
                            "row": int(w.row_off), "col": int(w.col_off)})
            progress(0.5 + 0.5 * (k + 1) / len(chosen), Message("wrote {k}/{n_chosen} chips", k=k + 1,
                                                                n_chosen=len(chosen)))
        meta = {"source": {"optical": list(spec.paths), "bands": list(spec.bands),
                           "dem": str(dem) if dem else None, "inventory": str(inventory)},
                "grid": {"crs": grid.crs.to_wkt(), "transform": list(grid.transform)[:6], "width": grid.width,
                         "height": grid.height},
                "resolution_m": res, "chip_size": chip_size, "stride": stride,
                "dem": "elevation (m)" if dem is not None else None, "chips": records}
        (tmp / "chips.json").write_text(json.dumps(meta, indent=1))
        for item in tmp.iterdir():  # move into place at the end: a failure leaves no half-written folder
            target = out / item.name
            if target.exists():
                shutil.rmtree(target) if target.is_dir() else target.unlink()
            os.replace(item, target)
        log(Message("{n_records} chips ({landslide} with landslides) -> {out}", n_records=len(records),
                    landslide=sum(r['landslide'] for r in records), out=out))
        return meta
    finally:
        reader.close()
        if dem_reader is not None:
            dem_reader.close()
        shutil.rmtree(tmp, ignore_errors=True)


def import_labelme(files: Sequence[str | Path], output: str | Path, labels: Sequence[str] | None = None,
                   region: str | None = None) -> dict:
    """LabelMe JSON annotations -> ``images/`` + ``masks/`` (+ ``chips.json``). Polygons whose label is in
    ``labels`` (default: every label) are landslides. The image is the file ``imagePath`` names (relative to the
    JSON) or the embedded ``imageData``."""
    with output_folder(output, "chip folder") as out:
        return _import_labelme(files, out, labels, region)


def _import_labelme(files, out: Path, labels, region) -> dict:
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    records = []
    for f in map(Path, files):
        try:
            ann = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(Message("{name} is not a readable LabelMe JSON file ({exc})", name=f.name,
                                     exc=exc)) from exc
        img_path = f.parent / ann.get("imagePath", "") if ann.get("imagePath") else None
        if img_path is not None and img_path.exists():
            with rasterio.open(img_path) as src:
                image = src.read()
        elif ann.get("imageData"):
            with MemoryFile(base64.b64decode(ann["imageData"])) as mem, mem.open() as src:
                image = src.read()
        else:
            raise InputError(Message("{name}: its image {ann} was not found and it embeds none", name=f.name,
                                     ann=ann.get('imagePath')))
        h, w = image.shape[1:]
        shapes_ = [s for s in ann.get("shapes", []) if s.get("shape_type", "polygon") == "polygon"
                   and (labels is None or s.get("label") in labels) and len(s.get("points", [])) >= 3]
        # LabelMe points are (x, y) pixel coordinates; rasterise with the identity transform
        mask = rasterize(((({"type": "Polygon", "coordinates": [s["points"] + [s["points"][0]]]}), 1)
                          for s in shapes_), out_shape=(h, w), fill=0, dtype="uint8") if shapes_ else \
            np.zeros((h, w), np.uint8)
        name = f.stem
        _write_tif(out / "images" / f"{name}.tif", image[:3], Affine.identity(), None)
        _write_tif(out / "masks" / f"{name}.tif", mask[None], Affine.identity(), None)
        records.append({"name": name, "region": region or name.rstrip("0123456789_-") or name,
                        "landslide": bool(mask.any())})
    meta = {"source": {"labelme": [str(f) for f in files]}, "chips": records}
    (out / "chips.json").write_text(json.dumps(meta, indent=1))
    return meta
