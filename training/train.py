"""Training with the paper's recipe as defaults, every value overridable.

Paper: Adam (weight decay 1e-3), learning rate 1e-4 with cosine annealing, batch 4, at most 500 epochs, early
stopping (patience 30 epochs, min delta 1e-4 on the validation score) that only starts after 50 warm-up epochs;
rotation/flip/colour augmentation. The validation score is the landslide IoU. The loss is BCE + soft Dice (the
paper does not name its loss; Dice counters the class imbalance of landslide masks).

Outputs in ``out_dir``: ``best.safetensors`` (best validation IoU, with its model card: recipe, data, regions,
metrics), ``last.pt`` (resume point: weights, optimiser, epoch, training time, history; plain tensors and numbers,
loaded with ``weights_only=True``), ``metrics.csv`` (one row per epoch). Seeded; mixed precision on CUDA (bf16 on
the CPU on request); cancel stops after the current step and keeps the best checkpoint. Pure: no QGIS.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..detection.dem import channel_margin, dem_channels
from ..detection.leftovers import output_folder
from ..detection.raster_io import optical_scaler
from ..errors import CancelledError, InputError, Message
from ..model.card import TRAIN_SCALINGS, TTA_MODES, ModelCard, default_card
from ..model.checkpoint import save_checkpoint
from ..model.registry import build_model, get_config
from . import check_layers
from .dataset import (
    COLOUR_JITTER,
    IGNORE,
    Sample,
    augment,
    check_masks_mean_landslides,
    copy_paste,
    list_samples,
    load_sample,
    random_crop,
    scaled_window,
    split_by_region,
)
from .metrics import SegmentationMetrics
from .scenes import (
    ChipSource,
    Coarsened,
    LoadedScene,
    Mosaics,
    SceneSource,
    SceneTiles,
    SceneWindows,
    read_sources,
)

BN_BATCHES = 32  # training batches that recompute the BatchNorm statistics of the averaged (EMA) weights


@dataclass
class TrainConfig:
    arch: str = "fca_deeplab"
    overrides: dict = field(default_factory=dict)        # architecture overrides, e.g. {"backbone": "resnet18"}
    epochs: int = 500
    batch_size: int = 4
    lr: float = 1e-4
    weight_decay: float = 1e-3
    patience: int = 30
    min_delta: float = 1e-4
    warmup_epochs: int = 50
    crop: int | None = None                              # random training crops (pixels); None = whole chips
    seed: int = 0
    val_regions: list | None = None
    test_regions: list | None = None
    time_budget_s: float | None = None                   # stop (keeping the best) when the next epoch won't fit
    bf16: bool = False                                   # bf16 autocast on the CPU (CUDA always uses fp16)
    resolution_m: float = 2.0                            # ground resolution of the chips (goes into the card)
    tile_size: int = 512                                 # recommended inference tile (card)
    overlap: int = 64
    name: str = "landslide_mapper_model"
    device: str = "auto"
    positive_fraction: float | None = None               # sample chips so this share has landslides (None: as is)
    colour_jitter: float = COLOUR_JITTER                 # brightness/contrast/saturation factors drawn in 1 +- this
    scale_jitter: float = 0.0                            # zoom factors drawn in [1/(1+x), 1+x] (needs crop); 0 = off
    copy_paste: float = 0.0                              # share of training chips that get a donor's landslides pasted
    scaling: str = TRAIN_SCALINGS[0]                     # optical scaling in the card: auto or percentile (card.py)
    ema_decay: float = 0.0                               # validate/keep an exponential moving average of the weights
    encoder_weights: str | None = None                   # pretrained encoder: a name (pretrained.py) or a local file
    mosaic: int = 1                                      # a chip folder as data: k x k chips per window (scenes.py)
    tta_thresholds: bool = True                          # also choose the test-time augmentation modes' thresholds
    init: str | None = None                              # start from this trained model's weights and card (base)
    layers: str = "all"                                  # one of LAYERS: "decoder" keeps the encoder's weights
    add_dem: bool = False                                # with init: an RGB-only base also reads the DEM (dem_input.py)
    coarsest_m: float | None = None                      # train across resolutions up to this pixel size (card range)

    def __post_init__(self) -> None:
        for key in ("epochs", "batch_size", "patience"):
            if getattr(self, key) < 1:
                raise InputError(Message("{key} must be >= 1", key=key))
        if not self.lr > 0:
            raise InputError(Message("learning rate must be > 0"))
        check_layers(self.layers)
        if self.add_dem and self.init is None:
            raise InputError(Message("a DEM input can only be added to a trained model: give the model to start from"))
        if self.crop is not None and (self.crop < 32 or self.crop % 32):
            raise InputError(Message("crop must be a multiple of 32 and >= 32"))
        if self.positive_fraction is not None and not 0.0 < self.positive_fraction < 1.0:
            raise InputError(Message("positive_fraction must be between 0 and 1"))
        if not 0.0 <= self.colour_jitter < 1.0:
            raise InputError(Message("colour_jitter must be >= 0 and < 1"))
        if not 0.0 <= self.scale_jitter <= 1.0:
            raise InputError(Message("scale jitter must be between 0 and 1"))
        if self.scaling not in TRAIN_SCALINGS:
            raise InputError(Message("scaling must be 'auto' (8-bit / 255, other types: 2-98 % stretch) or "
                                     "'percentile' (2-98 % stretch of every image)"))
        if not 0.0 <= self.copy_paste <= 1.0:
            raise InputError(Message("copy-paste probability must be between 0 and 1"))
        if not 0.0 <= self.ema_decay < 1.0:
            raise InputError(Message("EMA decay must be >= 0 and < 1 (0 = off; e.g. 0.999)"))
        if self.encoder_weights is not None:
            from ..model.pretrained import get_weights, is_named

            if is_named(self.encoder_weights):
                get_weights(self.encoder_weights)  # an unknown name fails here, before any data is read
            elif not Path(self.encoder_weights).is_file():
                raise InputError(Message("encoder weights file not found: {encoder_weights}",
                                         encoder_weights=self.encoder_weights))
        if not 1 <= self.mosaic <= 4:
            raise InputError(Message("mosaic must be from 1 (chips as they are) to 4 (4 x 4 chips per window)"))
        if self.init is not None:
            if self.encoder_weights is not None:
                raise InputError(Message("--init starts from a whole trained model: leave out --encoder-weights"))
            if not Path(self.init).is_file():
                raise InputError(Message("the model to start from is not found: {init}", init=self.init))
        if self.coarsest_m is not None:
            if self.crop is None:
                raise InputError(Message("a resolution range needs a random crop: set the crop size (every coarser "
                                         "window is averaged down to it)"))
            if not (math.isfinite(self.coarsest_m) and self.coarsest_m > 0):
                raise InputError(Message("the coarsest resolution must be a number of metres > 0, got {coarsest_m}",
                                         coarsest_m=self.coarsest_m))
        if self.scale_jitter > 0 and self.crop is None:
            raise InputError(Message("scale jitter needs a random crop: set the crop size (every zoomed window is "
                                     "resized to it)"))


class ChipSet(torch.utils.data.Dataset):
    """Chips held in memory, prepared exactly as the card says (scaling, standardisation, DEM channels)."""

    def __init__(self, samples: list[Sample], card: ModelCard, train: bool, crop: int | None, seed: int,
                 jitter: float = COLOUR_JITTER, scale_jitter: float = 0.0, copy_paste: float = 0.0) -> None:
        self.card, self.train, self.crop, self.jitter, self.scale_jitter = card, train, crop, jitter, scale_jitter
        self.copy_paste = copy_paste
        self.rng = np.random.default_rng(seed)
        self.items = [load_sample(s) for s in samples]
        if card.uses_dem and any(d is None for _, d, _ in self.items):
            raise InputError(Message("the model uses DEM channels but the chips have no dems/ folder: choose an RGB "
                                     "configuration (--rgb-only)"))
        # scaling to 0-1 as the card says; percentile scaling uses each chip's own percentiles (a chip = a scene)
        self.scalers = [optical_scaler(card.optical_scaling, image.dtype, _percentiles(image), [0.0] * 3, [1.0] * 3)
                        for image, _, _ in self.items]
        if copy_paste and card.uses_dem:
            raise InputError(Message("copy-paste augmentation is for RGB-only models: pasting landslides between "
                                     "chips would cut false cliffs into the DEM"))
        check_masks_mean_landslides([mask for _, _, mask in self.items], "these chips")
        self.donors = [i for i, (_, _, mask) in enumerate(self.items) if (mask == 1).any()]
        self.mean = np.asarray(card.mean, np.float32)[:, None, None]
        self.std = np.asarray(card.std, np.float32)[:, None, None]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        image, dem, mask = self.items[i]
        image = self.scalers[i](image.astype(np.float32))
        pixel = self.card.resolution_m
        if self.train and self.crop:
            window = scaled_window(self.crop, min(mask.shape), self.scale_jitter, self.rng)
            image, dem, mask = random_crop([image, dem, mask], window, self.rng)
            if window != self.crop:  # zoom the window to the crop size; DEM derivatives see the zoomed pixel size
                image, dem, mask = _resize(image, dem, mask, self.crop)
                pixel = pixel * window / self.crop
        if self.train and self.donors and self.rng.random() < self.copy_paste:
            j = self.donors[int(self.rng.integers(len(self.donors)))]
            donor_image, _, donor_mask = self.items[j]
            image, mask = copy_paste(image, mask, self.scalers[j](donor_image.astype(np.float32)), donor_mask,
                                     self.rng)
        if self.train:
            image, dem, mask = augment(image, dem, mask, self.rng, self.jitter)
        x = (image - self.mean) / self.std
        if self.card.uses_dem:
            margin = channel_margin(self.card.dem_channels, pixel)  # at the (possibly zoomed) pixel size
            z = np.pad(dem[0], margin, mode="edge")  # chips have no neighbours: edge-padded margin
            x = np.concatenate([x, dem_channels(z, self.card.dem_channels, pixel, margin)])
        return torch.from_numpy(np.ascontiguousarray(x, np.float32)), torch.from_numpy(mask[None].astype(np.float32))


def data_sources(data, mosaic: int = 1) -> list:
    """The training sources: a sources JSON file (``scenes.read_sources``), a chip folder, or a list of sources."""
    if isinstance(data, (list, tuple)):
        return list(data)
    path = Path(data)
    if path.suffix.lower() == ".json":
        return read_sources(path)
    return [ChipSource(str(path), 1.0, mosaic)]


@dataclass
class TrainingData:
    train: torch.utils.data.Dataset
    weights: np.ndarray | None                  # per-item sampling weights (None: uniform, shuffled)
    val: dict                                   # region -> validation dataset
    regions: dict                               # split -> regions
    counts: dict                                # split -> chips / windows
    description: str


def _chip_set(dataset) -> ChipSet | None:
    """The one chip folder's ``ChipSet`` a training set is (perhaps seen across resolutions: ``Coarsened`` keeps its
    items' order), or None for mosaics, scenes and several sources."""
    inner = dataset.windows if isinstance(dataset, Coarsened) else dataset
    return inner if isinstance(inner, ChipSet) else None


