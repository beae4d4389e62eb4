"""The model card: everything needed to use a set of weights correctly travels with them.

A card says which network (``architecture``), what goes in (optical bands and order, how raw pixel values are
scaled to 0-1, the per-band standardisation, the DEM-derived channels and their scaling), at which ground
resolution and tile size the model was trained, the decision threshold (and one per test-time augmentation mode,
``tta_thresholds``, where they were calibrated), the class names, and what it was trained
on and how well it did.

Optical scaling (``optical_scaling``), applied per band before standardisation:
    ``{"method": "divide", "value": 255}``    x / value (8-bit imagery; ``value`` 1023 or 4095 for 10/12-bit)
    ``{"method": "bit_depth", "bits": 12}``   x / (2**bits - 1)
    ``{"method": "percentile", "low": 2, "high": 98}``
                                              a linear stretch between the scene's per-band percentiles (computed
                                              once per scene on a decimated read, so every chip is scaled alike)
    ``{"method": "auto"}``                    uint8 -> divide by 255; any other type -> percentile 2-98
Then ``(x - mean) / std`` per band (the ``mean``/``std`` lists).

DEM channels (``dem_channels``), each computed on the processing grid from elevation in metres:
    ``{"name": "elevation", "offset": 0.0, "scale": 1000.0}``             (z - offset) / scale
    ``{"name": "slope", "scale": 90.0}``                                  slope in degrees / scale
    ``{"name": "relative_elevation", "radius_m": 100.0, "scale": 50.0}``  (z - mean of z within radius) / scale
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .config import ModelConfig

FORMAT_VERSION = 1
DEM_CHANNEL_KINDS = ("elevation", "slope", "relative_elevation")
SCALING_METHODS = ("divide", "bit_depth", "percentile", "auto")
TRAIN_SCALINGS = ("auto", "percentile")  # the methods training can write into a card (no parameters to give)
TTA_MODES = ("none", "flips", "d4")  # detection/tta.py's modes (model/ does not import processing/)
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
DEFAULT_DEM_CHANNELS = [{"name": "relative_elevation", "radius_m": 100.0, "scale": 50.0},
                        {"name": "slope", "scale": 90.0}]


@dataclass
class ModelCard:
    name: str
    architecture: dict
    version: str = "0"
    description: str = ""
    bands: list = field(default_factory=lambda: ["red", "green", "blue"])
    optical_scaling: dict = field(default_factory=lambda: {"method": "auto"})
    mean: list = field(default_factory=lambda: list(IMAGENET_MEAN))
    std: list = field(default_factory=lambda: list(IMAGENET_STD))
    dem_channels: list = field(default_factory=list)
    resolution_m: float = 2.0
    # the ground resolutions (m per pixel) the model was trained across, [finest, coarsest]: an image within it is
    # processed at its own pixel size; None: resolution_m alone (any other image is resampled to it)
    resolution_range_m: list | None = None
    tile_size: int = 512
    overlap: int = 64
    threshold: float = 0.5
    tta_thresholds: dict = field(default_factory=dict)  # test-time augmentation mode -> its threshold
    class_names: list = field(default_factory=lambda: ["background", "landslide"])
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    limitations: str = ""
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        cfg = self.config  # validates the architecture
        if len(self.bands) != 3 or len(self.mean) != 3 or len(self.std) != 3:
            raise ValueError("a model card needs exactly 3 optical bands (R, G, B) with 3 means and 3 stds")
        if any(s <= 0 for s in self.std):
            raise ValueError("standardisation std values must be > 0")
        method = self.optical_scaling.get("method")
        if method not in SCALING_METHODS:
            raise ValueError(f"optical scaling method must be one of {SCALING_METHODS}, got {method!r}")
        if len(self.dem_channels) != cfg.dem_channels:
            raise ValueError(f"the card lists {len(self.dem_channels)} DEM channels but the architecture "
                             f"expects {cfg.dem_channels}")
        for ch in self.dem_channels:
            if ch.get("name") not in DEM_CHANNEL_KINDS:
                raise ValueError(f"unknown DEM channel {ch.get('name')!r}; known: {', '.join(DEM_CHANNEL_KINDS)}")
        if not self.resolution_m > 0:
            raise ValueError(f"resolution_m must be > 0, got {self.resolution_m}")
        if self.resolution_range_m is not None:
            r = self.resolution_range_m
            if len(r) != 2 or not 0 < r[0] <= self.resolution_m <= r[1]:
                raise ValueError(f"resolution_range_m must be [finest, coarsest] around resolution_m "
                                 f"{self.resolution_m}, got {r}")
        if self.tile_size % 32 or self.tile_size < 64:
            raise ValueError(f"tile_size must be a multiple of 32 and >= 64, got {self.tile_size}")
        if not 0 <= self.overlap < self.tile_size // 2:
            raise ValueError(f"overlap must be in [0, tile_size/2), got {self.overlap}")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        for mode, value in self.tta_thresholds.items():
            if mode not in TTA_MODES or mode == "none":
                raise ValueError(f"tta_thresholds: unknown test-time augmentation {mode!r}; known: "
                                 f"{', '.join(TTA_MODES[1:])}")
            if not 0.0 < value < 1.0:
                raise ValueError(f"tta_thresholds[{mode!r}] must be in (0, 1), got {value}")

    @property
    def config(self) -> ModelConfig:
        return ModelConfig.from_dict(self.architecture)

    def threshold_for(self, tta: str = "none") -> float:
        """The decision threshold for predictions averaged with test-time augmentation ``tta``
        (``detection/tta.py``): the one chosen for it on the validation chips, else the plain one."""
        return float(self.tta_thresholds.get(tta, self.threshold))

    def in_resolution_range(self, pixel_m: float) -> bool:
        """Whether an image of ``pixel_m`` metres per pixel is within the resolutions the model was trained across
        (to 1 % of the pixel size: products are rounded to 0.1 m)."""
        low, high = self.resolution_range_m or (self.resolution_m, self.resolution_m)
        return low * 0.99 <= pixel_m <= high * 1.01

    @property
    def uses_dem(self) -> bool:
        return bool(self.dem_channels)

    @property
    def in_channels(self) -> int:
        return 3 + len(self.dem_channels)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> ModelCard:
        if not isinstance(d, dict):
            raise ValueError("a model card must be a JSON object")
        if d.get("format_version", FORMAT_VERSION) > FORMAT_VERSION:
            raise ValueError(f"model card format {d['format_version']} is newer than this plugin understands "
                             f"({FORMAT_VERSION}); update Landslide Mapper")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown model card field(s): {', '.join(unknown)}")
        return cls(**d)

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        return cls.from_dict(json.loads(text))

    def deepness_metadata(self) -> dict[str, str]:
        """The ONNX metadata keys the Deepness QGIS plugin reads, with Deepness's meaning."""
        return {
            "model_type": json.dumps("Segmentor"),
            "class_names": json.dumps({str(i): n for i, n in enumerate(self.class_names)}),
            "resolution": json.dumps(round(self.resolution_m * 100.0, 4)),   # cm per pixel
            "tiles_size": json.dumps(self.tile_size),
            "tiles_overlap": json.dumps(int(round(100.0 * self.overlap / self.tile_size))),  # percent
            "standardization_mean": json.dumps(list(self.mean)),
            "standardization_std": json.dumps(list(self.std)),
            "seg_thresh": json.dumps(self.threshold),
        }


