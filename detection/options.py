"""The options of a detection run: one typed, frozen object from every front end (the command line, the QGIS
algorithm, the worker process) to the core.

    DetectOptions
      inputs     Inputs      optical raster(s), DEM(s), RGB band numbers, area of interest, several scenes or one
      outputs    Outputs     the polygon file, its GeoPackage layer, the probability raster
      model      ModelChoice the model file (None: the bundled one), engine, device
      overrides  Overrides   resolution, tile, overlap, threshold: None means the model card's value
      tta        str         test-time augmentation (``TTA_MODES``)
      cleanup    Cleanup     minimum area, simplification: None means automatic (``pipeline.automatic_cleanup``)
      execution  Execution   batch size, chip threads, worker processes, Dask scheduler, row partitions, retries

Every option is defined here once, with its default; :meth:`DetectOptions.validate` is the one place each rule
that needs no model and no raster lives (the rules that need them live in ``pipeline.resolve``, the one place a user's
value meets the model card's default). :meth:`DetectOptions.to_dict` / :meth:`DetectOptions.from_dict` carry the
object across the worker's JSON; :meth:`DetectOptions.from_flat` builds it from flat keyword values named as the
fields (the command line's argparse ``dest`` names are these names). The lists of choices (``ENGINES``,
``DEVICES``, ``TTA_MODES``) are the ones the command line and the QGIS enums offer.

Standard library only (the QGIS provider imports it while it loads, before numpy or torch are needed); pure: never
imports QGIS.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from ..errors import InputError, Message
from ..model.card import TTA_MODES

#: inference engines: ``auto`` runs .onnx files with ONNX Runtime and checkpoints with PyTorch
ENGINES = ("auto", "torch", "onnx")
#: devices: ``auto`` uses an NVIDIA GPU (CUDA) when one is usable
DEVICES = ("auto", "cpu", "cuda")
__all__ = ["ENGINES", "DEVICES", "TTA_MODES", "Inputs", "Outputs", "ModelChoice", "Overrides", "Cleanup",
           "Execution", "DetectOptions", "PRODUCT_IMAGES", "MAX_PROCESSES_PER_CORE", "MAX_CHIP_THREADS",
           "PROBABILITY_SUFFIXES"]

#: which image of a satellite product is read (``products.PRODUCT_IMAGES``): PAN and MUX pansharpened, MUX alone,
#: PAN alone
PRODUCT_IMAGES = ("pansharpened", "mux", "pan")
#: local worker processes: at most this many per CPU core (a cluster given by its scheduler sets its own)
MAX_PROCESSES_PER_CORE = 2
#: chip-preparation threads of one process
MAX_CHIP_THREADS = 64
PROBABILITY_SUFFIXES = (".tif", ".tiff")
#: the polygons' GeoPackage layer unless another is named (vectorize.LAYER)
DEFAULT_LAYER = "landslides"


@dataclass(frozen=True)
class Inputs:
    """What to read. ``optical``: one multi-band raster, or three single-band rasters on one grid (R, G, B); with
    ``scenes``, several scenes (multi-band files, folders of them, or glob patterns). ``dem``: none, one, or (with
    ``scenes``) one per scene. ``bands``: 1-based R, G, B band numbers (None: 3,2,1 for 4+ bands, else 1,2,3).
    ``aoi``: areas of interest (polygon files, ``FILE:LAYER``, ``FILE|layername=L``, or extent dicts; their
    intersection), or empty for the whole image. ``optical`` may also be a satellite product as delivered (a GF
    Level-1A archive, its folder or image file, or an image with RPCs): it is orthorectified with the DEM on the fly
    (``products``), and ``product_image`` (one of ``PRODUCT_IMAGES``) says which of its images is read."""

    optical: tuple[str, ...]
    dem: tuple[str, ...] = ()
    bands: tuple[int, ...] | None = None
    aoi: tuple = ()
    scenes: bool = False
    product_image: str = "pansharpened"

    @property
    def dem_path(self) -> str | None:
        """The DEM of a single-scene run (None: no DEM)."""
        return self.dem[0] if self.dem else None


@dataclass(frozen=True)
class Outputs:
    """What to write: ``output`` the polygons (.gpkg, .geojson, .shp; an existing GeoPackage keeps its other layers),
    ``layer`` their GeoPackage layer, ``probability`` a probability GeoTIFF (None: not written)."""

    output: str
    layer: str = DEFAULT_LAYER
    probability: str | None = None

    @property
    def folders(self) -> set[str]:
        """The folders the outputs are written into (and their temporary files beside them)."""
        return {str(Path(p).parent) for p in (self.output, self.probability) if p}


@dataclass(frozen=True)
class ModelChoice:
    """Which model runs where: ``model`` a model file (.onnx, .safetensors, .pt; None: the bundled model),
    ``engine`` one of :data:`ENGINES`, ``device`` one of :data:`DEVICES`."""

    model: str | None = None
    engine: str = "auto"
    device: str = "auto"


@dataclass(frozen=True)
class Overrides:
    """Values the model card gives unless the user sets them; None means the card's. ``resolution``: processing
    pixel size (m); ``tile``, ``overlap``: chip size and overlap (pixels); ``threshold``: probability threshold
    (0-1; the card's is the one chosen for the run's test-time augmentation)."""

    resolution: float | None = None
    tile: int | None = None
    overlap: int | None = None
    threshold: float | None = None


@dataclass(frozen=True)
class Cleanup:
    """The polygons' clean-up; None means automatic (``pipeline.automatic_cleanup``). ``min_area`` (m²): smaller
    landslides are dropped (0: none); ``simplify`` (m): simplification tolerance (0: none)."""

    min_area: float | None = None
    simplify: float | None = None


@dataclass(frozen=True)
class Execution:
    """How the work is spread. ``batch``: chips per inference step (0: automatic, :func:`batch_size`);
    ``chip_threads``: threads reading and preparing chips in one process; ``processes``: local worker processes
    (Dask; 1: this process only), one scene cut into row partitions or, with several scenes, one scene per task;
    ``scheduler``: an existing Dask cluster's address to run on instead; ``partitions``: row partitions of one scene
    (None: one per worker); ``retries``: how often a failed Dask task is run again."""

    batch: int = 0
    chip_threads: int = 2
    processes: int = 1
    scheduler: str | None = None
    partitions: int | None = None
    retries: int = 1

    @property
    def distributed(self) -> bool:
        """Whether the run goes to Dask (several local processes, or a cluster)."""
        return self.processes > 1 or self.scheduler is not None


#: chips per inference step when the batch is left automatic (0), by the device the engine runs on; measured end to
#: end with the bundled model on the real-format tiled DEFLATE scene (``benchmarks/bench_engine_settings.py``, 4
#: interleaved rounds on 2 CPU cores): one chip per step 10.6 s, four 11.8 s (the reading threads and the model
#: overlap better in small steps). On a GPU a step has a fixed cost that batches share: 4, unmeasured here.
AUTO_BATCH = {"cpu": 1, "cuda": 4}


def batch_size(requested: int, device: str) -> int:
    """Chips per inference step: the user's, or for 0 the automatic one for the engine's ``device``."""
    return requested or AUTO_BATCH.get(device, 1)


_GROUPS = {"inputs": Inputs, "outputs": Outputs, "model": ModelChoice, "overrides": Overrides, "cleanup": Cleanup,
           "execution": Execution}


def _number(name: str, value, kind=float, minimum=None, above=None, maximum=None, below=None):
    """``value`` as ``kind`` within the bounds, else one InputError naming the option; NaN and infinity refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(Message("{name} must be a number, got {value!r}", name=name, value=value))
    if kind is int and value != int(value):
        raise InputError(Message("{name} must be a whole number, got {value!r}", name=name, value=value))
    if not math.isfinite(value):
        raise InputError(Message("{name} must be a finite number, got {value!r}", name=name, value=value))
    value = kind(value)
    if minimum is not None and value < minimum:
        raise InputError(Message("{name} must be >= {minimum:g}, got {value:g}", name=name, minimum=minimum,
                                 value=value))
    if above is not None and value <= above:
        raise InputError(Message("{name} must be > {above:g}, got {value:g}", name=name, above=above, value=value))
    if maximum is not None and value > maximum:
        raise InputError(Message("{name} must be <= {maximum:g}, got {value:g}", name=name, maximum=maximum,
                                 value=value))
    if below is not None and value >= below:
        raise InputError(Message("{name} must be < {below:g}, got {value:g}", name=name, below=below, value=value))
    return value