def assemble(sources: list, card: ModelCard, config: TrainConfig, log) -> TrainingData:
    """Training and validation datasets from chip folders and scenes (``scenes.py``), split by region: chip
    folders' regions as ``split_by_region`` assigns them (``--val-regions``/``--test-regions`` may name scenes'
    regions too), a scene wholly in the split its region is named in, else in training. Validation is per region;
    each source's share of a training epoch is its weight. One chip folder without mosaics trains as before."""
    val_named = config.val_regions
    test_named = config.test_regions
    chip_sources = [s for s in sources if isinstance(s, ChipSource)]
    scene_sources = [s for s in sources if isinstance(s, SceneSource)]
    if scene_sources and config.crop is None:
        raise InputError(Message("training from scenes draws windows from them: give the window size (--crop, e.g. "
                                 "256)"))
    # a resolution range: training windows cut larger (up to the coarsest pixel size's worth of ground), then each
    # averaged down to the crop at a pixel size drawn across the range (scenes.Coarsened)
    widest = 1.0
    if config.coarsest_m is not None:
        if card.uses_dem:
            raise InputError(Message("a resolution range is for RGB-only models for now: the DEM channels (slope, "
                                     "relief) would have to be recomputed at each coarser pixel size"))
        if config.coarsest_m < card.resolution_m:
            raise InputError(Message("the coarsest resolution ({coarsest_m:g} m) must be at least the model's "
                                     "{resolution_m:g} m", coarsest_m=config.coarsest_m,
                                     resolution_m=card.resolution_m))
        widest = config.coarsest_m / card.resolution_m
    crop = math.ceil(config.crop * widest) if config.crop and widest > 1 else config.crop
    samples = {i: list_samples(s.folder) for i, s in enumerate(chip_sources)}
    chip_regions = {x.region for v in samples.values() for x in v}
    scene_regions = {s.region for s in scene_sources}
    clash = chip_regions & scene_regions
    if clash:
        raise InputError(Message("region {clash!r} names both chips and a scene: give the scene another region",
                                 clash=sorted(clash)[0]))
    for named in (val_named or []) + (test_named or []):
        if named not in chip_regions | scene_regions:
            raise InputError(Message("region {named!r} is not in the data (regions: {chip_regions})", named=named,
                                     chip_regions=', '.join(sorted(chip_regions | scene_regions))))

    both = sorted(set(val_named or []) & set(test_named or []))
    if both:
        raise InputError(Message("region {both!r} cannot be in both validation and test", both=both[0]))
    if scene_sources and val_named is None:
        raise InputError(Message("name the validation regions (--val-regions): with scenes nothing is chosen "
                                 "automatically"))

    def named_in(named, source_regions):  # None: chosen automatically (chips only); a list: exactly these
        if named is None:
            return [] if scene_sources else None
        return [r for r in named if r in source_regions]

    split_of = {}
    for i in range(len(chip_sources)):
        own = {x.region for x in samples[i]}
        split_of[i] = split_by_region(samples[i], seed=config.seed, val_regions=named_in(val_named, own),
                                      test_regions=named_in(test_named, own))
    scene_split = {s.region: ("val" if s.region in (val_named or []) else
                              "test" if s.region in (test_named or []) else "train") for s in scene_sources}
    train_parts, val_sets = [], {}
    regions = {"train": set(), "val": set(), "test": set()}
    counts = {"train": 0, "val": 0, "test": 0}
    seed = config.seed
    for i, s in enumerate(chip_sources):
        parts = split_of[i]
        for split, items in parts.items():
            regions[split] |= {x.region for x in items}
            counts[split] += len(items)
        if parts["train"]:
            chips = ChipSet(parts["train"], card, True, crop if s.mosaic == 1 else None, seed + i,
                            config.colour_jitter, config.scale_jitter, config.copy_paste)
            train_parts.append((Mosaics(chips, s.mosaic, crop or 2 ** 30, seed + i) if s.mosaic > 1
                                else chips, s.weight))
        for region in sorted({x.region for x in parts["val"]}):
            val_sets[region] = ChipSet([x for x in parts["val"] if x.region == region], card, False, None, seed)
    for j, s in enumerate(scene_sources):
        split = scene_split[s.region]
        regions[split].add(s.region)
        if split == "test":
            continue
        side = crop if split == "train" else config.tile_size
        scene = LoadedScene(s, card, min_side=side, log=log)
        if split == "train":
            windows = SceneWindows(scene, card, crop, seed + 1000 + j, config.colour_jitter,
                                   min_length=config.batch_size)  # a small mapped area still gives a batch
            train_parts.append((windows, s.weight))
            counts["train"] += len(windows)
        else:
            val_sets[s.region] = SceneTiles(scene, card, config.tile_size)
            counts["val"] += len(val_sets[s.region])
    if not train_parts or not val_sets:
        raise InputError(Message("the split left no training or no validation data: add data or name --val-regions"))
    if widest > 1:
        train_parts = [(Coarsened(d, config.crop, widest, seed + 2000 + k), w) for k, (d, w) in enumerate(train_parts)]
    regions = {k: sorted(v) for k, v in regions.items()}
    log(Message("Split by region: train {train} chips/windows ({train_regions}); val {val} chips/windows "
                "({val_regions}); test {test} chips/windows ({test_regions})", train=counts["train"],
                train_regions=", ".join(regions["train"]), val=counts["val"], val_regions=", ".join(regions["val"]),
                test=counts["test"], test_regions=", ".join(regions["test"])))
    if len(train_parts) == 1 and _chip_set(train_parts[0][0]) is not None:
        train, item_weights = train_parts[0][0], None
    else:
        train = torch.utils.data.ConcatDataset([d for d, _ in train_parts])
        total = sum(w for _, w in train_parts)
        item_weights = np.concatenate([np.full(len(d), w / total / len(d)) for d, w in train_parts])
    description = "; ".join([f"chips {s.folder}" + (f" (mosaic {s.mosaic}x{s.mosaic})" if s.mosaic > 1 else "")
                             + (f" weight {s.weight:g}" if len(sources) > 1 else "") for s in chip_sources]
                            + [f"scene {s.region}: {Path(s.image).name}" + (" + DEM" if s.dem else "")
                               + f" weight {s.weight:g}" for s in scene_sources])
    return TrainingData(train, item_weights, val_sets, regions, counts, description)


