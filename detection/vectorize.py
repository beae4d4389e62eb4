"""From probabilities to landslide polygons, streamed by row blocks.

Each block of finished rows is thresholded and polygonised with ``rasterio.features.shapes`` (4-connected,
holes kept); per-polygon statistics (probability, slope, elevation) are gathered through a label image made by
``rasterio.features.rasterize``. Polygons that touch a block seam are held back and merged with their neighbours
from the next block (``shapely.unary_union``), so each landslide is ONE feature however the scene was cut. At the
end: components smaller than ``min_area_m2`` are dropped, the rest simplified (topology-preserving), given their
attributes, reprojected to the output CRS and written with fiona to a temporary name that is moved into place.
Pure: never imports QGIS.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fiona
import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize, shapes
from rasterio.warp import transform_geom
from rasterio.windows import Window
from shapely.strtree import STRtree

from ..errors import InputError, Message
from .leftovers import temp_folder
from .options import DEFAULT_LAYER
from .raster_io import Grid

DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile"}
LAYER = DEFAULT_LAYER  # (options.py: the one definition)
TerrainFn = Callable[[Window], tuple[np.ndarray, np.ndarray]]
SCHEMA = {
    "geometry": "Polygon",
    "properties": {
        "id": "int", "area_m2": "float", "perimeter_m": "float", "mean_prob": "float", "max_prob": "float",
        "mean_slope_deg": "float", "max_slope_deg": "float", "mean_elev_m": "float", "relief_m": "float",
    },
}


def label_polygons(mask: np.ndarray, transform: Affine = Affine.identity()) -> tuple[list, np.ndarray]:
    """4-connected components of a boolean mask as polygons (holes kept) and as a label image (1..n, 0 outside):
    polygonised by ``rasterio.features.shapes`` and burnt back by ``rasterize`` (pixel centres inside)."""
    mask = mask.astype(bool)
    geojson = [g for g, _ in shapes(mask.astype(np.uint8), mask=mask, connectivity=4, transform=transform)]
    if not geojson:
        return [], np.zeros(mask.shape, np.int32)
    # burnt from the GeoJSON that shapes() gives (handing rasterize the shapely polygons would convert them back
    # through __geo_interface__, a Python loop over every vertex)
    labels = rasterize(((g, i + 1) for i, g in enumerate(geojson)), out_shape=mask.shape, transform=transform,
                       fill=0, dtype="int32")
    return polygons_from_geojson(geojson), labels


def polygons_from_geojson(geojson: list[dict]) -> list[shapely.Polygon]:
    """Shapely polygons of GeoJSON polygons, built by shapely's array functions in one call (``shape()`` builds
    every vertex in a Python loop: a sixth of the vectoriser's time)."""
    rings = [ring for g in geojson for ring in g["coordinates"]]
    sizes = np.fromiter((len(r) for r in rings), np.int64, len(rings))
    coords = np.array([xy for r in rings for xy in r], dtype=np.float64)
    ring_ids = np.repeat(np.arange(len(rings)), sizes)
    polygon_ids = np.repeat(np.arange(len(geojson)), [len(g["coordinates"]) for g in geojson])
    return list(shapely.polygons(shapely.linearrings(coords, indices=ring_ids), indices=polygon_ids))


def polygon_geojson(poly: shapely.Polygon) -> dict:
    """The GeoJSON mapping of a polygon, its rings' coordinates taken as arrays (``shapely.geometry.mapping`` walks
    every vertex in Python)."""
    rings = [poly.exterior, *poly.interiors]
    return {"type": "Polygon", "coordinates": [shapely.get_coordinates(r).tolist() for r in rings]}


