"""Scene-level training data: random windows of whole georeferenced scenes, mosaics of chips, and several sources
in one run.

Why: chip datasets such as Bijie hold one landslide per chip, centred, never touching an edge. A model trained only
on them learns "one compact object in the middle". A user's scene has many landslides, anywhere, of any shape, cut
by tile edges. So:

- **Scenes** (an image, a landslide mask on any grid, an optional DEM) are read as detection reads them: onto the
  model card's processing grid (``detection.raster_io.processing_grid`` at the card's resolution), stretched with
  the WHOLE scene's statistics (``scene_statistics``, the stretch ``detect`` applies), nodata pixels zeroed after
  standardisation, and the card's DEM channels computed by the same ``DemReader``. Training windows are drawn at
  random positions: landslides fall anywhere, several at once, cut by the edge, and windows without any are drawn
  too. Mask value 255 (:data:`IGNORE`), the mask's nodata, pixels outside the mask's extent and the image's nodata
  are "not mapped": they count in neither the loss nor the metrics (``train.bce_dice_loss``).
- **Mosaics** (``mosaic: k``) tile ``k x k`` random chips of a chip folder into one image and cut a random window of
  the crop size from it, so a training window holds 0 to k*k landslides at positions spread over the window.
- **A resolution range** (``coarsest_m``): every training window is seen at a ground resolution drawn across the
  range (:class:`Coarsened`: a larger window averaged down to the crop), so the model learns to work on images as
  coarse as the range's end at their own pixel size, and detection need not upsample them.
- **Sources file** (JSON) lists chip folders and scenes, each with a ``weight`` (its share of every epoch's
  windows) and a ``region`` (scenes) for the region-grouped split; see :func:`read_sources`.

Pure: no QGIS.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import torch
import torch.nn.functional as F
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from ..detection.dem import DemReader, channel_margin
from ..detection.raster_io import OpticalReader, optical_scaler, processing_grid, resolve_optical, scene_statistics
from ..errors import InputError, Message
from ..model.card import ModelCard
from .dataset import COLOUR_JITTER, IGNORE, check_mask_values, colour_jitter, flip_rotate

#: a scene is held in memory on the processing grid: larger ones are refused (cut them smaller)
MAX_SCENE_PIXELS = 64_000_000
#: windows drawn per epoch from a scene: this many times its mapped pixels over the window's
WINDOWS_PER_AREA = 2.0
#: draws of a window position before one without any mapped pixel is accepted (it then contributes nothing)
WINDOW_TRIES = 20


@dataclass(frozen=True)
class ChipSource:
    """A chip folder (``dataset.list_samples`` layout); ``mosaic`` k > 1 tiles k x k chips per training window."""
    folder: str
    weight: float = 1.0
    mosaic: int = 1


@dataclass(frozen=True)
class SceneSource:
    """A georeferenced scene: an image any ``detect`` takes, an optional DEM, and its labels: a ``mask`` raster
    (0/1/255), or ``landslides`` polygons (any vector layer and CRS, ``FILE|layername=L`` or ``FILE:L``) with the
    ``mapped_area`` in which every landslide was digitised (polygons; None: the whole image). Inside the mapped
    area everything outside a landslide polygon is background; outside it, nothing counts."""
    image: str
    mask: str | None
    region: str
    dem: str | None = None
    weight: float = 1.0
    landslides: str | None = None
    mapped_area: str | None = None
    bounds: tuple | None = None     # read only this part (left, bottom, right, top on the processing grid's CRS)


def _check_weight(weight, where: str) -> float:
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        raise InputError(Message("{where}: the weight must be a number, got {weight!r}", where=where,
                                 weight=weight)) from None
    if not (math.isfinite(weight) and weight > 0):
        raise InputError(Message("{where}: the weight must be a number > 0, got {weight}", where=where, weight=weight))
    return weight


def read_sources(path: str | Path) -> list[ChipSource | SceneSource]:
    """Sources from a JSON file::

        {"sources": [
          {"chips": "bijie-rgb", "mosaic": 2, "weight": 1},
          {"image": "area_A_rgb.tif", "mask": "area_A_mask.tif", "dem": "area_A_dsm.tif",
           "region": "jinsha_a", "weight": 1}
        ]}

    Relative paths are relative to the file's folder. Chip folders' regions come from their chips (``chips.json``
    or name prefixes); a scene's region is its ``region``."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(Message("cannot read the training sources file {path}: {exc}", path=path, exc=exc)) from None
    items = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(Message("{path}: expected {{\"sources\": [...]}} with at least one chip folder or scene",
                                 path=path))
    base = path.parent

    def where(p: str) -> str:
        p = Path(p).expanduser()
        return str(p if p.is_absolute() else base / p)

    out: list[ChipSource | SceneSource] = []
    for i, item in enumerate(items, 1):
        label = f"{path.name}, source {i}"
        if not isinstance(item, dict):
            raise InputError(Message("{label}: expected an object with 'chips' or 'image' and 'mask'", label=label))
        known = {"chips", "mosaic", "weight"} if "chips" in item else {"image", "mask", "dem", "region", "weight",
                                                                        "landslides", "mapped_area"}
        unknown = sorted(set(item) - known)
        if unknown:
            raise InputError(Message("{label}: unknown key(s) {unknown} (known: {known})", label=label,
                                     unknown=', '.join(unknown), known=', '.join(sorted(known))))
        weight = _check_weight(item.get("weight", 1.0), label)
        if "chips" in item:
            mosaic = item.get("mosaic", 1)
            if not isinstance(mosaic, int) or not 1 <= mosaic <= 4:
                raise InputError(Message("{label}: mosaic must be a whole number from 1 (chips as they are) to 4",
                                         label=label))
            out.append(ChipSource(where(item["chips"]), weight, mosaic))
        else:
            if not item.get("image") or not item.get("region") or bool(item.get("mask")) == bool(
                    item.get("landslides")):
                raise InputError(Message("{label}: a scene needs 'image', 'region' and either 'mask' or 'landslides' "
                                         "(polygons, with an optional 'mapped_area')", label=label))
            if item.get("mapped_area") and not item.get("landslides"):
                raise InputError(Message("{label}: 'mapped_area' goes with 'landslides' polygons (a mask says 255 "
                                         "instead)", label=label))

            paths = {k: where(item[k]) if item.get(k) else None for k in ("mask", "dem", "landslides", "mapped_area")}
            out.append(SceneSource(where(item["image"]), paths["mask"], str(item["region"]), paths["dem"], weight,
                                   paths["landslides"], paths["mapped_area"]))
    regions = [s.region for s in out if isinstance(s, SceneSource)]
    if len(set(regions)) != len(regions):
        raise InputError(Message("{path}: two scenes have the same region; give each scene its own region name",
                                 path=path))
    return out