def evaluate_regions(model, loaders: dict, device: str, threshold: float = 0.5) -> dict:
    """Validation metrics per region and their mean over regions (``iou`` = the mean landslide IoU: a model
    cannot win on one region alone); ``regions``: each region's metrics."""
    per = {r: evaluate_loader(model, loader, device, threshold, objects=False) for r, loader in loaders.items()}
    keys = ("precision", "recall", "f1", "iou", "accuracy")
    return {**{k: float(np.mean([m[k] for m in per.values()])) for k in keys}, "regions": per}


def _resize(image: np.ndarray, dem: np.ndarray | None, mask: np.ndarray, size: int):
    """Image and DEM bilinear (antialiased when shrinking), mask by thresholding its bilinear resize at 0.5."""
    def bilinear(a: np.ndarray) -> np.ndarray:
        t = torch.from_numpy(np.ascontiguousarray(a, np.float32))[None]
        return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False,
                             antialias=t.shape[-1] > size)[0].numpy()

    landslide = bilinear((mask == 1)[None])[0] > 0.5
    unmapped = bilinear((mask == IGNORE)[None])[0] > 0.5
    return (bilinear(image), bilinear(dem) if dem is not None else None,
            np.where(unmapped, IGNORE, landslide).astype(mask.dtype))


def _percentiles(image: np.ndarray, low: float = 2.0, high: float = 98.0) -> dict:
    flat = image.reshape(image.shape[0], -1).astype(np.float64)
    return {"low": np.percentile(flat, low, axis=1).tolist(), "high": np.percentile(flat, high, axis=1).tolist()}


