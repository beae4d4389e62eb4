"""Adapt a model to an area: fine-tune it from landslides a geologist digitised there, within a time budget.

The user gives an image (and a DEM where the model takes one), the landslide polygons, the area in which every
landslide was digitised (inside it, everything outside a polygon is background; outside it, nothing counts), and a
base model (default: the bundled one). Nothing here is a second trainer: the area becomes two scenes of the
scene-level training (``scenes.py``: polygons + mapped area) and :func:`train.train` runs with ``init``:

- **Spatial hold-out.** The mapped area is cut across its longer side into a training part and a held-out part of
  ``holdout`` of its area, at whichever end holds landslides in a share closer to the whole area's. Training windows
  never see a label of the held-out part; the held-out part is the validation, so the held-out IoU before (epoch
  0: the base model) and after adaptation is the user's evidence. If no epoch beats the base model there, the base
  model's weights are what is written, and a warning says so.
- **Automatic choices, each overridable** (:class:`AdaptOptions`): learning rate 1e-4 (a tenth of the usual
  from-scratch rate of encoder fine-tuning, as fine-tuning a trained model wants), all layers train (``layers``
  "decoder" keeps the encoder as it is), the base model's inputs (``add_dem``: an RGB-only base model also reads
  the DEM, its weights on it starting at zero, ``model/dem_input.py``), batch-norm statistics frozen
  (``train.freeze_batchnorm``), windows of the model's tile up to 256 pixels, rotations, flips and colour jitter,
  cosine learning rate over the time budget, and early stopping after 25 epochs without a gain on the held-out part.

Pure: no QGIS. The CLI's ``adapt`` and the QGIS algorithm "Adapt a model to an area" call :func:`adapt`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CancelledError, InputError, Message
from . import check_layers

#: the largest training window (pixels): the model's tile, at most this (a CPU trains 256-pixel windows in ~1 s)
MAX_WINDOW = 256
HELD_OUT, TRAINING = "held_out", "training"


@dataclass(frozen=True)
class AdaptOptions:
    """Everything :func:`adapt` needs; every automatic choice is a field with its default."""
    image: str                          # any optical input ``detect`` takes
    landslides: str                     # polygons: FILE, FILE|layername=L or FILE:L, any CRS
    output: str                         # the adapted model (.safetensors)
    mapped_area: str | None = None      # polygons in which every landslide was digitised; None: the whole image
    dem: str | None = None
    base_model: str | None = None       # None: the bundled model
    minutes: float = 10.0               # time budget of the training
    holdout: float = 0.25               # share of the mapped area held out (spatially) for validation
    lr: float = 1e-4
    layers: str = "all"                 # "all" or "decoder" (the encoder keeps its weights)
    add_dem: bool = False               # an RGB-only base model: the adapted one also reads the DEM (dem_input.py)
    window: int | None = None           # training window (pixels); None: the model's tile, at most MAX_WINDOW
    batch_size: int = 4
    seed: int = 0
    name: str | None = None             # the new card's name; None: the output file's stem

    def __post_init__(self) -> None:
        if not self.minutes > 0:
            raise InputError(Message("the time budget must be more than 0 minutes"))
        if not 0.05 <= self.holdout <= 0.5:
            raise InputError(Message("the held-out share of the mapped area must be from 0.05 to 0.5"))
        if not self.lr > 0:
            raise InputError(Message("the learning rate must be > 0"))
        check_layers(self.layers)
        if self.add_dem and not self.dem:
            raise InputError(Message("to let the adapted model read the DEM, give the DEM"))
        if self.window is not None and (self.window < 64 or self.window % 32):
            raise InputError(Message("the training window must be a multiple of 32 and at least 64 pixels"))
        if Path(self.output).suffix.lower() != ".safetensors":
            raise InputError(Message("the adapted model is written as .safetensors, not {name}",
                                     name=Path(self.output).name))


@dataclass
class AdaptResult:
    output: Path
    base_iou: float                     # held-out IoU of the base model (threshold 0.5, as training validates)
    adapted_iou: float                  # held-out IoU of the model written
    improved: bool
    epochs: int
    seconds: float
    threshold: float                    # the written model's decision threshold, chosen on the held-out part
    landslides: dict                    # part -> number of landslide polygons that touch it
    warnings: list[str] = field(default_factory=list)


def split_area(area, slides: list, holdout: float):
    """``(training part, held-out part)`` of ``area``: a cut across its longer side, leaving ``holdout`` of its area
    at one end; the end whose landslide share is closer to the whole area's, and which holds some landslide."""
    import shapely
    from shapely.geometry import box

    x0, y0, x1, y1 = area.bounds
    along_x = (x1 - x0) >= (y1 - y0)
    lo, hi = (x0, x1) if along_x else (y0, y1)
    all_slides = shapely.union_all(slides).intersection(area)
    overall = all_slides.area / area.area

    def part(a: float, b: float):
        return area.intersection(box(a, y0, b, y1) if along_x else box(x0, a, x1, b))

    def cut(at_high: bool) -> float:  # bisection for the coordinate that leaves ``holdout`` of the area at one end
        a, b = lo, hi
        for _ in range(40):
            mid = (a + b) / 2
            share = (part(mid, hi) if at_high else part(lo, mid)).area / area.area
            if (share > holdout) == at_high:
                a = mid
            else:
                b = mid
        return (a + b) / 2

    options = []
    for at_high in (True, False):
        c = cut(at_high)
        held, kept = (part(c, hi), part(lo, c)) if at_high else (part(lo, c), part(c, hi))
        share = all_slides.intersection(held).area / max(held.area, 1e-12)
        if all_slides.intersection(held).area > 0 and all_slides.intersection(kept).area > 0:
            options.append((abs(share - overall), kept, held))
    if not options:
        raise InputError(Message("the landslides lie all at one end of the mapped area, so no part of it can be held "
                                 "out to check the adaptation: digitise landslides spread over the area, or a larger "
                                 "area"))
    _, kept, held = min(options, key=lambda o: o[0])
    return kept, held


