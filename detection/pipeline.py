"""Detect landslides on one whole scene, in this process (``dispatch.run_detection`` calls it for the command line,
the worker process and the QGIS algorithm alike).

    DetectOptions -> plan_detection: validate, open the engine, resolve (the one place user values meet the card)
    optical raster(s) + DEM -> processing grid (metric, the model's resolution)
      -> chips (tiling.py; with an area of interest only those touching it, aoi.py), read and prepared in
         background threads (raster_io.py, dem.py)
      -> engine (engines.py) batch by batch, in the calling thread
      -> bounded queue -> output worker thread: blended stitching (stitching.py) -> rows -> probability GeoTIFF
         (one whole row of blocks at a time) + streamed vectoriser with terrain statistics (vectorize.py)
      -> landslide polygons (GeoPackage / GeoJSON / Shapefile) in the optical raster's CRS
         (with an area of interest: nodata outside it in the probability raster, polygons cut to it)

What is held across the scene's width (the blender's band, a row of probability blocks, GDAL's blocks under a row
of chips) grows with it: ``dispatch.run_detection`` (through ``partitions.detect_scene``) runs a scene wider than
``partitions.STRIPE_WIDTH`` (16384 px) as column stripes, one after the other, each planned here.

The engine's thread only waits for prepared chips and the engine; everything after the engine runs in the output
worker, whose errors are raised in the calling thread. Outputs are written under temporary names and moved into
place at the end: an error or a cancel leaves no partial file, and an existing output untouched. An existing
GeoPackage keeps all its other layers: the landslide layer (``outputs.layer``, default ``landslides``) is added to
it, or replaces only the layer of that name. Pure: never imports QGIS (the QGIS algorithm passes its feedback in as
callables).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

from ..errors import CancelledError, InputError, Message, ModelFileError
from . import aoi as aoi_mod
from . import tta as tta_mod
from . import vectorize
from .dem import (
    DEM_COVERAGE_WARNING,
    DemReader,
    DemTiles,
    check_dem,
    dem_coverage,
    dem_mean_elevation,
)
from .engines import open_engine
from .leftovers import clean_leftovers, full_disk_explained, temp_file
from .options import DetectOptions, Outputs, batch_size, resolve_overrides
from .raster_io import (
    Grid,
    OpticalReader,
    OpticalSpec,
    computed_blocks,
    image_pixel_size,
    optical_scaler,
    processing_grid,
    reader_cache_bytes,
    resolve_optical,
    scene_statistics,
)
from .stitching import StripBlender
from .tiling import chip_span, chip_windows, pad_chip

if TYPE_CHECKING:
    from ..model.card import ModelCard

ProgressFn = Callable[[float, str], None]
LogFn = Callable[[str], None]
PROB_NODATA = -1.0
RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "models"
DEFAULT_MODEL_NAME = "landslide_mapper_default.onnx"


def default_model_path() -> Path:
    """The bundled model (the default ``MODEL`` everywhere)."""
    return RESOURCES / DEFAULT_MODEL_NAME


@dataclass
class DetectResult:
    output: Path
    probability: Path | None
    count: int
    total_area_m2: float
    seconds: float
    chips: int
    chips_skipped: int
    engine: str
    device: str
    grid: Grid
    threshold: float            # the probability threshold used (the model's, or the user's)
    tile: int                   # the chip size used (pixels)
    warnings: list[str] = field(default_factory=list)
    scene_chips: int | None = None  # the scene's chips, when an area of interest chose some of them

    @property
    def chips_per_second(self) -> float:
        return self.chips / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        chips = ("" if self.scene_chips is None else
                 f"{self.chips + self.chips_skipped} of the scene's {self.scene_chips} chips (area of interest), ")
        return (f"{self.count} landslide(s), {self.total_area_m2 / 1e4:.2f} ha in total, {chips}"
                f"{self.seconds:.1f} s, {self.chips_per_second:.2f} chips/s ({self.engine} on {self.device}) "
                f"-> {self.output}")


#: automatic minimum landslide area: at least this many pixels of the processing grid (the model's resolution) ...
MIN_AREA_MODEL_PIXELS = 25
#: ... and of the input image (a "landslide" smaller than a few of its pixels is not resolved by the image)
MIN_AREA_INPUT_PIXELS = 4
#: warn when the image's pixels are this many times coarser than the model's resolution
COARSE_INPUT_FACTOR = 3.0


def automatic_cleanup(min_area: float | None, simplify: float | None, resolution: float,
                      input_resolution: float) -> tuple[float, float, str]:
    """The minimum area (m²) and simplification tolerance (m) for a run, and how they were chosen, in words.

    ``None`` means automatic: the minimum area is the larger of :data:`MIN_AREA_MODEL_PIXELS` pixels of the
    processing grid and :data:`MIN_AREA_INPUT_PIXELS` pixels of the input image; the tolerance is one pixel of the
    processing grid (it removes the pixel staircase and keeps every shape a pixel wide). ``resolution`` and
    ``input_resolution``: the processing grid's and the image's pixel sizes in metres."""
    words = []
    if min_area is None:
        by_model = MIN_AREA_MODEL_PIXELS * resolution ** 2
        by_input = MIN_AREA_INPUT_PIXELS * input_resolution ** 2
        min_area = round(max(by_model, by_input), 1)
        words.append(f"minimum area {min_area:g} m² (automatic: " + (
            f"{MIN_AREA_INPUT_PIXELS} pixels of the {input_resolution:.3g} m image)" if by_input > by_model else
            f"{MIN_AREA_MODEL_PIXELS} pixels at {resolution:g} m)"))
    else:
        words.append(f"minimum area {min_area:g} m²")
    if simplify is None:
        simplify = float(resolution)
        words.append(f"simplification {simplify:g} m (automatic: one pixel)")
    else:
        words.append(f"simplification {simplify:g} m" if simplify else "no simplification")
    return float(min_area), float(simplify), ", ".join(words)


def _check_writable(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(Message("cannot write the {what} {path}: folder {parent} does not exist", what=what,
                                 path=path, parent=parent))
    if not os.access(parent, os.W_OK):
        raise InputError(Message("cannot write the {what} {path}: folder {parent} is not writable", what=what,
                                 path=path, parent=parent))
    if path.exists() and path.is_dir():
        raise InputError(Message("cannot write the {what} {path}: it is a folder", what=what, path=path))


class _Prepared:
    __slots__ = ("window", "chip", "valid")

    def __init__(self, window: Window, chip: np.ndarray | None, valid: np.ndarray) -> None:
        self.window, self.chip, self.valid = window, chip, valid


GDAL_CACHE_MB = 16  # GDAL's block cache defaults to 5 % of RAM and would fill with dirty output blocks
PROB_BLOCK = 256     # tile size of the probability GeoTIFF


def gdal_cache_mb(width: int, reading_bytes: int = 0) -> int:
    """GDAL block cache for a run: room for three rows of probability tiles across the scene (the row being
    written, the one before it, and slack) and for the optical blocks under a row of chips
    (:func:`raster_io.reader_cache_bytes`) on top of a small base; the least recently used (finished) tiles are
    compressed and written out as it fills, so memory does not grow with the scene's height."""
    return GDAL_CACHE_MB + -(-3 * PROB_BLOCK * width * 4 // 2**20) + -(-reading_bytes // 2**20)


def gdal_cache(mb: int) -> rasterio.Env:
    """A ``rasterio.Env`` whose GDAL block cache holds ``mb`` MiB. Rasterio hands ``GDAL_CACHEMAX`` to
    ``GDALSetCacheMax64``, which counts bytes: ``GDAL_CACHEMAX=16`` would make a 16-byte cache, in which nothing
    stays (every block re-read and re-decoded for each window, a warped or pansharpened VRT 20 times slower)."""
    return rasterio.Env(GDAL_CACHEMAX=int(mb) << 20)


#: compression of the probability GeoTIFF: ZSTD level 1 with the floating-point predictor. About the size of
#: DEFLATE's, at less than half its CPU (2.5 instead of 5.8 ms per chip, on the output thread that competes with the
#: engine for the cores); read by every GDAL since 2.3, so by QGIS on every platform.
PROB_CREATION = {"compress": "zstd", "zstd_level": 1, "predictor": 3}


def open_probability(path: Path, grid: Grid, height: int | None = None, top: int = 0, sparse: bool = False):
    """A new probability GeoTIFF at ``path`` for the rows ``[top, top + height)`` of ``grid`` (all by default):
    float32, nodata ``PROB_NODATA``, tiled ``PROB_BLOCK``, compressed with :data:`PROB_CREATION`. ``sparse``:
    blocks never written (outside an area of interest) are not stored and read as nodata."""
    height = grid.height - top if height is None else height
    return rasterio.open(path, "w", driver="GTiff", dtype="float32", count=1, width=grid.width, height=height,
                         crs=grid.crs, transform=grid.transform @ Affine.translation(0, top), nodata=PROB_NODATA,
                         tiled=True, blockxsize=PROB_BLOCK, blockysize=PROB_BLOCK, BIGTIFF="IF_SAFER",
                         **PROB_CREATION, **({"SPARSE_OK": "TRUE"} if sparse else {}))


def check_outputs(outputs: Outputs, log: LogFn | None = None) -> tuple[Path, Path | None]:
    """The output paths, checked before any work: writable, a supported format, a GeoTIFF probability raster. The
    temporary files crashed runs left in their folders are removed (``leftovers.clean_leftovers``)."""
    output = Path(outputs.output)
    _check_writable(output, "output")
    vectorize.check_output(output, outputs.layer)
    prob_path = Path(outputs.probability) if outputs.probability else None
    if prob_path is not None:
        _check_writable(prob_path, "probability raster")
    for folder in {output.parent, *([prob_path.parent] if prob_path else [])}:
        clean_leftovers(folder, log)
    return output, prob_path


class _RowBlocks:
    """Gathers rows that arrive in order, in chunks of any height, into whole rows of blocks of the probability
    GeoTIFF (``block`` rows; nodata as ``PROB_NODATA``) and hands each on once, to ``on_block(row0, rows)``.

    Written a whole row of blocks at a time, every block of the GeoTIFF is compressed and stored once: a block
    written in parts is stored again each time GDAL's cache evicts it, and the old copies stay in the file (297 MB
    instead of 96 MB on a 6000 x 6000 scene). The vectoriser gets the same blocks: fewer block seams to merge
    landslides across than with the blender's 64-row chunks. Holds one row of blocks (``block x width`` float32)."""

    def __init__(self, width: int, height: int, block: int, on_block: Callable[[int, np.ndarray], None],
                 top: int = 0) -> None:
        """Rows ``[top, height)`` (``top``: a multiple of ``block``, so blocks are those of the whole raster)."""
        self.height, self.on_block = height, on_block
        self.buf = np.empty((min(block, height - top), width), np.float32)
        self.top, self.n = top, 0  # scene row of buf[0], rows filled

    def add(self, row0: int, prob: np.ndarray) -> None:
        if row0 != self.top + self.n:
            raise ValueError(f"rows must arrive in order: expected row {self.top + self.n}, got {row0}")
        i = 0
        while i < prob.shape[0]:
            k = min(prob.shape[0] - i, self.buf.shape[0] - self.n)
            chunk = prob[i:i + k]
            self.buf[self.n:self.n + k] = np.where(np.isnan(chunk), PROB_NODATA, chunk)
            self.n += k
            i += k
            if self.n == self.buf.shape[0] or self.top + self.n == self.height:
                self.on_block(self.top, self.buf[:self.n])
                self.top, self.n = self.top + self.n, 0


_STOP = object()


class _OutputWorker:
    """Runs everything after the engine (blending, the probability raster, vectorising with terrain statistics,
    writing polygons) in one thread fed through a bounded queue, so the engine never waits for them.

    ``put`` hands on one item (blocking while the queue is full) and re-raises, in the engine's thread, an error
    the worker met; ``close`` runs ``finish`` in the worker, waits for it and re-raises its error; ``abort`` (cancel,
    or an error in the engine's thread) drops what is queued and waits for the worker to stop. Memory: at most
    ``maxsize`` items queued."""

    def __init__(self, handle: Callable[..., None], finish: Callable[[], None], maxsize: int) -> None:
        self._handle, self._finish = handle, finish
        self.queue: queue.Queue = queue.Queue(maxsize)
        self.error: BaseException | None = None
        self._abort = threading.Event()
        self.thread = threading.Thread(target=self._run, name="landslide-output", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        stopped = False
        try:
            while True:
                item = self.queue.get()
                if item is _STOP:
                    stopped = True
                    break
                if not self._abort.is_set():
                    self._handle(*item)
            if not self._abort.is_set():
                self._finish()
        except BaseException as exc:  # noqa: BLE001 - handed to the engine's thread, which raises it
            self.error = exc
            self._abort.set()
            while not stopped:  # keep taking items, so the producer never blocks, until it says stop
                stopped = self.queue.get() is _STOP

    def _offer(self, item, give_up: Callable[[], bool]) -> bool:
        """Put ``item`` on the bounded queue, waiting while it is full, unless ``give_up()`` turns true first."""
        while not give_up():
            try:
                self.queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def put(self, *item) -> None:
        if not self._offer(item, lambda: self.error is not None):
            raise self.error

    def close(self) -> None:
        self._put_stop()
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _put_stop(self) -> None:
        self._offer(_STOP, lambda: not self.thread.is_alive())

    def abort(self) -> None:
        self._abort.set()
        self._put_stop()
        self.thread.join()


def detect(options: DetectOptions, progress: ProgressFn | None = None, log: LogFn | None = None,
           is_cancelled: Callable[[], bool] | None = None) -> DetectResult:
    """Detect landslides on one scene in this process, in one piece (see the module doc); ``options``: a
    :class:`DetectOptions` (its execution group's processes, scheduler and partitions are for
    ``dispatch.run_detection``; here only the batch and chip threads count). GDAL's block cache (5 % of RAM by
    default) is capped meanwhile. Raises ``LandslideMapperError`` subclasses with user messages.

    What it holds grows with the scene's width: ``partitions.detect_scene``, which ``dispatch.run_detection`` calls
    for one scene, runs a scene wider than ``partitions.STRIPE_WIDTH`` in column stripes instead."""
    with gdal_cache(GDAL_CACHE_MB):
        return _detect(options, progress, log, is_cancelled)


@dataclass
class DetectPlan:
    """Everything a detection needs, validated and resolved, before any chip is read: the options as the user gave
    them, and what they resolved to against the model card and the rasters (the grid, tile, overlap, threshold,
    clean-up, the chips to process). Picklable (plain values, paths, a CRS, a transform, windows), so a worker
    process can run part of it: :class:`ChipSource` reads its chips, :func:`run_engine` infers them,
    :class:`OutputSinks` turns them into rows, a probability raster and polygons."""

    options: DetectOptions
    spec: OpticalSpec
    grid: Grid
    out_crs: object             # the optical raster's CRS: polygons are written in it
    model_path: str             # the model file (the bundled one when the options name none)
    card: ModelCard
    tile: int                   # the overrides, resolved against the card
    overlap: int
    threshold: float
    min_area: float             # the clean-up, resolved (automatic_cleanup)
    simplify: float
    stats: dict                 # scene statistics for the optical scaling (the same for every part of a scene)
    fallback_elevation: float   # DEM nodata filled with this (the DEM's mean)
    area: object | None         # the area of interest (a shapely geometry in the grid's CRS), None: everything
    windows: list[Window]       # the chips to process, in raster order: the scene's, or those touching the area
    scene_chips: int            # the number of the scene's chips
    warnings: list[str] = field(default_factory=list)
    dem_path: str | None = None  # the DEM used (the options' one, unless it has no valid elevation over the image)
    device: str = "cpu"         # where the run's engine infers ("cpu" or "cuda")

    @property
    def has_terrain(self) -> bool:
        return self.dem_path is not None

    @property
    def batch(self) -> int:
        """Chips per inference step: the user's, or the automatic one for the device the run's engine uses."""
        return batch_size(self.options.execution.batch, self.device)

    @property
    def chip_threads(self) -> int:
        return self.options.execution.chip_threads

    @property
    def tta(self) -> str:
        return self.options.tta

    def open_engine(self):
        """The plan's engine (with its test-time augmentation), opened anew (in a worker process)."""
        return tta_mod.wrap(open_engine(self.model_path, self.options.model.engine, self.options.model.device),
                            self.tta)


#: at most this share of the machine's memory for the rows a run holds at once
MEMORY_SHARE = 0.5


def check_grid_size(grid: Grid, tile: int) -> None:
    """Refuse, before any work, a processing grid whose rows cannot be held: memory grows with the grid's width
    (a row of chips, the blender's strips, a row of probability blocks and the GDAL cache's three), and GDAL's
    rasters are at most 2^31 - 1 pixels wide or high. The message gives the figures."""
    if max(grid.width, grid.height) > 2**31 - 1:
        raise InputError(Message("the processing grid would be {width:,} x {height:,} pixels at {resolution:g} m, "
                                 "more than a raster can hold: choose a coarser resolution", width=grid.width,
                                 height=grid.height, resolution=grid.resolution))
    need = grid.width * 4 * (4 * PROB_BLOCK + 3 * tile)
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on this platform
        return
    if need > MEMORY_SHARE * ram:
        raise InputError(Message("the processing grid would be {width:,} x {height:,} pixels at {resolution:g} m: one "
                                 "row of tiles needs about {need:.1f} GB of memory and this machine has {ram:.1f} GB; "
                                 "choose a coarser resolution or a smaller area", width=grid.width, height=grid.height,
                                 resolution=grid.resolution, need=need / 2**30, ram=ram / 2**30))


def model_path(options: DetectOptions) -> Path:
    """The model file of a run: the one the options name, or the bundled model."""
    path = Path(options.model.model) if options.model.model else default_model_path()
    if not options.model.model and not path.exists():
        raise ModelFileError(Message("no model given and the bundled default model is missing from this installation "
                                     "({path}); choose a model file", path=path))
    return path


def plan_detection(options: DetectOptions, log: LogFn | None = None):
    """Validate a detection's options, load its engine and resolve the options against its card; ``(plan,
    engine)``. The engine returned applies the test-time augmentation. Raises ``LandslideMapperError`` subclasses
    with user messages; logs what was chosen and warnings (also kept in ``plan.warnings``)."""
    log = log or (lambda msg: None)
    options.validate()
    path = model_path(options)
    eng = open_engine(path, options.model.engine, options.model.device)
    plan = resolve(options, eng.card, path, log, eng)
    return plan, tta_mod.wrap(eng, options.tta)


def resolve(options: DetectOptions, card: ModelCard, model_file: str | Path, log: LogFn | None = None,
            engine=None) -> DetectPlan:
    """The one place where the user's options meet the model card (and the rasters): every override left as None
    becomes the card's value (the threshold: the card's for the run's test-time augmentation), the clean-up left
    as None becomes automatic, and the inputs are checked against each other (the DEM covers the image, the area of
    interest overlaps it). ``options`` must be validated. Raises ``LandslideMapperError`` subclasses; logs what was
    chosen and warnings (kept in ``plan.warnings``); ``engine``: the engine opened for the run, named in the log."""
    log = log or (lambda msg: None)
    warnings: list[str] = []

    def warn(msg: str) -> None:
        warnings.append(msg)
        log(Message("Warning: {warning}", warning=msg))

    inputs, over, tta = options.inputs, options.overrides, options.tta
    spec = resolve_optical(list(inputs.optical), inputs.bands)
    pixel = image_pixel_size(spec.paths[0])
    resolved = resolve_overrides(over, card, tta, pixel)
    tile, overlap, threshold = resolved.tile, resolved.overlap, resolved.threshold
    if over.threshold is None and tta != "none" and tta not in card.tta_thresholds:
        warn(Message("the model's card has no threshold chosen for test-time augmentation {tta} (models trained "
                     "before it existed): its plain threshold {threshold} is used, which may not suit averaged "
                     "probabilities", tta=tta, threshold=card.threshold))

    if over.resolution is None and resolved.resolution != card.resolution_m:
        low, high = card.resolution_range_m
        log(Message("The image's {pixel:g} m pixels are within the resolutions the model was trained across "
                    "({low:g}-{high:g} m): processed at {pixel:g} m, not resampled to the model's {resolution_m:g} m",
                    pixel=pixel, low=low, high=high, resolution_m=card.resolution_m))
    grid = processing_grid(spec.paths[0], resolved.resolution)
    check_grid_size(grid, tile)
    dem_path = inputs.dem_path
    if card.uses_dem and dem_path is None:
        names = ", ".join(c["name"] for c in card.dem_channels)
        raise InputError(Message("the model '{name}' uses DEM channels ({names}): give a DEM raster", name=card.name,
                                 names=names))
    if dem_path is not None:
        check_dem(dem_path, grid)
        coverage = dem_coverage(dem_path, grid, spec.paths[0])
        if coverage == 0.0:
            if card.uses_dem:
                raise InputError(Message("the DEM {name} has no valid elevation over the image (all nodata there), "
                                         "and the model '{name2}' needs DEM channels", name=Path(dem_path).name,
                                         name2=card.name))
            warn(Message("the DEM {name} has no valid elevation over the image (all nodata there): it is not used, "
                         "and the landslides' slope, elevation and relief are left empty (NULL)",
                         name=Path(dem_path).name))
            dem_path = None
        elif coverage < DEM_COVERAGE_WARNING:
            warn(Message("the DEM {name} has valid elevation over only {coverage:.0f} % of the image: elsewhere the "
                         "elevation is filled in from the nearest DEM values, so the slope, elevation and relief of "
                         "landslides there (and the model's DEM channels) are estimates", name=Path(dem_path).name,
                         coverage=100 * coverage))
    area = aoi_mod.area_on_grid(list(inputs.aoi), grid) if inputs.aoi else None  # before any pixel is read
    with rasterio.open(spec.paths[0]) as src:
        out_crs = src.crs
    input_res = pixel  # the image's own pixel size, metres (image_pixel_size: one formula)
    min_area, simplify, cleanup = automatic_cleanup(options.cleanup.min_area, options.cleanup.simplify,
                                                    grid.resolution, input_res)
    augmented = "" if tta == "none" else f"; test-time augmentation {tta} ({tta_mod.PASSES[tta]} passes per chip)"
    engine_words = f" ({engine.name} on {engine.device})" if engine is not None else ""
    log(Message("Model '{name}'{engine_words}; tile {tile} px, overlap {overlap} px, threshold "
                "{threshold}{augmented}; {cleanup}", name=card.name, engine_words=engine_words, tile=tile,
                overlap=overlap, threshold=threshold, augmented=augmented, cleanup=cleanup))
    log(Message("Processing grid: {width} x {height} px at {resolution:g} m in {crs}", width=grid.width,
                height=grid.height, resolution=grid.resolution, crs=grid.crs.to_string()))
    if input_res > COARSE_INPUT_FACTOR * grid.resolution:
        warn(Message("the image's pixels are about {input_res:.3g} m, {input_res2:.0f} times coarser than the "
                     "{resolution:g} m the model works at: the image is upsampled, so landslides narrower than about "
                     "{input_res3:.0f} m are missed and outlines follow the coarse pixels. Use imagery close to "
                     "{resolution:g} m for an inventory", input_res=input_res, input_res2=input_res / grid.resolution,
                     resolution=grid.resolution, input_res3=2 * input_res))

    # under the cache that reading chips gets: blocks a computed VRT's blocks are made from (a product's 8 m MUX
    # under its pansharpened 1 m) must stay cached between the windows read (10.4 s -> 5.4 s on a product)
    with gdal_cache(gdal_cache_mb(0, reader_cache_bytes(spec, grid, tile))):
        stats = scene_statistics(spec)
    if stats["valid_fraction"] == 0.0:
        warn(Message("the optical image has no valid pixel (all nodata): the result is an empty layer"))
    fallback = dem_mean_elevation(dem_path) if dem_path else 0.0
    scene = [w for _, w in chip_windows(grid.height, grid.width, tile, overlap)]
    windows = scene if area is None else [w for w, keep in zip(scene, aoi_mod.touches(scene, grid, area)) if keep]
    if area is not None:  # only the chips touching the area of interest are read and inferred
        log(Message("Area of interest: {area:.3g} km², {n_windows} of the scene's {n_scene} chips",
                    area=area.area / 1e6, n_windows=len(windows), n_scene=len(scene)))
    return DetectPlan(options, spec, grid, out_crs, str(model_file), card, tile, overlap, threshold, min_area,
                      simplify, stats, fallback, area, windows, len(scene), warnings, dem_path,
                      engine.device if engine is not None else "cpu")


class ChipSource:
    """The prepared chips of ``windows`` (raster order), read and scaled in background threads, each with its
    DEM channels (aligned once per segment of chips): an iterator of :class:`_Prepared`, in order, at most
    ``lookahead`` chips ahead of the consumer. Each thread has its own readers (rasterio datasets are not
    thread-safe); the optical readers' GDAL cache holds the blocks under a row of chips. Use as a context manager:
    leaving it stops the threads and closes every reader."""

    def __init__(self, plan: DetectPlan, windows: Sequence[Window]) -> None:
        self.plan, self.windows = plan, list(windows)
        self._local = threading.local()
        self._readers: list[OpticalReader] = []
        self._lock = threading.Lock()
        card = plan.card
        self.dem_tiles = (DemTiles(plan.dem_path, plan.grid, self.windows, card.dem_channels,
                                   plan.fallback_elevation) if card.uses_dem else None)
        first = OpticalReader(plan.spec, plan.grid)
        self.scale = optical_scaler(card.optical_scaling, first.dtype, plan.stats, card.mean, card.std)
        # GDAL caches blocks per open dataset, so each thread's reader decodes the blocks its chips share with their
        # neighbours again. Cheap for files; for a VRT that computes its blocks (a product orthorectified and
        # pansharpened on the fly) it doubled the work on 2 threads (0.07 s of CPU per chip alone, 0.14 s each of
        # two): there one reader serves every thread, one read at a time, and the rest of a chip's preparation (the
        # DEM, the scaling) stays parallel
        self._shared, self._read_lock = None, threading.Lock()
        if computed_blocks(plan.spec):
            self._shared = first
            self._readers.append(first)
        else:
            first.close()
        self.pool = ThreadPoolExecutor(max_workers=plan.chip_threads, thread_name_prefix="landslide-chips")
        # the cache is sized for the columns these chips span (a column stripe of a wide scene: its own width)
        width = (max(int(w.col_off + w.width) for w in self.windows) - min(int(w.col_off) for w in self.windows)
                 if self.windows else 0)
        self.cache = gdal_cache(gdal_cache_mb(width, reader_cache_bytes(plan.spec, plan.grid, plan.tile, width)))
        self.cache.__enter__()

    def _optical(self) -> OpticalReader:
        if self._shared is not None:
            return self._shared
        if not hasattr(self._local, "optical"):
            self._local.optical = OpticalReader(self.plan.spec, self.plan.grid)
            with self._lock:
                self._readers.append(self._local.optical)
        return self._local.optical

    def _read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        if self._shared is None:
            return self._optical().read(window)
        with self._read_lock:  # one reader for all the threads: its blocks are computed once
            return self._shared.read(window)

    def prepare(self, window: Window) -> _Prepared:
        raw, valid = self._read(window)
        if not valid.any():
            if self.dem_tiles is not None:
                self.dem_tiles.release(window)
            return _Prepared(window, None, valid)
        x = self.scale(raw)
        x[:, ~valid] = 0.0
        if self.dem_tiles is not None:
            x = np.concatenate([x, self.dem_tiles.get(window)])
        return _Prepared(window, pad_chip(x, self.plan.tile), valid)

    def __iter__(self):
        lookahead = max(2 * self.plan.batch, 2 * self.plan.chip_threads)
        pending: deque = deque()
        it = iter(self.windows)

        def refill() -> None:
            while len(pending) < lookahead:
                nxt = next(it, None)
                if nxt is None:
                    return
                pending.append(self.pool.submit(self.prepare, nxt))

        refill()
        while pending:
            item = pending.popleft().result()
            refill()
            yield item

    def __enter__(self) -> ChipSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.cache.__exit__(None, None, None)
        for r in self._readers:
            r.close()
        self._readers.clear()
        if self.dem_tiles is not None:
            self.dem_tiles.close()


def run_engine(chips, eng, batch: int, put: Callable[..., None], is_cancelled: Callable[[], bool],
               on_chip: Callable[[int], None]) -> int:
    """Infer the chips (an iterator of :class:`_Prepared` in raster order) batch by batch and hand each chip on
    in the same order, ``put(window, probabilities, valid)``, or ``put(window, None, None)`` for a chip with no
    valid pixel (not inferred); ``on_chip(done)`` after each chip. Raises ``CancelledError`` when
    ``is_cancelled()``. Returns the number of chips skipped."""
    skipped, done = 0, 0
    group: list[_Prepared] = []

    def run_batch(items: list[_Prepared]) -> None:
        probs = eng.predict(np.stack([p.chip for p in items]))
        for p, pr in zip(items, probs):
            put(p.window, pr, p.valid)

    for item in chips:
        if is_cancelled():
            raise CancelledError(Message("cancelled by the user; no output was written"))
        if item.chip is None:
            skipped += 1
            if group:
                run_batch(group)
                group = []
            put(item.window, None, None)
        else:
            group.append(item)  # items stay in raster order, as the blender needs
            if len(group) == batch:
                run_batch(group)
                group = []
        done += 1
        on_chip(done)
    if group:
        run_batch(group)
    if is_cancelled():
        raise CancelledError(Message("cancelled by the user; no output was written"))
    return skipped


def _clipped(on_components: Callable[[list], None], area) -> Callable[[list], None]:
    return lambda components: on_components(aoi_mod.clip_components(components, area))


class OutputSinks:
    """Everything after the engine, run in an :class:`_OutputWorker` thread: chips are blended into rows
    (``StripBlender``), gathered into whole rows of blocks (``_RowBlocks``), written to the probability raster
    ``prob_tmp`` (when given) and vectorised (``StreamingVectorizer``, with terrain statistics from the DEM);
    finished landslides go to ``on_components(components)`` as they complete. ``put`` hands on a chip, ``close``
    finishes (the last rows and landslides), ``abort`` drops everything.

    ``rows=(top, bottom)`` and ``cols=(left, right)``: only that rectangle of the scene is final and handed on (a
    partition of a scene, ``partitions.py``; ``top`` and ``left`` multiples of ``PROB_BLOCK``), the chips touching
    it arriving (those of the first chip row that reaches ``top`` first); the probability raster, the vectoriser
    and the terrain statistics then cover the rectangle's columns only (``Grid.columns``), its rows numbered as
    the scene's. ``scene_probability``: instead of a raster of its own at ``prob_tmp``, the rectangle's rows are
    written into this open probability raster of the whole scene (partitions run one after the other in this
    process; left open)."""

    def __init__(self, plan: DetectPlan, prob_tmp: Path | None, on_components: Callable[[list], None],
                 rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None,
                 scene_probability=None) -> None:
        scene = plan.grid
        top, bottom = rows or (0, scene.height)
        left, right = cols or (0, scene.width)
        grid = scene.columns(left, right)
        self.prob_ds = None
        self.worker = None
        shared, offset = scene_probability, (left, 0)  # where the rectangle's rows go in the scene's raster
        area = plan.area
        if area is not None:  # landslides cut to the area of interest
            on_components = _clipped(on_components, area)
            area_rows = aoi_mod.row_span(area, grid)
        self.terrain_reader = (DemReader(plan.dem_path, grid, 1, plan.fallback_elevation) if plan.has_terrain
                               else None)
        try:
            if prob_tmp is not None:
                self.prob_ds = open_probability(prob_tmp, grid, bottom - top, top, sparse=area is not None)
                shared, offset = self.prob_ds, (0, -top)
            vec = vectorize.StreamingVectorizer(grid, plan.threshold,
                                                self.terrain_reader.terrain if self.terrain_reader else None)

            def on_block(row0: int, prob: np.ndarray) -> None:
                if area is not None:  # nodata outside the area of interest; blocks wholly outside stay unwritten
                    if row0 >= area_rows[1] or row0 + prob.shape[0] <= area_rows[0]:
                        return
                    prob[~aoi_mod.block_mask(area, grid, row0, prob.shape[0])] = PROB_NODATA
                if shared is not None:
                    shared.write(prob[None], window=Window(offset[0], row0 + offset[1], grid.width, prob.shape[0]))
                vec.add_rows(row0, prob)  # nodata (PROB_NODATA < threshold) is never a landslide
                on_components(vec.take_done())  # finished landslides go to disk, not to memory

            blocks = _RowBlocks(grid.width, bottom, PROB_BLOCK, on_block, top)

            # the blender covers the chips touching the rectangle: from the first chip row reaching its rows (rows
            # no chip reaches come out as nodata), across the columns of the chips reaching its columns
            first_row, _ = chip_span(scene.height, plan.tile, plan.overlap, top, bottom)
            chips_left, chips_right = chip_span(scene.width, plan.tile, plan.overlap, left, right)
            inner = slice(left - chips_left, right - chips_left)

            def on_rows(row0: int, prob: np.ndarray) -> None:  # rows above the partition's own are not final
                if row0 + prob.shape[0] > top:
                    blocks.add(max(row0, top), prob[max(0, top - row0):, inner])

            blender = StripBlender(chips_right - chips_left, scene.height, plan.tile, plan.overlap, on_rows,
                                   top=first_row, left=chips_left, scene_width=scene.width)

            def handle(window: Window, prob: np.ndarray | None, valid: np.ndarray | None) -> None:
                if prob is None:
                    blender.skip(window)
                else:
                    blender.add(window, prob, valid)

            def finish() -> None:
                blender.finish(bottom)
                on_components(vec.components())  # the last ones, merged across block seams

            # blending, the probability raster, vectorising and terrain statistics run in this worker thread
            self.worker = _OutputWorker(handle, finish, maxsize=max(8, 2 * plan.batch))
        except BaseException:
            self._close_files()
            raise

    def put(self, *item) -> None:
        self.worker.put(*item)

    def close(self) -> None:
        self.worker.close()  # the worker blends the last rows and writes the last landslides
        self._close_files()

    def abort(self) -> None:
        if self.worker is not None:
            self.worker.abort()
        self._close_files()

    def _close_files(self) -> None:
        if self.prob_ds is not None and not self.prob_ds.closed:
            self.prob_ds.close()
        if self.terrain_reader is not None:
            self.terrain_reader.close()
            self.terrain_reader = None


def publish(writer: vectorize.FeatureWriter, prob_tmp: Path | None, prob_path: Path | None, warnings: list[str],
            log: LogFn) -> tuple[int, float]:
    """Move a finished run's outputs into place (the polygons, then the probability raster); warn of an empty
    result. Returns the number of landslides and their total area (m²)."""
    if writer.count == 0:
        warnings.append(Message("no landslide found: the output is a valid, empty layer"))
        log(Message("Warning: {warning}", warning=warnings[-1]))
    count, total_area = writer.count, writer.total_area
    writer.commit()
    if prob_path is not None:
        os.replace(prob_tmp, prob_path)
    return count, total_area


def _detect(options: DetectOptions, progress: ProgressFn | None, log: LogFn | None,
            is_cancelled: Callable[[], bool] | None) -> DetectResult:
    t0 = time.perf_counter()
    log = log or (lambda msg: None)
    # ---- validate everything before any work -------------------------------------------------------------
    options.validate()
    output, prob_path = check_outputs(options.outputs, log)
    plan, eng = plan_detection(options, log)
    return detect_planned(plan, eng, output, prob_path, t0, progress, log, is_cancelled)


def detect_planned(plan: DetectPlan, eng, output: Path, prob_path: Path | None, t0: float,
                   progress: ProgressFn | None = None, log: LogFn | None = None,
                   is_cancelled: Callable[[], bool] | None = None) -> DetectResult:
    """The planned scene in one piece on the engine ``eng``, into ``output`` (and ``prob_path``, when given), both
    checked (``check_outputs``); ``t0``: when the run started."""
    log = log or (lambda msg: None)
    progress = progress or (lambda f, msg: None)
    is_cancelled = is_cancelled or (lambda: False)
    options = plan.options
    grid, warnings, layer = plan.grid, plan.warnings, options.outputs.layer

    # ---- outputs under temporary names -----------------------------------------------------------------------
    # the probability raster is written only when asked for, under a temporary name beside it
    prob_tmp = temp_file(prob_path) if prob_path else None
    writer = None

    def write_components(components) -> None:
        writer.write(vectorize.features(components, grid, plan.out_crs, plan.min_area, plan.simplify,
                                        plan.has_terrain, first_id=writer.count + 1))

    windows = plan.windows
    n_chips = len(windows)
    sinks = None

    def on_chip(done: int) -> None:
        if done % plan.batch == 0 or done == n_chips:
            progress(done / n_chips, Message("{done}/{n_chips} chips, {time:.0f} s", done=done, n_chips=n_chips,
                                             time=time.perf_counter() - t0))

    try:
        with full_disk_explained(*options.outputs.folders):
            writer = vectorize.FeatureWriter(output, plan.out_crs, layer)
            with ChipSource(plan, windows) as chips:
                sinks = OutputSinks(plan, prob_tmp, write_components)
                skipped = run_engine(chips, eng, plan.batch, sinks.put, is_cancelled, on_chip)
                sinks.close()
            count, total_area = publish(writer, prob_tmp, prob_path, warnings, log)
        seconds = time.perf_counter() - t0
        progress(1.0, Message("done"))
        return DetectResult(output, prob_path, count, total_area, seconds, n_chips - skipped, skipped,
                            eng.name, eng.device, grid, plan.threshold, plan.tile, warnings,
                            None if plan.area is None else plan.scene_chips)
    except BaseException:
        if sinks is not None:
            sinks.abort()
        if writer is not None:
            writer.abort()
        raise
    finally:
        if prob_tmp is not None and prob_tmp.exists():
            prob_tmp.unlink()