def driver_for(path: str | Path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in DRIVERS:
        raise InputError(Message("unsupported output format {ext}: use .gpkg, .geojson or .shp", ext=ext or "-"))
    return DRIVERS[ext]


@dataclass
class Stats:
    count: int = 0
    sum_prob: float = 0.0
    max_prob: float = 0.0
    sum_slope: float = 0.0
    max_slope: float = -math.inf
    sum_elev: float = 0.0
    min_elev: float = math.inf
    max_elev: float = -math.inf

    def merge(self, o: Stats) -> None:
        self.count += o.count
        self.sum_prob += o.sum_prob
        self.max_prob = max(self.max_prob, o.max_prob)
        self.sum_slope += o.sum_slope
        self.max_slope = max(self.max_slope, o.max_slope)
        self.sum_elev += o.sum_elev
        self.min_elev = min(self.min_elev, o.min_elev)
        self.max_elev = max(self.max_elev, o.max_elev)


@dataclass
class StreamingVectorizer:
    grid: Grid
    threshold: float
    terrain: TerrainFn | None = None           # (elevation m, slope degrees) on a window; None: no DEM
    done: list = field(default_factory=list)   # (polygon, Stats) complete components
    open: list = field(default_factory=list)   # (polygon, Stats) pieces waiting on the last block seam

    def add_rows(self, row0: int, prob: np.ndarray) -> None:
        """One block of finished rows (``[rows, W]`` probabilities, NaN = nodata)."""
        rows, width = prob.shape
        mask = prob >= self.threshold  # NaN (nodata) compares False
        if not mask.any():
            return
        # polygonise only the columns that hold landslide pixels
        cols = np.flatnonzero(mask.any(axis=0))
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        if c0 > 0 or c1 < width:
            mask, prob = mask[:, c0:c1], prob[:, c0:c1]
        terrain = None if self.terrain is None else self.terrain(Window(c0, row0, c1 - c0, rows))
        transform = self.grid.transform @ Affine.translation(c0, row0)
        polys, labels = label_polygons(mask, transform)
        n = len(polys) + 1
        # statistics over the labelled pixels only (landslides are a small share of a block)
        idx = np.flatnonzero(mask)  # the labelled pixels: every pixel of the mask has its centre in its polygon
        lab = labels.ravel()[idx]
        p = np.nan_to_num(prob.ravel()[idx], nan=0.0).astype(np.float64)
        count = np.bincount(lab, minlength=n)
        sum_p = np.bincount(lab, weights=p, minlength=n)
        max_p = np.zeros(n)
        np.maximum.at(max_p, lab, p)
        if terrain is not None:
            e, s = (a.ravel()[idx].astype(np.float64) for a in terrain)
            sum_s, sum_e = np.bincount(lab, weights=s, minlength=n), np.bincount(lab, weights=e, minlength=n)
            max_s, max_e, min_e = np.full(n, -np.inf), np.full(n, -np.inf), np.full(n, np.inf)
            np.maximum.at(max_s, lab, s)
            np.maximum.at(max_e, lab, e)
            np.minimum.at(min_e, lab, e)
        top_seam, bottom_seam = row0 > 0, row0 + rows < self.grid.height
        y_top, y_bottom = transform.f, transform.f + rows * transform.e
        at_top, new_open = [], []
        for i, poly in enumerate(polys, start=1):
            st = Stats(int(count[i]), float(sum_p[i]), float(max_p[i]))
            if terrain is not None:
                st.sum_slope, st.max_slope = float(sum_s[i]), float(max_s[i])
                st.sum_elev, st.min_elev, st.max_elev = float(sum_e[i]), float(min_e[i]), float(max_e[i])
            _, miny, _, maxy = poly.bounds
            touches_bottom = bottom_seam and math.isclose(miny, y_bottom)
            if top_seam and math.isclose(maxy, y_top):
                at_top.append((poly, st, touches_bottom))
            elif touches_bottom:
                new_open.append((poly, st))
            else:
                self.done.append((poly, st))
        # merge the previous block's pieces on the seam with this block's pieces on it; what still touches this
        # block's bottom seam waits for the next block, everything else is complete
        pieces = [(p, st, False) for p, st in self.open] + at_top
        for part, st, touches_bottom in merge_pieces(pieces):
            (new_open if touches_bottom else self.done).append((part, st))
        self.open = new_open

    def take_done(self) -> list[tuple[shapely.Polygon, Stats]]:
        """The components completed so far; the caller writes them out, so memory does not grow with the number
        of landslides (pieces waiting on a block seam are bounded by the scene width)."""
        done, self.done = self.done, []
        return done

    def components(self) -> list[tuple[shapely.Polygon, Stats]]:
        """The remaining landslides (call after the last block)."""
        result = self.take_done() + self.open
        self.open = []
        return result


def merge_pieces(pieces: list[tuple[shapely.Polygon, Stats, bool]]) -> list[tuple[shapely.Polygon, Stats, bool]]:
    """Union pieces that share an edge, across a block seam or a band seam (``bands.py``); a corner contact does
    not merge, as 4-connectivity; stats are summed and the flag (touches the next seam) is OR-ed. Only groups of
    pieces that touch are unioned, each group alone (most pieces on a seam touch nothing: they pass through as they
    are; one union of all the touching pieces took 1.5 instead of 1.1 s over the real 6000 x 6000 scene in 64-row
    blocks)."""
    if not pieces:
        return []
    geoms = [p for p, _, _ in pieces]
    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    group = list(range(len(geoms)))  # union-find over the touching pairs

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i, j in zip(left.tolist(), right.tolist()):
        if i < j:
            group[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(geoms)):
        members.setdefault(root(i), []).append(i)
    out = []
    for idx in members.values():
        if len(idx) == 1:
            out.append(pieces[idx[0]])
            continue
        # the union keeps a vertex where an outline crosses the seam, on a straight edge: dropped (a tolerance of 0
        # removes only points on the line), so a landslide has the same vertices wherever the seams fell
        merged = shapely.simplify(shapely.union_all([geoms[j] for j in idx]), 0)
        for part in (list(merged.geoms) if hasattr(merged, "geoms") else [merged]):
            st, flag = Stats(), False
            for j in idx:  # the pieces inside this part (pieces only touching it at a corner are not)
                if part.contains(geoms[j].representative_point()):
                    st.merge(pieces[j][1])
                    flag = flag or pieces[j][2]
            out.append((part, st, flag))
    return out


def features(components, grid: Grid, out_crs, min_area_m2: float, simplify_m: float, has_terrain: bool,
             first_id: int = 1):
    """Filter, simplify, attribute and reproject the components; returns fiona-ready feature dicts."""
    out = []
    for poly, st in sorted(components, key=lambda c: (-c[0].bounds[3], c[0].bounds[0])):
        area = poly.area
        if area < min_area_m2 or st.count == 0:
            continue
        # normalised (ring start and orientation), so a landslide comes out, and simplifies, the same however it
        # was pieced together across block and band seams
        poly = shapely.normalize(poly)
        geom = poly.simplify(simplify_m, preserve_topology=True) if simplify_m > 0 else poly
        if geom.is_empty or geom.geom_type != "Polygon":
            geom = poly
        props = {
            "id": first_id + len(out),
            "area_m2": round(float(area), 2),
            "perimeter_m": round(float(poly.length), 2),
            "mean_prob": round(st.sum_prob / st.count, 4),
            "max_prob": round(st.max_prob, 4),
            "mean_slope_deg": round(st.sum_slope / st.count, 2) if has_terrain else None,
            "max_slope_deg": round(st.max_slope, 2) if has_terrain else None,
            "mean_elev_m": round(st.sum_elev / st.count, 2) if has_terrain else None,
            "relief_m": round(st.max_elev - st.min_elev, 2) if has_terrain else None,
        }
        g = polygon_geojson(geom)
        if out_crs != grid.crs:
            g = transform_geom(grid.crs, out_crs, g)
        out.append({"geometry": g, "properties": props})
    return out


def check_output(path: str | Path, layer: str = LAYER) -> str:
    """Validate an output path before any work; its driver. An existing GeoPackage must be a readable GeoPackage
    (the landslide layer is added to it or replaces only the layer of that name); other formats are whole files."""
    path = Path(path)
    driver = driver_for(path)
    if driver == "GPKG":
        if not layer or not layer.strip():
            raise InputError(Message("the GeoPackage layer name must not be empty"))
        if path.is_file():
            try:
                fiona.listlayers(str(path))
            except Exception as exc:  # noqa: BLE001 - whatever GDAL says, the file is not one we can add to
                raise InputError(Message("{path} exists but is not a GeoPackage that can be opened ({exc}); choose "
                                         "another file name, or a GeoPackage to add the landslide layer to", path=path,
                                         exc=exc)) from exc
            if not os.access(path, os.W_OK):
                raise InputError(Message("cannot add the layer '{layer}' to {path}: the file is read-only",
                                         layer=layer, path=path))
            from .geopackage import existing_kind

            kind = existing_kind(path, layer)
            if kind not in (None, "features"):
                raise InputError(Message("{path} already holds a {kind} layer named '{layer}': choose another layer "
                                         "name", path=path, kind=kind, layer=layer))
    return driver


class FeatureWriter:
    """Writes features as they are found into a temporary folder beside the output; ``commit`` puts them in place,
    ``abort`` leaves nothing behind and the output untouched.

    Whole-file formats (GeoJSON, Shapefile and all its sidecar files) are moved into place. A GeoPackage is a
    database of many layers: when the file exists, ``commit`` adds the layer ``layer`` to it, replacing only a layer
    of that name; every other layer, style and table stays as it was. Until ``commit`` the user's file is never
    opened for writing, so a failed or cancelled run leaves it byte-identical."""

    def __init__(self, path: str | Path, crs, layer: str = LAYER, schema: dict | None = None) -> None:
        self.path = Path(path)
        self.driver = check_output(self.path, layer)
        self.layer = layer
        self.schema = schema or SCHEMA
        self.crs_wkt = crs.to_wkt()
        self.tmpdir = temp_folder(self.path.parent, "layer")
        kw = {"layer": layer} if self.driver == "GPKG" else {}
        try:
            self.dst = fiona.open(self.tmpdir / self.path.name, "w", driver=self.driver, schema=self.schema,
                                  crs=self.crs_wkt, **kw)
        except BaseException:  # (a full disk fails here already) nothing is left behind
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            raise
        self.count = 0
        self.total_area = 0.0

    def write(self, feats: list[dict]) -> None:
        if feats:
            self.dst.writerecords(feats)
            self.count += len(feats)
            self.total_area += sum(f["properties"]["area_m2"] for f in feats)

    def commit(self) -> Path:
        try:
            self.dst.close()
            if self.driver == "GPKG" and self.path.exists():
                self._add_layer_to_existing()
            else:
                for f in self.tmpdir.iterdir():
                    os.replace(f, self.path.parent / f.name)
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        return self.path

    def _add_layer_to_existing(self) -> None:
        """Put the finished layer into the user's GeoPackage in one SQLite transaction, replacing only a layer of
        the same name (``geopackage.replace_layer``): atomic, whatever stops the run."""
        from .geopackage import replace_layer

        replace_layer(self.path, self.tmpdir / self.path.name, self.layer)

    def abort(self) -> None:
        try:
            self._discard()
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _discard(self) -> None:
        """Close our temporary file whether or not its last write works (a full disk fails the close too)."""
        try:
            if not self.dst.closed:
                self.dst.close()
        except Exception:  # noqa: BLE001 - the file is thrown away anyway
            try:
                if self.dst.session is not None:
                    self.dst.session.stop()
            except Exception:  # noqa: BLE001
                pass
            self.dst.session = None
            self.dst._closed = True  # else fiona's __del__ tries (and prints) the failing flush again


def write_features(path: str | Path, feats: list[dict], crs, layer: str = LAYER) -> Path:
    """Write a list of features atomically (into a layer of an existing GeoPackage: see :class:`FeatureWriter`)."""
    writer = FeatureWriter(path, crs, layer)
    try:
        writer.write(feats)
    except BaseException:
        writer.abort()
        raise
    return writer.commit()