def bce_dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """BCE + soft Dice over the mapped pixels only: a target of :data:`IGNORE` (not mapped) counts in neither, so
    a window wholly unmapped contributes nothing (its Dice term is left out of the batch mean)."""
    valid = (target <= 1).to(logits.dtype)
    t = target * valid
    n_valid = valid.sum()
    bce = (F.binary_cross_entropy_with_logits(logits, t, reduction="none") * valid).sum() / n_valid.clamp(min=1)
    p = torch.sigmoid(logits) * valid
    inter = (p * t).sum(dim=(1, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + t.sum(dim=(1, 2, 3)) + 1)
    mapped = valid.sum(dim=(1, 2, 3)) > 0
    dice_mean = (dice * mapped).sum() / mapped.sum().clamp(min=1)
    return bce + dice_mean


def _pad32(x: torch.Tensor) -> tuple[torch.Tensor, int, int]:
    h, w = x.shape[-2:]
    ph, pw = (-h) % 32, (-w) % 32
    return (F.pad(x, (0, pw, 0, ph), mode="reflect") if ph or pw else x), h, w


@torch.inference_mode()
def evaluate_loader(model, loader, device: str, threshold: float = 0.5, objects: bool = True) -> dict:
    model.eval()
    m = SegmentationMetrics()
    for x, y in loader:
        x, h, w = _pad32(x.to(device))
        prob = torch.sigmoid(model(x))[..., :h, :w].float().cpu().numpy()
        for p, t in zip(prob, y.numpy()):
            m.update(p[0] >= threshold, t[0] == 1, objects=objects, mapped=t[0] != IGNORE)
    return m.compute()


@dataclass
class TrainResult:
    best_path: Path
    best_epoch: int
    best_val_iou: float
    epochs_run: int
    seconds: float
    stopped: str
    splits: dict
    base_val_iou: float | None = None   # with ``init``: the base model's validation IoU (epoch 0, the score to beat)


def train(data: str | Path, out_dir: str | Path, config: TrainConfig,
          progress: Callable[[float, str], None] | None = None, log: Callable[[str], None] | None = None,
          is_cancelled: Callable[[], bool] | None = None, resume: bool = True) -> TrainResult:
    """Train ``config`` on the chip folder ``data`` into ``out_dir`` (see the module doc). A configuration that
    does not exist is refused before anything is made; a run that fails leaves no empty output folder."""
    try:
        get_config(config.arch, **config.overrides)
    except (ValueError, TypeError) as exc:
        raise InputError(str(exc)) from None
    from ..detection.options import check_outputs_are_not_inputs

    inputs = {"encoder weights file": str(config.encoder_weights)} if config.encoder_weights else {}
    if not isinstance(data, (list, tuple)):
        inputs["training data"] = str(data)
    check_outputs_are_not_inputs(inputs, {name: (str(Path(out_dir) / name), None)
                                          for name in ("best.safetensors", "last.pt", "metrics.csv")})
    with output_folder(out_dir, "training output folder") as out:
        return _train(data, out, config, progress, log, is_cancelled, resume)


def _train(data: str | Path, out: Path, config: TrainConfig, progress, log, is_cancelled,
           resume: bool) -> TrainResult:
    progress = progress or (lambda f, m: None)
    log = log or (lambda m: None)
    is_cancelled = is_cancelled or (lambda: False)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device

    sources = data_sources(data, config.mosaic)
    base_model = None
    if config.init is not None:  # the base model's architecture, scaling, resolution, DEM channels and tile
        base_model, card = initial_model(config.init, config.name, add_dem=config.add_dem)
        arch_cfg = card.config
        log(Message("Starting from {name} ({base})", name=Path(config.init).name,
                    base=card.training.get("base_model", {}).get("name")))
        if card.training["base_model"].get("dem_input_added"):
            log(Message("The base model reads no DEM: the new model also reads the DEM ({channels}), its weights on "
                        "them starting at zero, so it starts as the base model",
                        channels=", ".join(card.training["base_model"]["dem_input_added"])))
    else:
        arch_cfg = get_config(config.arch, **config.overrides)
        standardisation = {}
        if config.encoder_weights is not None:
            from ..model.pretrained import get_weights, is_named

            if is_named(config.encoder_weights):  # inputs standardised as in the pretraining
                weights = get_weights(config.encoder_weights)
                standardisation = {"mean": list(weights.mean), "std": list(weights.std)}
        card = default_card(config.name, arch_cfg, resolution_m=config.resolution_m, tile_size=config.tile_size,
                            overlap=config.overlap, optical_scaling={"method": config.scaling}, **standardisation)
    # the resolutions the model is trained across (a model it starts from was perhaps trained across others)
    card = dataclasses.replace(card, resolution_range_m=None if config.coarsest_m is None else
                               [card.resolution_m, max(card.resolution_m, config.coarsest_m)])
    data_sets = assemble(sources, card, config, log)
    regions, splits = data_sets.regions, data_sets.counts
    train_set, val_sets = data_sets.train, data_sets.val
    gen = torch.Generator().manual_seed(config.seed)
    sampler = None
    if config.positive_fraction is not None:
        chip_set = _chip_set(train_set)
        if chip_set is None:
            raise InputError(Message("positive_fraction is for training from one chip folder without mosaics; with "
                                     "scenes or several sources, set each source's weight"))
        positive = np.array([(m == 1).any() for _, _, m in chip_set.items])
        if positive.all() or not positive.any():
            raise InputError(Message("positive_fraction needs both landslide and background chips in the training "
                                     "split"))
        w = np.where(positive, config.positive_fraction / positive.sum(),
                     (1 - config.positive_fraction) / (~positive).sum())
        sampler = torch.utils.data.WeightedRandomSampler(torch.as_tensor(w, dtype=torch.double), len(train_set),
                                                         replacement=True, generator=gen)
    elif data_sets.weights is not None:
        sampler = torch.utils.data.WeightedRandomSampler(torch.as_tensor(data_sets.weights, dtype=torch.double),
                                                         len(train_set), replacement=True, generator=gen)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=config.batch_size, shuffle=sampler is None,
                                               sampler=sampler, drop_last=True, generator=gen)
    if len(train_loader) == 0:
        raise InputError(Message("the training split has {n_train_set} item(s), fewer than one batch of {batch_size}: "
                                 "add data or lower the batch size", n_train_set=len(train_set),
                                 batch_size=config.batch_size))
    val_loaders = {r: torch.utils.data.DataLoader(v, batch_size=8) for r, v in val_sets.items()}

    model = base_model if base_model is not None else build_model(arch_cfg, backbone_weights=config.encoder_weights)
    pretraining = encoder_pretraining(model, config.encoder_weights)
    if pretraining:
        log(Message("Encoder initialised from {weights} ({source})", weights=pretraining["weights"],
                    source=pretraining.get("source") or Message("local file")))
    model = model.to(device).to(memory_format=torch.channels_last)
    if config.layers == "decoder":
        from ..model.backbone import Backbone

        encoders = [m for m in model.modules() if isinstance(m, Backbone)]
        if not encoders:
            raise InputError(Message(
                "this architecture has no encoder (timm backbone) to keep fixed: train all layers"))
        for m in encoders:
            m.requires_grad_(False)
    optim = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=config.lr,
                             weight_decay=config.weight_decay)
    # With ema_decay, an exponential moving average of the weights is what is validated and saved; the optimiser
    # still steps the raw weights. BatchNorm statistics are not averaged (averaged statistics do not match averaged
    # weights): before each validation they are recomputed for the averaged weights on BN_BATCHES training batches.
    ema = (torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(
        config.ema_decay), use_buffers=False) if config.ema_decay > 0 else None)
    kept = ema.module if ema is not None else model
    start_epoch, best_iou, best_epoch, history, trained_s = 0, -1.0, -1, [], 0.0
    last_path, best_path = out / "last.pt", out / "best.safetensors"
    if resume and last_path.exists():
        try:
            state = torch.load(last_path, map_location=device, weights_only=True)
            model.load_state_dict(state["model"])
        except Exception as exc:  # noqa: BLE001 - pickled code (refused by weights_only), a damaged or foreign file
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            if "weights_only" in str(exc) or "Weights only load failed" in str(exc):
                first = "it holds Python objects that loading could run as code, which is never done"
            raise InputError(Message("cannot resume from {last_path}: {first}. Move it away (or start without "
                                     "resuming) to train from the start", last_path=last_path, first=first)) from None
        if ema is not None and "ema" in state:
            ema.load_state_dict(state["ema"])
        optim.load_state_dict(state["optimizer"])
        start_epoch, best_iou, best_epoch = int(state["epoch"]), float(state["best_iou"]), int(state["best_epoch"])
        history = json.loads(state["history"])
        trained_s = float(state.get("trained_s", 0.0))
        gen.manual_seed(config.seed + start_epoch)
        log(Message("Resumed from {last_path} at epoch {start_epoch} (best val IoU {best_iou:.4f})",
                    last_path=last_path, start_epoch=start_epoch, best_iou=best_iou))

    base_val = None

    def keep(val: dict, epoch_number: int) -> None:
        """The best so far: its card (recipe, data, validation) and weights into ``best.safetensors``."""
        card.training = {**card.training, "recipe": dataclasses.asdict(config), "data": data_sets.description,
                         "regions": regions, "chips": splits, "best_epoch": epoch_number, "pretraining": pretraining,
                         **({"base_validation": base_val} if base_val is not None else {})}
        card.metrics = {"validation": val}
        save_checkpoint(best_path, kept, card)

    if config.init is not None and start_epoch == 0:  # epoch 0: the base model, the score to beat
        base_val = evaluate_regions(model, val_loaders, device)
        best_iou, best_epoch = base_val["iou"], 0
        keep(base_val, 0)
        log(Message("epoch 0 (the base model): val IoU {best_iou:.4f}", best_iou=best_iou))
    amp = (torch.autocast("cuda", dtype=torch.float16) if device == "cuda" else
           torch.autocast("cpu", dtype=torch.bfloat16) if config.bf16 else None)
    scaler = torch.amp.GradScaler("cuda") if device == "cuda" else None
    t0 = time.perf_counter() - trained_s          # a resumed run keeps counting its earlier training time
    stopped, epoch = "max_epochs", start_epoch
    steps_per_epoch = len(train_loader)

    def set_lr(step_index: int) -> None:
        for group in optim.param_groups:
            group["lr"] = cosine_lr(config, step_index / (config.epochs * steps_per_epoch), time.perf_counter() - t0)
    total_steps = max(1, (config.epochs - start_epoch) * steps_per_epoch)
    epoch_times: list[float] = []
    try:
        for epoch in range(start_epoch, config.epochs):
            if config.time_budget_s and epoch_times and \
                    time.perf_counter() - t0 + max(epoch_times[-3:]) > config.time_budget_s:
                stopped = "time_budget"
                break
            te = time.perf_counter()
            model.train()
            if config.init is not None:
                freeze_batchnorm(model)
            losses = []
            for step, (x, y) in enumerate(train_loader):
                if is_cancelled():
                    raise CancelledError(Message("training cancelled"))
                x = x.to(device).contiguous(memory_format=torch.channels_last)
                y = y.to(device)
                optim.zero_grad(set_to_none=True)
                set_lr(epoch * steps_per_epoch + step)
                if amp is not None:
                    with amp:
                        logits = model(x)
                    loss = bce_dice_loss(logits.float(), y)
                else:
                    loss = bce_dice_loss(model(x), y)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.step(optim)
                    scaler.update()
                else:
                    loss.backward()
                    optim.step()
                if ema is not None:
                    ema.update_parameters(model)
                losses.append(float(loss.detach()))
                done = (epoch - start_epoch) * steps_per_epoch + step + 1
                elapsed = time.perf_counter() - t0
                spent = min(1.0, elapsed / config.time_budget_s) if config.time_budget_s else 0.0
                of = "" if config.time_budget_s else f"/{config.epochs}"  # with a budget, time bounds the run
                progress(max(done / total_steps, spent), Message("epoch {epoch}{of} step {step}/{steps_per_epoch} "
                                                                 "loss {loss:.4f}, {elapsed:.0f} s", epoch=epoch + 1,
                                                                 of=of, step=step + 1, steps_per_epoch=steps_per_epoch,
                                                                 loss=np.mean(losses[-20:]), elapsed=elapsed))
            if ema is not None and config.init is None:
                with amp or contextlib.nullcontext():
                    torch.optim.swa_utils.update_bn(itertools.islice(train_loader, BN_BATCHES), kept, device)
            val = evaluate_regions(kept, val_loaders, device)
            epoch_times.append(time.perf_counter() - te)
            row = {"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "lr": optim.param_groups[0]["lr"],
                   "seconds": round(epoch_times[-1], 2), **{f"val_{k}": v for k, v in val.items()
                                                             if k in ("iou", "f1", "precision", "recall")},
                   **({f"val_iou_{r}": m["iou"] for r, m in val["regions"].items()} if len(val_loaders) > 1 else {})}
            history.append(row)
            improved = val["iou"] > best_iou + config.min_delta
            if improved:
                best_iou, best_epoch = val["iou"], epoch + 1
                keep(val, best_epoch)
            log(Message("epoch {epoch}: loss {train_loss:.4f}, val IoU {iou:.4f} (best {best_iou:.4f} @ "
                        "{best_epoch}), {epoch_times:.0f} s", epoch=epoch + 1, train_loss=row['train_loss'],
                        iou=val['iou'], best_iou=best_iou, best_epoch=best_epoch, epoch_times=epoch_times[-1]))
            _write_csv(out / "metrics.csv", history)
            torch.save({"model": model.state_dict(), "optimizer": optim.state_dict(),
                        **({"ema": ema.state_dict()} if ema is not None else {}),
                        "trained_s": time.perf_counter() - t0, "epoch": epoch + 1, "best_iou": best_iou,
                        "best_epoch": best_epoch,
                        "history": json.dumps(history)}, last_path)
            if epoch + 1 >= config.warmup_epochs and epoch + 1 - best_epoch >= config.patience:
                stopped = "early_stopping"
                break
        else:
            epoch = config.epochs - 1
    except CancelledError:
        stopped = "cancelled"
        log(Message("Training cancelled: the best checkpoint so far is kept"))
    if best_epoch < 0:
        raise CancelledError(Message("training stopped before the first epoch finished; no model was saved"))
    if stopped != "cancelled":
        chosen = calibrate_threshold(best_path, val_sets, device, TTA_MODES if config.tta_thresholds else ("none",))
        log(Message("Decision threshold chosen on the validation split: {chosen:.2f}", chosen=chosen))
    return TrainResult(best_path, best_epoch, best_iou, len(history), time.perf_counter() - t0, stopped, splits,
                       base_val["iou"] if base_val is not None else None)