def default_card(name: str, config: ModelConfig, **kw) -> ModelCard:
    """A card for a freshly built configuration (DEM channels default to relative elevation + slope)."""
    dem = kw.pop("dem_channels", None)
    if dem is None:
        dem = [dict(c) for c in DEFAULT_DEM_CHANNELS[: config.dem_channels]]
        if config.dem_channels > len(DEFAULT_DEM_CHANNELS):
            raise ValueError("give dem_channels explicitly for more than 2 DEM channels")
    return ModelCard(name=name, architecture=config.to_dict(), dem_channels=dem, **kw)


#: A copy of a model file's card beside it (``name.card.json`` for ``name.onnx``): what the QGIS dialogs show
#: (defaults, help, names) without opening the model file, whose reader needs onnx or torch.
SIDECAR_SUFFIX = ".card.json"


def sidecar_path(model_path) -> Path:
    return Path(model_path).with_suffix(SIDECAR_SUFFIX)


def write_sidecar(card: ModelCard, model_path) -> Path:
    """Write ``card`` as the sidecar of ``model_path`` (the bundled model's is made by finalize_bundled_model)."""
    path = sidecar_path(model_path)
    path.write_text(json.dumps(card.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_sidecar(model_path) -> ModelCard | None:
    """The card beside ``model_path``, or None when there is none or it cannot be read."""
    try:
        return ModelCard.from_json(sidecar_path(model_path).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
