"""The area of interest: which chips of a scene exist, and which pixels and polygons a run keeps.

An area of interest (AOI) is one or more polygons in any CRS: a vector file (any format fiona reads, optionally
one layer of it, ``FILE|layername=L`` or ``FILE:L``) or a rectangle with its CRS (``{"bounds": [xmin, ymin,
xmax, ymax], "crs": "EPSG:4326"}``, e.g. QGIS's map extent). Several sources are intersected (a polygon layer
and an extent: the polygons inside the extent). The polygons are united, reprojected onto the processing grid
(edges densified first, so a straight edge in degrees stays where it is) and cut to the scene.

The grid and its chip layout stay those of the whole scene, so a chip inside the area is the same chip, with the
same neighbours and blending weights, as in a whole-scene run:

* :func:`touches` - the chips whose footprint meets the area (only these are read and inferred);
* :func:`block_mask` - the pixels of a block of rows that touch the area (``all_touched``: every pixel the area
  reaches, so clipping the polygons to the exact area loses nothing the whole-scene run has inside it); the
  pipeline writes nodata elsewhere;
* :func:`clip_components` - landslides cut to the exact area; those outside it dropped.

Every pixel kept is covered only by chips that touch the area, so inside the area the probabilities equal the
whole-scene run's. Pure: shapely, fiona and rasterio, never QGIS.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import fiona
import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import CRSError
from rasterio.features import rasterize
from rasterio.warp import transform_geom
from rasterio.windows import Window
from shapely.geometry import box, mapping, shape

from ..errors import InputError, Message
from .options import parse_source
from .raster_io import Grid

#: edges are split into at least this many pieces along the area's larger side before reprojection
DENSIFY_STEPS = 64


def _polygonal(geom) -> shapely.Geometry:
    """The polygonal part of a geometry (made valid), or an empty polygon."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _to_grid(geom, crs, grid: Grid) -> shapely.Geometry:
    """``geom`` (in ``crs``) on the grid's CRS, its edges densified so they bend as they should."""
    if CRS.from_user_input(crs) != grid.crs:
        xmin, ymin, xmax, ymax = geom.bounds
        step = max(xmax - xmin, ymax - ymin) / DENSIFY_STEPS
        if step > 0:
            geom = shapely.segmentize(geom, step)
        geom = shape(transform_geom(crs, grid.crs, mapping(geom)))
    return _polygonal(geom)


def read_layer(source: str | Path, role: str, layer: str | None = None) -> tuple[list[dict], object, str]:
    """``(features, crs, file name)`` of one layer of a vector source: ``FILE``, ``FILE|layername=L`` or ``FILE:L``
    (or ``layer`` given apart). A missing file, a missing layer, or a file with several layers and none chosen is
    one sentence naming the ``role`` ("the area of interest", "the inventory") and the layers it has."""
    path, named = parse_source(source)
    layer = layer or named
    name = Path(path).name
    if not Path(path).exists():
        raise InputError(Message("{role} not found: {path}", role=role, path=path))
    try:
        layers = fiona.listlayers(path)
        if layer is None and len(layers) > 1:
            raise InputError(Message("{role} {name} has several layers ({layers}): choose one as {name}:LAYER (or "
                                     "{name}|layername=LAYER)", role=role, name=name, layers=', '.join(layers)))
        if layer is not None and layer not in layers:
            raise InputError(Message("{role} {name} has no layer '{layer}' (it has {layers})", role=role, name=name,
                                     layer=layer, layers=', '.join(layers)))
        with fiona.open(path, layer=layer) as src:
            return [f for f in src if f["geometry"] is not None], src.crs, name
    except fiona.errors.FionaError as exc:
        raise InputError(Message("cannot read {role} {name}: {exc}", role=role, name=name, exc=exc)) from exc


def _read_file(source: str | Path, grid: Grid) -> tuple[shapely.Geometry, str]:
    feats, crs, name = read_layer(source, "the area of interest")
    geoms = [shape(f["geometry"]) for f in feats]
    if not crs:
        raise InputError(Message("the area of interest {name} has no coordinate reference system (CRS); assign one",
                                 name=name))
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        kinds = sorted({g.geom_type for g in geoms})
        if kinds:
            raise InputError(Message("the area of interest {name} has no polygons (it holds {kinds})", name=name,
                                     kinds=", ".join(kinds)))
        raise InputError(Message("the area of interest {name} has no polygons (it is empty)", name=name))
    return _to_grid(shapely.union_all([_polygonal(p) for p in polys]), crs, grid), name