def initial_model(path: str | Path, name: str, add_dem: bool = False) -> tuple[torch.nn.Module, ModelCard]:
    """``(network with the base model's weights, train mode; the new model's card)`` for ``train --init``: the
    card keeps the base's architecture, scaling, standardisation, resolution, DEM channels and tile, and records
    the base (name, file, checksum, its own training data) under ``training.base_model``. A PyTorch model file
    (.safetensors or .pt) or an ONNX graph (the network rebuilt from it: ``model/from_onnx.py``). ``add_dem``: an
    RGB-only base gets a DEM input whose weights start at zero (``model/dem_input.py``), recorded as
    ``dem_input_added``."""
    from ..model.checkpoint import _sniff, load_checkpoint
    from ..model.pretrained import sha256_of

    path = Path(path)
    if _sniff(path) == "onnx":
        from ..model.from_onnx import network_from_onnx

        model, base_card = network_from_onnx(path)
    else:
        model, base_card = load_checkpoint(path)
    record = {"name": base_card.name, "file": path.name, "sha256": sha256_of(path),
              "data": base_card.training.get("data"), "regions": base_card.training.get("regions")}
    if add_dem and not base_card.uses_dem:
        from ..model.dem_input import with_dem_input

        model, base_card = with_dem_input(model, base_card)
        record["dem_input_added"] = [c["name"] for c in base_card.dem_channels]
    card = dataclasses.replace(base_card, name=name, metrics={}, training={"base_model": record})
    return model.train(), card