def _multipolygon(geom):
    """The polygons of a geometry (a polygon, multipolygon or collection) as one multipolygon."""
    import shapely

    polys = [q for p in shapely.get_parts(geom) for q in shapely.get_parts(p) if q.geom_type == "Polygon"]
    return shapely.MultiPolygon(polys)


def _write_layers(path: Path, crs, layers: dict) -> None:
    import fiona
    from shapely.geometry import mapping

    schema = {"geometry": "MultiPolygon", "properties": {}}
    for name, geoms in layers.items():
        with fiona.open(path, "w", driver="GPKG", layer=name, crs_wkt=crs, schema=schema) as dst:
            dst.writerecords({"geometry": mapping(_multipolygon(g)), "properties": {}} for g in geoms)


def adapt(options: AdaptOptions, progress: Callable[[float, str], None] | None = None,
          log: Callable[[str], None] | None = None, is_cancelled: Callable[[], bool] | None = None) -> AdaptResult:
    """Fine-tune ``options.base_model`` on the area (see the module text) and write the adapted model to
    ``options.output``, atomically and only on success. Bad input is one :class:`InputError` before any training."""
    import shapely
    from shapely.geometry import box

    from ..detection.options import check_outputs_are_not_inputs
    from ..detection.pipeline import default_model_path
    from ..detection.raster_io import processing_grid
    from ..model.checkpoint import publish, read_card
    from .scenes import SceneSource, read_polygons
    from .train import TrainConfig, train

    log = log or (lambda m: None)
    base = Path(options.base_model) if options.base_model else default_model_path()
    if not base.is_file():
        raise InputError(Message("the base model is not found: {base}", base=base))
    inputs = {Message("image"): options.image, Message("landslide layer"): options.landslides,
              Message("base model"): str(base),
              **({Message("mapped area"): options.mapped_area} if options.mapped_area else {}),
              **({Message("DEM"): options.dem} if options.dem else {})}
    check_outputs_are_not_inputs(inputs, {Message("adapted model"): (options.output, None)})
    card = read_card(base)
    if card.uses_dem and not options.dem:
        raise InputError(Message("the base model {name} uses a DEM: give the DEM layer", name=base.name))
    warnings: list[str] = []
    if options.dem and not card.uses_dem and not options.add_dem:
        warnings.append(Message("the base model {name} reads no DEM, so the DEM given is not used; choose to let the "
                                "adapted model read the DEM to use it", name=base.name))
    window = options.window or min(card.tile_size, MAX_WINDOW)

    grid = processing_grid(options.image, card.resolution_m)
    image_box = box(*grid.bounds)
    slides = read_polygons(options.landslides, "the landslide layer", grid.crs, valid=True)
    area = (shapely.union_all(read_polygons(options.mapped_area, "the mapped area", grid.crs, valid=True))
            if options.mapped_area else image_box).intersection(image_box)
    if area.is_empty:
        raise InputError(Message("the mapped area lies outside the image"))
    inside = [g for g in slides if g.intersects(area)]
    if len(inside) < len(slides):
        warnings.append(Message("{n_slides} of {n_slides2} landslide polygons lie outside the mapped area or the "
                                "image and are left out", n_slides=len(slides) - len(inside), n_slides2=len(slides)))
    if not inside:
        raise InputError(Message("no landslide polygon lies inside the mapped area and the image"))
    pixel = grid.resolution
    if area.area < (window * pixel) ** 2:
        side = window * pixel
        raise InputError(Message("the mapped area ({area:,.0f} m2) is smaller than one training window ({side:g} x "
                                 "{side:g} m): map a larger area", area=area.area, side=side))
    kept, held = split_area(area, inside, options.holdout)
    counts = {TRAINING: sum(g.intersects(kept) for g in inside), HELD_OUT: sum(g.intersects(held) for g in inside)}
    log(Message("{n_inside} landslides in a mapped area of {area:.3f} km2; held out for validation: {holdout:.0%} of "
                "the area at one end ({counts} landslides), training on the rest ({counts2})", n_inside=len(inside),
                area=area.area / 1e6, holdout=options.holdout, counts=counts[HELD_OUT], counts2=counts[TRAINING]))

    out = Path(options.output)
    if not out.parent.is_dir():
        raise InputError(Message("the output folder does not exist: {parent}", parent=out.parent))
    work = Path(tempfile.mkdtemp(prefix=".adapt-", dir=out.parent))
    try:
        layers = work / "areas.gpkg"
        parts = {TRAINING: kept, HELD_OUT: held}
        _write_layers(layers, grid.crs.to_wkt(), {
            **{f"{region}_area": [part] for region, part in parts.items()},
            **{f"{region}_landslides": [g for g in inside if g.intersects(part)] for region, part in parts.items()}})
        x0, y0, x1, y1 = area.bounds  # only the mapped area (and a window's margin) is read
        margin = window * pixel / 2
        bounds = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
        sources = [SceneSource(options.image, None, region, options.dem,
                               landslides=f"{layers}|layername={region}_landslides",
                               mapped_area=f"{layers}|layername={region}_area", bounds=bounds) for region in parts]
        config = TrainConfig(init=str(base), lr=options.lr, batch_size=options.batch_size, crop=window,
                             epochs=100_000, warmup_epochs=0, patience=25, time_budget_s=60.0 * options.minutes,
                             seed=options.seed, val_regions=[HELD_OUT], tile_size=card.tile_size,
                             name=options.name or out.stem, layers=options.layers, add_dem=options.add_dem,
                             tta_thresholds=False, weight_decay=1e-4)
        result = train(sources, work / "run", config, progress=progress, log=log, is_cancelled=is_cancelled,
                       resume=False)
        adapted = read_card(result.best_path)
        improved = result.best_epoch > 0
        if result.stopped == "cancelled":
            if not improved:
                raise CancelledError(Message("adaptation cancelled before any epoch improved on the base model; no "
                                             "model was written"))
            warnings.append(Message("adaptation was cancelled: the best model so far (epoch {best_epoch}) is written",
                                    best_epoch=result.best_epoch))
        elif not improved:
            warnings.append(Message("adaptation did not improve the held-out IoU ({base_val_iou:.3f}): the model "
                                    "written has the base model's weights. Digitise more landslides, a larger area, "
                                    "or give more time", base_val_iou=result.base_val_iou))
        publish(result.best_path, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for w in warnings:
        log(Message("Warning: {warning}", warning=w))
    return AdaptResult(out, float(result.base_val_iou), float(result.best_val_iou), improved, result.epochs_run,
                       result.seconds, adapted.threshold_for("none"), counts, warnings)