def _read_extent(extent: dict, grid: Grid) -> tuple[shapely.Geometry, str]:
    try:
        xmin, ymin, xmax, ymax = (float(v) for v in extent["bounds"])
        crs = CRS.from_user_input(extent["crs"])
    except (KeyError, TypeError, ValueError, CRSError) as exc:
        raise InputError(Message("an extent needs bounds (xmin, ymin, xmax, ymax) and a CRS, got {extent!r}",
                                 extent=extent)) from exc
    if not (xmax > xmin and ymax > ymin):
        raise InputError(Message("the extent {xmin:g}, {ymin:g}, {xmax:g}, {ymax:g} is empty", xmin=xmin, ymin=ymin,
                                 xmax=xmax, ymax=ymax))
    return _to_grid(box(xmin, ymin, xmax, ymax), crs, grid), "the extent"


def area_on_grid(sources, grid: Grid) -> shapely.Geometry:
    """The area of interest on ``grid`` (its CRS, cut to the scene): the intersection of ``sources`` (one or a list
    of vector sources and extents, see the module doc). Raises ``InputError`` when a source cannot be read, holds
    no polygon, or the area does not overlap the scene."""
    if isinstance(sources, (str, Path, dict)):
        sources = [sources]
    area, names = None, []
    for source in sources:
        geom, name = _read_extent(source, grid) if isinstance(source, dict) else _read_file(source, grid)
        names.append(name)
        area = geom if area is None else area.intersection(geom)
    if area is None:
        raise InputError(Message("no area of interest given"))
    scene = box(*grid.bounds)
    area = _polygonal(area.intersection(scene))
    if area.is_empty or area.area == 0:
        where = " and ".join(names)
        raise InputError(Message("the area of interest ({where}) does not overlap the image: nothing to detect. The "
                                 "image covers {describe_bounds}", where=where,
                                 describe_bounds=_describe_bounds(grid)))
    return area


def _describe_bounds(grid: Grid) -> str:
    left, bottom, right, top = grid.bounds
    epsg = grid.crs.to_epsg()
    return (f"x {left:.0f} to {right:.0f}, y {bottom:.0f} to {top:.0f} in "
            f"{f'EPSG:{epsg}' if epsg else grid.crs.to_string()}")


def window_boxes(windows: Sequence[Window], grid: Grid) -> np.ndarray:
    """The footprints of ``windows`` on the grid, as shapely boxes (grid CRS)."""
    t = grid.transform
    cols = np.array([w.col_off for w in windows], float)
    rows = np.array([w.row_off for w in windows], float)
    widths = np.array([w.width for w in windows], float)
    heights = np.array([w.height for w in windows], float)
    x0, y0 = t.c + cols * t.a, t.f + rows * t.e
    x1, y1 = x0 + widths * t.a, y0 + heights * t.e
    return shapely.box(np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1))


def touches(windows: Sequence[Window], grid: Grid, area) -> list[bool]:
    """For each window, whether its footprint meets the area (a shared edge or corner counts: the pixels along it
    touch the area)."""
    if not len(windows):
        return []
    shapely.prepare(area)
    return [bool(v) for v in shapely.intersects(area, window_boxes(windows, grid))]


def row_span(area, grid: Grid) -> tuple[int, int]:
    """The first and one-past-last grid rows the area touches."""
    _, ymin, _, ymax = area.bounds
    top = int(np.floor((grid.transform.f - ymax) / -grid.transform.e))
    bottom = int(np.ceil((grid.transform.f - ymin) / -grid.transform.e))
    return max(0, top), min(grid.height, bottom)


def block_mask(area, grid: Grid, row0: int, rows: int) -> np.ndarray:
    """``[rows, width]`` bool: the pixels of grid rows ``row0 .. row0 + rows`` that touch the area."""
    top, bottom = row_span(area, grid)
    if row0 >= bottom or row0 + rows <= top:
        return np.zeros((rows, grid.width), bool)
    transform = grid.transform @ Affine.translation(0, row0)
    return rasterize([area], out_shape=(rows, grid.width), transform=transform, fill=0, default_value=1,
                     all_touched=True, dtype="uint8").astype(bool)


def clip_components(components: list, area) -> list:
    """Landslides ``(polygon, stats)`` cut to the area (grid CRS); those outside it are dropped. Where the cut
    splits a landslide (a neck of it outside the area), the largest piece is kept: one landslide stays one
    feature, its statistics those of its pixels inside the area's touching pixels."""
    out = []
    for poly, st in components:
        if area.contains(poly):
            out.append((poly, st))
            continue
        part = _polygonal(poly.intersection(area))
        if part.is_empty or part.area == 0:
            continue
        if part.geom_type == "MultiPolygon":
            part = max(part.geoms, key=lambda g: g.area)
        out.append((part, st))
    return out