def freeze_batchnorm(model: torch.nn.Module) -> None:
    """Batch normalisations in eval mode: they keep the statistics of the model fine-tuning starts from (a small
    batch of one area would replace them with its own; a model rebuilt from ONNX holds its statistics folded into
    the convolutions, ``model/from_onnx.py``). Their weight and bias still train."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()


def encoder_pretraining(model: torch.nn.Module, spec: str | Path | None) -> dict | None:
    """What the model card records about the encoder's initialisation: the named weights' record (encoder,
    package, file checksum, licence, source), a local file's name and checksum, or None (random initialisation)."""
    if spec is None:
        return None
    from ..model.backbone import Backbone

    for module in model.modules():
        if isinstance(module, Backbone) and module.pretraining:
            return dict(module.pretraining)
    from ..model.pretrained import sha256_of

    return {"weights": Path(spec).name, "encoder": next((m.name for m in model.modules() if isinstance(m, Backbone)),
                                                        None),
            "sha256": sha256_of(spec), "source": "local weights file", "licence": "unknown (user-supplied file)"}


def cosine_lr(config: TrainConfig, epoch_fraction: float, elapsed_s: float) -> float:
    """Cosine annealing from ``config.lr`` towards zero over the run. The run's progress is the larger of the share
    of epochs done and, with a time budget, the share of the budget spent, so a run that the budget stops early
    still ends with a small learning rate (annealing over the nominal epochs would stop it at a high one)."""
    progress = epoch_fraction
    if config.time_budget_s:
        progress = max(progress, elapsed_s / config.time_budget_s)
    return config.lr * 0.5 * (1.0 + math.cos(math.pi * min(1.0, max(0.0, progress))))


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def choose_threshold(prob, truth) -> tuple[float, dict]:
    """The threshold of :data:`THRESHOLDS` with the best landslide IoU of ``prob`` against ``truth`` (uint8 0/1/
    ``IGNORE``; ties: the one nearest 0.5), and the sweep ``{"0.50": IoU, ...}``. Given lists (one array per
    region), the IoU is the mean over regions, as validation scores."""
    pairs = list(zip(prob, truth)) if isinstance(prob, list) else [(prob, truth)]
    sweep = {}
    for t in THRESHOLDS:
        ious = []
        for p, y in pairs:
            m = SegmentationMetrics()
            m.update(p >= t, y == 1, objects=False, mapped=y != IGNORE)
            ious.append(m.compute()["iou"])
        sweep[f"{t:.2f}"] = float(np.mean(ious))
    return float(max(sweep, key=lambda k: (sweep[k], -abs(float(k) - 0.5)))), sweep