class LoadedScene:
    """A scene on the card's processing grid, in memory: ``image`` 0-1 ``[3, H, W]`` (stretched as the card says,
    with the scene's statistics), ``valid`` (image has data), ``mask`` uint8 0/1/IGNORE, ``dem`` the card's DEM
    channels ``[K, H, W]`` or None. Arrays are padded to at least ``min_side`` (unmapped padding)."""

    def __init__(self, source: SceneSource, card: ModelCard, min_side: int = 0, log=None) -> None:
        self.source, self.region = source, source.region
        spec = resolve_optical([source.image], None)
        grid = processing_grid(source.image, card.resolution_m)
        if source.bounds is not None:  # the stretch stays the whole scene's, as in detection
            grid = grid.cropped(source.bounds)
        if grid.width * grid.height > MAX_SCENE_PIXELS:
            raise InputError(Message("the scene {name} is {width} x {height} pixels at {resolution_m:g} m; training "
                                     "reads a scene whole, so at most {MAX_SCENE_PIXELS} million pixels: cut it into "
                                     "smaller scenes", name=Path(source.image).name, width=grid.width,
                                     height=grid.height, resolution_m=card.resolution_m,
                                     MAX_SCENE_PIXELS=MAX_SCENE_PIXELS // 1_000_000))
        full = Window(0, 0, grid.width, grid.height)
        reader = OpticalReader(spec, grid)
        try:
            raw, valid = reader.read(full)
            dtype = reader.dtype
        finally:
            reader.close()
        stats = scene_statistics(spec)
        self.image = optical_scaler(card.optical_scaling, dtype, stats, [0.0] * 3, [1.0] * 3)(raw)
        self.valid = valid
        self.mask = (self._mask_on_grid(source.mask, grid) if source.mask is not None else
                     polygons_mask(source.landslides, source.mapped_area, grid, log or (lambda m: None)))
        self.mask[~valid] = IGNORE
        self.dem = None
        if card.uses_dem:
            if source.dem is None:
                raise InputError(Message("the model uses DEM channels but the scene {name} has no DEM",
                                         name=Path(source.image).name))
            margin = channel_margin(card.dem_channels, grid.resolution)
            dem = DemReader(source.dem, grid, margin)
            try:
                self.dem = dem.channels(full, card.dem_channels)
            finally:
                dem.close()
        self.grid = grid
        self._pad(min_side)
        self.mapped_pixels = int(np.count_nonzero(self.mask != IGNORE))
        if self.mapped_pixels == 0:
            labels = Path(source.mask or source.mapped_area or source.landslides).name
            raise InputError(Message("{labels} maps no pixel of the scene {name} (all 255, nodata, or outside the "
                                     "image)", labels=labels, name=Path(source.image).name))

    @staticmethod
    def _mask_on_grid(mask_path: str, grid) -> np.ndarray:
        """The mask warped onto the grid (nearest); outside the mask and its nodata -> IGNORE."""
        try:
            with rasterio.open(mask_path) as src:
                if src.crs is None:
                    raise InputError(Message("the mask {name} has no coordinate reference system",
                                             name=Path(mask_path).name))
                with WarpedVRT(src, crs=grid.crs, transform=grid.transform, width=grid.width, height=grid.height,
                               resampling=Resampling.nearest, src_nodata=src.nodata, nodata=IGNORE) as vrt:
                    mask = vrt.read(1)
        except rasterio.errors.RasterioError as exc:
            raise InputError(Message("cannot read the mask {mask_path}: {exc}", mask_path=mask_path,
                                     exc=exc)) from None
        return check_mask_values(mask, f"the mask {Path(mask_path).name}")

    def _pad(self, side: int) -> None:
        h, w = self.mask.shape
        ph, pw = max(0, side - h), max(0, side - w)
        if not (ph or pw):
            return
        pad2 = ((0, ph), (0, pw))
        self.image = np.pad(self.image, ((0, 0), *pad2))
        self.valid = np.pad(self.valid, pad2)
        self.mask = np.pad(self.mask, pad2, constant_values=IGNORE)
        if self.dem is not None:
            self.dem = np.pad(self.dem, ((0, 0), *pad2), mode="edge")

    def window(self, row: int, col: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
        sl = (slice(row, row + size), slice(col, col + size))
        return (self.image[(slice(None), *sl)], self.valid[sl],
                self.dem[(slice(None), *sl)] if self.dem is not None else None, self.mask[sl])


def read_polygons(source: str, role: str, crs, valid: bool = False) -> list:
    """The polygons of a vector layer (``FILE``, ``FILE|layername=L`` or ``FILE:L``) in ``crs``; other geometries
    are left out. ``valid``: each made valid (``shapely.make_valid``), those without area left out. A layer without
    a CRS or without polygons is one :class:`InputError` naming the ``role``."""
    import shapely
    from rasterio.warp import transform_geom
    from shapely.geometry import shape

    from ..detection.aoi import read_layer

    feats, src_crs, name = read_layer(source, role)
    if not src_crs:
        raise InputError(Message("{role} {name} has no coordinate reference system (CRS); assign one", role=role,
                                 name=name))
    geoms = [shape(transform_geom(src_crs, crs, f["geometry"])) for f in feats]
    geoms = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if valid:
        geoms = [v for v in (shapely.make_valid(g) for g in geoms) if v.area > 0]
    if not geoms:
        raise InputError(Message("{role} {name} has no polygons", role=role, name=name))
    return geoms


def polygons_mask(landslides: str, mapped_area: str | None, grid, log) -> np.ndarray:
    """A mask on ``grid`` from landslide polygons and the area in which all of them were mapped: 1 inside a
    landslide, 0 elsewhere inside the area, :data:`IGNORE` outside it. Polygons outside the area or the image are
    left out with a log line. Layers in another CRS are reprojected."""
    import shapely
    from rasterio.features import rasterize
    from shapely.geometry import box, mapping

    slides = read_polygons(landslides, "the landslide layer", grid.crs)
    image = box(*grid.bounds)
    area = shapely.union_all(read_polygons(mapped_area, "the mapped area", grid.crs)) if mapped_area else image
    kept = [g for g in slides if g.intersects(area) and g.intersects(image)]
    if len(kept) < len(slides):
        log(Message("{n_slides} of {n_slides2} landslide polygons lie outside the mapped area or the image: left out",
                    n_slides=len(slides) - len(kept), n_slides2=len(slides)))
    if not kept:
        raise InputError(Message("no landslide polygon lies inside the mapped area and the image"))
    shape_ = (grid.height, grid.width)
    inside = rasterize([(mapping(area), 1)], out_shape=shape_, transform=grid.transform, fill=0, dtype="uint8")
    slide = rasterize(((mapping(g), 1) for g in kept), out_shape=shape_, transform=grid.transform, fill=0,
                      dtype="uint8")
    return np.where(inside == 1, slide, IGNORE).astype(np.uint8)


def _tensors(image: np.ndarray, valid: np.ndarray, dem: np.ndarray | None, mask: np.ndarray, card: ModelCard
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """Standardise as the card says, zero the image's nodata (as detection does), append the DEM channels."""
    mean = np.asarray(card.mean, np.float32)[:, None, None]
    std = np.asarray(card.std, np.float32)[:, None, None]
    x = (image - mean) / std
    x[:, ~valid] = 0.0
    if dem is not None:
        x = np.concatenate([x, dem])
    return (torch.from_numpy(np.ascontiguousarray(x, np.float32)),
            torch.from_numpy(mask[None].astype(np.float32)))


class SceneWindows(torch.utils.data.Dataset):
    """Training windows of ``size`` drawn at random positions of a scene (the index is ignored: every item is a new
    draw), rotated/flipped and colour-jittered. Length: :data:`WINDOWS_PER_AREA` times the mapped area over the
    window's, at least ``min_length`` (the trainer asks for one batch). A position is redrawn (up to
    :data:`WINDOW_TRIES` times) while its window has no mapped pixel."""

    def __init__(self, scene: LoadedScene, card: ModelCard, size: int, seed: int,
                 jitter: float = COLOUR_JITTER, min_length: int = 1) -> None:
        self.scene, self.card, self.size, self.jitter = scene, card, size, jitter
        self.rng = np.random.default_rng(seed)
        self.region = scene.region
        self.length = max(min_length, round(WINDOWS_PER_AREA * scene.mapped_pixels / size ** 2))

    def __len__(self) -> int:
        return self.length

    def position(self) -> tuple[int, int]:
        h, w = self.scene.mask.shape
        for _ in range(WINDOW_TRIES):
            r, c = int(self.rng.integers(0, h - self.size + 1)), int(self.rng.integers(0, w - self.size + 1))
            if (self.scene.mask[r:r + self.size, c:c + self.size] != IGNORE).any():
                break
        return r, c

    def __getitem__(self, i: int):
        image, valid, dem, mask = self.scene.window(*self.position(), self.size)
        image, valid, dem, mask = flip_rotate([image, valid, dem, mask], self.rng)
        return _tensors(colour_jitter(image, self.rng, self.jitter), valid, dem, mask, self.card)


class SceneTiles(torch.utils.data.Dataset):
    """Validation: the scene cut into fixed windows of ``size`` (the last row and column shifted back inside, so
    they overlap their neighbours; the overlap is masked out so no pixel counts twice); windows with no mapped
    pixel are left out. No augmentation."""

    def __init__(self, scene: LoadedScene, card: ModelCard, size: int) -> None:
        self.scene, self.card, self.size, self.region = scene, card, size, scene.region
        h, w = scene.mask.shape
        rows = sorted({min(r, h - size) for r in range(0, h, size)})
        cols = sorted({min(c, w - size) for c in range(0, w, size)})
        seen = np.zeros((h, w), bool)
        self.items = []
        for r in rows:
            for c in cols:
                fresh = ~seen[r:r + size, c:c + size]
                seen[r:r + size, c:c + size] = True
                if (fresh & (scene.mask[r:r + size, c:c + size] != IGNORE)).any():
                    self.items.append((r, c, fresh.copy()))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        r, c, fresh = self.items[i]
        image, valid, dem, mask = self.scene.window(r, c, self.size)
        return _tensors(image, valid, dem, np.where(fresh, mask, IGNORE), self.card)


class Mosaics(torch.utils.data.Dataset):
    """Training windows made of ``k x k`` chips: each chip is drawn at random (with its own augmentation from
    ``chips``, a training ``ChipSet`` without crop), the chips are tiled, and a random window of ``size`` is cut
    from the tiling (the whole tiling when it is smaller). Chips of different sizes are cropped to the smallest.
    Length: as many windows as cover the chips' pixels once."""

    def __init__(self, chips, k: int, size: int, seed: int) -> None:
        self.chips, self.k, self.size = chips, k, size
        self.rng = np.random.default_rng(seed)
        sides = [min(m.shape) for _, _, m in chips.items]
        self.side = min(sides)
        total = sum(s * s for s in sides)
        self.length = max(1, round(total / size ** 2))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int):
        k, s = self.k, self.side
        xs, ys = [], []
        for _ in range(k * k):
            x, y = self.chips[int(self.rng.integers(len(self.chips)))]
            xs.append(x[:, :s, :s])
            ys.append(y[:, :s, :s])
        x = torch.cat([torch.cat(xs[r * k:(r + 1) * k], dim=2) for r in range(k)], dim=1)
        y = torch.cat([torch.cat(ys[r * k:(r + 1) * k], dim=2) for r in range(k)], dim=1)
        side = k * s
        if self.size < side:
            r0, c0 = int(self.rng.integers(0, side - self.size + 1)), int(self.rng.integers(0, side - self.size + 1))
            x, y = x[:, r0:r0 + self.size, c0:c0 + self.size], y[:, r0:r0 + self.size, c0:c0 + self.size]
        return x.contiguous(), y.contiguous()


class Coarsened(torch.utils.data.Dataset):
    """Training windows seen across a range of ground resolutions: each item of ``windows`` (standardised tensors
    at the card's resolution, at least ``crop`` x ``widest`` pixels on a side) gives a random window of ``crop`` x f
    pixels, f drawn log-uniformly in [1, ``widest``] (at most the item's side), averaged down to ``crop`` pixels:
    the same ground with pixels f times coarser, as a coarser sensor delivers it (each pixel the mean of the ground it
    covers). A pixel is not mapped where most of its area is not, else a landslide where most of its mapped area is."""

    def __init__(self, windows, crop: int, widest: float, seed: int) -> None:
        self.windows, self.crop, self.widest = windows, crop, widest
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, i: int):
        x, y = self.windows[i]
        side = min(x.shape[-2:])
        if side < self.crop:
            return x, y
        n = int(min(side, round(self.crop * math.exp(self.rng.uniform(0.0, math.log(self.widest))))))
        r0, c0 = int(self.rng.integers(0, x.shape[-2] - n + 1)), int(self.rng.integers(0, x.shape[-1] - n + 1))
        x, y = x[:, r0:r0 + n, c0:c0 + n], y[:, r0:r0 + n, c0:c0 + n]
        if n == self.crop:
            return x.contiguous(), y.contiguous()

        def area(a: torch.Tensor) -> torch.Tensor:
            return F.interpolate(a[None].float(), size=(self.crop, self.crop), mode="area")[0]

        unmapped_share = area(y == IGNORE)
        unmapped, landslide = unmapped_share > 0.5, area(y == 1) > 0.5 * (1.0 - unmapped_share)
        y = torch.where(unmapped, torch.full_like(landslide, IGNORE, dtype=y.dtype), landslide.to(y.dtype))
        return area(x).contiguous(), y.contiguous()