def check_choice(name: str, value, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InputError(Message("{name} must be one of {choices}, got {value!r}", name=name,
                                 choices=', '.join(choices), value=value))
    return value


def check_tile(tile: int) -> int:
    """A chip size: a multiple of 32, at least 64 pixels (the networks downsample by 32)."""
    tile = _number(Message("tile size"), tile, int)
    if tile % 32 or tile < 64:
        raise InputError(Message("tile size must be a multiple of 32 and at least 64 pixels, got {tile}", tile=tile))
    return tile


def check_overlap(overlap: int, tile: int) -> int:
    """A chip overlap for chips of ``tile`` pixels: from 0 to under half the tile."""
    overlap = _number(Message("overlap"), overlap, int)
    if not 0 <= overlap < tile // 2:
        raise InputError(Message("overlap must be between 0 and half the tile size ({tile}), got {overlap}",
                                 tile=tile // 2, overlap=overlap))
    return overlap


def check_threshold(threshold: float) -> float:
    """A probability threshold: strictly between 0 and 1 (0 would mark everything, 1 nothing)."""
    threshold = _number(Message("threshold"), threshold)
    if not 0.0 < threshold < 1.0:
        raise InputError(Message("threshold must be between 0 and 1, got {threshold:g}", threshold=threshold))
    return threshold


@dataclass(frozen=True)
class Resolved:
    """The overrides resolved against a model card: the values a run uses."""

    resolution: float
    tile: int
    overlap: int
    threshold: float


def resolve_overrides(overrides: Overrides, card, tta: str = "none", image_pixel_m: float | None = None) -> Resolved:
    """The one rule where a user's value meets the model card's default: a value left None is the card's (the
    threshold: the card's for the test-time augmentation ``tta``). Checks the results (a tile from the card, an
    overlap against the resolved tile). ``card``: a ``model.card.ModelCard``. The processing resolution left None
    is the card's, except for an image coarser than it whose pixel size (``image_pixel_m``, metres) is within the
    resolutions the model was trained across (``card.resolution_range_m``): that image is processed at its own
    pixel size instead of being upsampled."""
    tile = check_tile(card.tile_size if overrides.tile is None else overrides.tile)
    resolution = overrides.resolution
    if resolution is None:
        native = (image_pixel_m is not None and card.resolution_range_m is not None
                  and image_pixel_m > card.resolution_m and card.in_resolution_range(image_pixel_m))
        resolution = image_pixel_m if native else card.resolution_m
    return Resolved(
        resolution=_number(Message("processing resolution"), resolution, above=0.0),
        tile=tile,
        overlap=check_overlap(card.overlap if overrides.overlap is None else overrides.overlap, tile),
        threshold=check_threshold(card.threshold_for(tta) if overrides.threshold is None else overrides.threshold))


def parse_source(text: str | Path) -> tuple[str, str | None]:
    """``(path, layer)`` of a vector source: ``FILE``, ``FILE|layername=L`` (QGIS's form) or ``FILE:L`` (when
    ``FILE:L`` itself is not a file and ``FILE`` is)."""
    path, _, options = str(text).partition("|")
    layer = None
    for option in options.split("|"):
        key, _, value = option.partition("=")
        if key.strip().lower() == "layername" and value.strip():
            layer = value.strip()
    if layer is None and not Path(path).exists() and ":" in path:
        head, _, tail = path.rpartition(":")
        if head and tail and Path(head).is_file():
            path, layer = head, tail
    return path, layer


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file: symbolic links, relative paths and ``..`` resolved; GDAL's virtual
    paths (``/vsi...``) compared as written."""
    a, b = str(a), str(b)
    if a.startswith("/vsi") or b.startswith("/vsi"):
        return a == b
    if os.path.exists(a) and os.path.exists(b):
        try:
            return os.path.samefile(a, b)
        except OSError:
            pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_outputs_are_not_inputs(inputs: dict[str, str], outputs: dict[str, tuple[str, str | None]]) -> None:
    """Refuse an output that is one of the inputs, naming both, before any work (``detect --dem x.tif
    --probability x.tif`` would overwrite the user's DEM). ``inputs``: what -> path; ``outputs``: what -> (path,
    GeoPackage layer or None). A GeoPackage may be both an input (one layer, e.g. an area of interest) and the
    output of another layer: a GeoPackage is a database of many layers, and only the output layer is replaced."""
    for out_what, (out_path, out_layer) in outputs.items():
        for in_what, source in inputs.items():
            in_path, in_layer = parse_source(source)
            if not same_file(out_path, in_path):
                continue
            if out_layer is not None and str(out_path).lower().endswith(".gpkg") and in_layer is not None \
                    and in_layer.lower() != out_layer.lower():
                continue
            raise InputError(Message("the {out_what} {out_path} is also the {in_what}: it would be overwritten; "
                                     "choose another output file", out_what=out_what, out_path=out_path,
                                     in_what=in_what))
        for other_what, (other_path, _) in outputs.items():
            if other_what < out_what and same_file(out_path, other_path):
                raise InputError(Message("the {out_what} and the {other_what} are the same file ({out_path}): choose "
                                         "two files", out_what=out_what, other_what=other_what, out_path=out_path))


def max_processes() -> int:
    """The most local worker processes a run may start: :data:`MAX_PROCESSES_PER_CORE` per core."""
    return MAX_PROCESSES_PER_CORE * (os.cpu_count() or 1)


@dataclass(frozen=True)
class DetectOptions:
    """One detection run's options (see the module doc). Build it, call :meth:`validate` (the core does, too), hand
    it to ``detection.dispatch.run_detection``."""

    inputs: Inputs
    outputs: Outputs
    model: ModelChoice = field(default_factory=ModelChoice)
    overrides: Overrides = field(default_factory=Overrides)
    tta: str = "none"
    cleanup: Cleanup = field(default_factory=Cleanup)
    execution: Execution = field(default_factory=Execution)

    # --- the one validation ----------------------------------------------------------------------------------
    def validate(self) -> DetectOptions:
        """Check every rule that needs no model and no raster; returns self, or raises one ``InputError`` whose
        sentence names the option. The rules that need the model's card (a tile left to the model, the overlap
        against it) are in ``pipeline.resolve``."""
        i, o, m, v, c, x = self.inputs, self.outputs, self.model, self.overrides, self.cleanup, self.execution
        if not i.optical or not all(isinstance(p, str) and p for p in i.optical):
            raise InputError(Message("no optical image given"))
        if not i.scenes and len(i.optical) not in (1, 3):
            raise InputError(Message("give one multi-band optical raster or three single-band ones (R, G, B), got "
                                     "{n_optical}", n_optical=len(i.optical)))
        if not i.scenes and len(i.dem) > 1:
            raise InputError(Message("one scene takes one DEM"))
        if i.bands is not None:
            if not i.bands or not all(isinstance(b, int) and not isinstance(b, bool) and b >= 1 for b in i.bands):
                raise InputError(Message("band numbers must be whole numbers from 1, got {bands}",
                                         bands=list(i.bands)))
        check_choice(Message("product image"), i.product_image, PRODUCT_IMAGES)
        if i.scenes and i.aoi:
            raise InputError(Message("an area of interest applies to one scene, not to several scenes"))
        if i.scenes and o.probability:
            raise InputError(Message("the probability raster is written for single-scene runs only"))
        if not o.output:
            raise InputError(Message("no output file given"))
        if not o.layer or not o.layer.strip():
            raise InputError(Message("the GeoPackage layer name must not be empty"))
        if o.probability and Path(o.probability).suffix.lower() not in PROBABILITY_SUFFIXES:
            raise InputError(Message("the probability raster must be a GeoTIFF (.tif), got {name}",
                                     name=Path(o.probability).name))
        check_choice(Message("engine"), m.engine, ENGINES)
        check_choice(Message("device"), m.device, DEVICES)
        check_choice(Message("test-time augmentation"), self.tta, TTA_MODES)
        if v.resolution is not None:
            _number(Message("processing resolution"), v.resolution, above=0.0)
        if v.tile is not None:
            check_tile(v.tile)
        if v.overlap is not None:
            _number(Message("overlap"), v.overlap, int, minimum=0)
        if v.threshold is not None:
            check_threshold(v.threshold)
        if c.min_area is not None:
            _number(Message("minimum area"), c.min_area, minimum=0.0)
        if c.simplify is not None:
            _number(Message("simplification tolerance"), c.simplify, minimum=0.0)
        _number(Message("batch size"), x.batch, int, minimum=0, maximum=1024)
        _number(Message("chip threads"), x.chip_threads, int, minimum=1, maximum=MAX_CHIP_THREADS)
        _number(Message("worker processes"), x.processes, int, minimum=1,
                maximum=None if x.scheduler else max_processes())
        if x.partitions is not None:
            _number(Message("the number of row partitions"), x.partitions, int, minimum=1)
        _number(Message("retries"), x.retries, int, minimum=0)
        if x.scheduler is not None and not str(x.scheduler).strip():
            raise InputError(Message("the Dask scheduler address is empty"))
        sources = {Message("optical image") if len(i.optical) == 1 else Message("optical image {k}", k=k + 1): p
                   for k, p in enumerate(i.optical)}
        sources.update({Message("DEM") if len(i.dem) == 1 else Message("DEM {k}", k=k + 1): p
                        for k, p in enumerate(i.dem)})
        files = [a for a in i.aoi if isinstance(a, (str, Path))]  # (extents are dicts)
        sources.update({Message("area of interest") if len(files) == 1 else Message("area of interest {k}", k=k + 1): a
                        for k, a in enumerate(files)})
        if m.model:
            sources[Message("model file")] = m.model
        written = {Message("output"): (o.output, o.layer)}
        if o.probability:
            written[Message("probability raster")] = (o.probability, None)
        check_outputs_are_not_inputs(sources, written)
        return self

    # --- construction and transport ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain JSON-ready values, grouped as the fields (the worker process's request)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> DetectOptions:
        """The inverse of :meth:`to_dict` (lists back to tuples)."""
        data = dict(data)
        groups = {}
        for name, group in _GROUPS.items():
            values = dict(data.pop(name, {}) or {})
            for f in fields(group):
                if isinstance(values.get(f.name), list):
                    values[f.name] = tuple(values[f.name])
            groups[name] = group(**values)
        return cls(**groups, **data)

    @classmethod
    def from_flat(cls, **values) -> DetectOptions:
        """Options from flat keyword values named as the fields of the groups (``optical``, ``dem``, ``tile``,
        ``chip_threads``, ...) plus ``tta``; paths may be ``Path`` objects, a single path a string. An unknown
        name is an error. Used by the command line (its argparse ``dest`` names are these names) and by tests."""
        groups: dict[str, dict] = {name: {} for name in _GROUPS}
        top = {}
        owner = {f.name: name for name, group in _GROUPS.items() for f in fields(group)}
        for key, value in values.items():
            if key == "tta":
                top[key] = value
                continue
            if key not in owner:
                raise TypeError(f"unknown detection option {key!r}")
            groups[owner[key]][key] = _plain(value)
        for key in ("optical", "dem", "aoi"):  # one path (or extent) for a sequence of them; None for none
            value = groups["inputs"].get(key)
            if value is None:
                groups["inputs"].pop(key, None)
            elif isinstance(value, (str, dict)):
                groups["inputs"][key] = (value,)
        return cls(**{name: _GROUPS[name](**v) for name, v in groups.items()}, **top)

    def replace(self, **groups) -> DetectOptions:
        """A copy with some groups (or ``tta``) replaced; a group may be given as a dict of its changed fields."""
        changes = {}
        for name, value in groups.items():
            if isinstance(value, dict):
                value = replace(getattr(self, name), **value)
            changes[name] = value
        return replace(self, **changes)


def _plain(value):
    """Paths as strings, sequences of paths or numbers as tuples."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return tuple(str(v) if isinstance(v, Path) else v for v in value)
    return value