def chip_probabilities(engine, chips, modes, batch: int = 8) -> tuple[dict, np.ndarray]:
    """``({mode: probabilities [N, H, W]}, masks [N, H, W] uint8 0/1/IGNORE)`` of every item of ``chips`` (a
    dataset of equal-sized chips or windows), inferred by ``engine`` (``detection/engines.py``) with each test-time
    augmentation mode in ``modes``."""
    from ..detection import tta as tta_mod

    probs: dict[str, list] = {m: [] for m in modes}
    truths = []
    for i in range(0, len(chips), batch):
        xs, ys = zip(*(chips[j] for j in range(i, min(i + batch, len(chips)))))
        x, h, w = _pad32(torch.stack(xs))
        for mode in modes:
            probs[mode].append(tta_mod.predict(engine.predict, x.numpy(), mode)[:, :h, :w])
        truths.append(torch.stack(ys).numpy()[:, 0].astype(np.uint8))
    return {m: np.concatenate(p) for m, p in probs.items()}, np.concatenate(truths)


def calibrate_threshold(model_path: Path, val_sets, device: str = "cpu", tta_modes: tuple = TTA_MODES) -> float:
    """Choose the decision threshold that maximises landslide IoU on the VALIDATION chips (never the test ones),
    plainly and for each test-time augmentation mode in ``tta_modes`` (``detection/tta.py``: averaged
    probabilities are less extreme, so their best threshold differs), and store them, with the sweeps, in the
    model file's card (a checkpoint, or an exported ONNX file). ``val_sets``: one dataset, or ``{region: dataset}``
    (the IoU is then the mean over regions). Returns the plain threshold."""
    from ..detection.engines import open_engine
    from ..model.checkpoint import load_checkpoint
    from ..model.export import replace_onnx_card

    modes = ["none", *(m for m in tta_modes if m != "none")]
    eng = open_engine(model_path, "auto", device)
    card = eng.card
    if not isinstance(val_sets, dict):
        val_sets = {"val": val_sets}
    per_region = [chip_probabilities(eng, v, modes) for v in val_sets.values()]
    truths = [t for _, t in per_region]
    sweeps, best = {}, {}
    for mode in modes:
        best[mode], sweeps[mode] = choose_threshold([p[mode] for p, _ in per_region], truths)
    card.threshold = best["none"]
    card.tta_thresholds = {m: best[m] for m in modes if m != "none"}
    card.metrics = {**card.metrics, "validation_threshold_sweep_iou": sweeps["none"],
                    "validation_threshold_sweep_iou_tta": {m: sweeps[m] for m in modes if m != "none"}}
    if str(model_path).lower().endswith(".onnx"):
        replace_onnx_card(model_path, card)
    else:
        model, _ = load_checkpoint(model_path, device="cpu")
        save_checkpoint(model_path, model, card)
    return best["none"]


def _write_csv(path: Path, rows: list[dict]) -> None:
    keys = list(rows[0])
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def evaluate_model(model_path: str | Path, data: str | Path, split: str = "test", seed: int = 0,
                   val_regions: list | None = None, test_regions: list | None = None,
                   threshold: float | None = None, engine: str = "auto", batch: int = 8,
                   optical_scaling: dict | None = None, tta: str = "none") -> dict:
    """Metrics of a model file (any engine) on one split of a chip folder (regions as in training), its chips
    inferred with test-time augmentation ``tta`` (``detection/tta.py``) at the card's threshold for it.
    ``optical_scaling``: feed the images scaled this way instead of as the card says (e.g. ``{"method": "divide",
    "value": 255}``, what the Deepness plugin does), to measure what a different scaling costs."""
    from ..detection import tta as tta_mod
    from ..detection.engines import open_engine
    from ..detection.options import Overrides, check_threshold, resolve_overrides

    if threshold is not None:  # checked before the model is loaded
        check_threshold(threshold)
    eng = tta_mod.wrap(open_engine(model_path, engine, "auto"), tta)
    card = eng.card if optical_scaling is None else dataclasses.replace(eng.card, optical_scaling=optical_scaling)
    samples = list_samples(data)
    if split == "all":
        chosen = samples
    else:
        chosen = split_by_region(samples, seed=seed, val_regions=val_regions, test_regions=test_regions)[split]
    if not chosen:
        raise InputError(Message("the {split} split is empty", split=split))
    ds = ChipSet(chosen, card, False, None, seed)
    thr = resolve_overrides(Overrides(threshold=threshold), card, tta).threshold  # detection's rule
    m = SegmentationMetrics()
    for i in range(0, len(ds), batch):
        xs, ys = zip(*(ds[j] for j in range(i, min(i + batch, len(ds)))))
        x, h, w = _pad32(torch.stack(xs))
        prob = eng.predict(x.numpy())[:, :h, :w]
        for p, y in zip(prob, ys):
            t = y[0].numpy()
            m.update(p >= thr, t == 1, mapped=t != IGNORE)
    result = m.compute()
    result.update({"model": str(model_path), "split": split, "chips": len(chosen), "threshold": thr, "tta": tta,
                   "regions": sorted({s.region for s in chosen})})
    return result


def metrics_markdown(result: dict) -> str:
    rows = [("Precision", "precision"), ("Accuracy", "accuracy"), ("Recall", "recall"), ("F1", "f1"),
            ("IoU (landslide)", "iou"), ("IoU (background)", "iou_background"), ("mIoU (both classes)", "miou"),
            ("Small-object recall (< 50x50 px)", "small_object_recall"),
            ("Larger-object recall", "large_object_recall")]
    lines = [f"# Evaluation of {Path(result['model']).name}", "",
             f"Split: {result['split']} ({result['chips']} chips; regions {', '.join(result['regions'])}); "
             f"threshold {result['threshold']}"
             + ("" if result.get("tta", "none") == "none" else f"; test-time augmentation {result['tta']}"),
             "", "| metric | value |", "|---|---|"]
    lines += [f"| {label} | {result[key]:.4f} |" for label, key in rows]
    lines += ["", f"Objects: {result['small_objects']} small, {result['large_objects']} larger.", ""]
    return "\n".join(lines)

