"""Training chips: reading, region-grouped splitting and augmentation.

Layout (what ``prepare_chips`` writes; also the layout of ``../shared/datasets/bijie-rgb``):
    images/<name>.tif|.png   R, G, B (uint8, or uint16 with the scaling the model card says)
    dems/<name>.tif          optional: elevation in metres on the same grid (absent for RGB-only data)
    masks/<name>.tif|.png    0 = background, 1 (or any non-zero) = landslide
    chips.json               optional: {"chips": [{"name": ..., "region": ...}, ...], ...}

Regions: a chip's ``region`` field in chips.json, else its name prefix (the letters before the first digit). For
the Bijie set the ``d*gf``/``d*pl``/``d*wv`` negative groups belong to the county in their middle (``dnygf`` ->
``ny``), so that a county's landslides and non-landslides stay in one split.

The split is 8:1:1 by default, grouped by region (no region in two splits), seeded; a region larger than a split's
share always stays in training. Augmentation (training only): 90-degree rotations and flips applied to image, DEM
and mask together, colour jitter (brightness, contrast, saturation) on the image only, and optionally scale
jitter (a random window zoomed in or out to the crop size; see ``train.ChipSet``). Pure: no QGIS.
"""

from __future__ import annotations

import json
import random
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from ..errors import InputError, Message

IMAGE_EXTS = (".tif", ".tiff", ".png", ".jpg", ".jpeg")
IGNORE = 255  # mask value: not mapped (a chip's nodata, a scene outside its mapped area)
COLOUR_JITTER = 0.2  # default colour augmentation: brightness, contrast, saturation factors drawn in 1 +- this
_BIJIE_NEGATIVE = re.compile(r"^d(df|hz|js|ny|qxg|qx|wn|zdf)(gf|pl|wv)$")


def region_of(name: str) -> str:
    prefix = re.match(r"^[A-Za-z_-]*", name).group(0).rstrip("_-") or name
    m = _BIJIE_NEGATIVE.match(prefix)
    if m:
        return m.group(1)
    return prefix


@dataclass(frozen=True)
class Sample:
    name: str
    region: str
    image: Path
    mask: Path
    dem: Path | None


def _index(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_EXTS}


def list_samples(root: str | Path) -> list[Sample]:
    root = Path(root)
    images, masks, dems = _index(root / "images"), _index(root / "masks"), _index(root / "dems")
    if not images:
        raise InputError(Message("no chips found: {root}/images/ is missing or empty", root=root))
    missing = sorted(set(images) - set(masks))
    if missing:
        raise InputError(Message("{n_missing} image(s) have no mask in {root}/masks/ (e.g. {missing})",
                                 n_missing=len(missing), root=root, missing=missing[0]))
    regions = {}
    meta = root / "chips.json"
    if meta.exists():
        for chip in json.loads(meta.read_text()).get("chips", []):
            if "region" in chip:
                regions[chip["name"]] = str(chip["region"])
    if dems and set(images) - set(dems):
        raise InputError(Message("{root}/dems/ exists but lacks some chips (e.g. {images})", root=root,
                                 images=sorted(set(images) - set(dems))[0]))
    return [Sample(n, regions.get(n, region_of(n)), images[n], masks[n], dems.get(n)) for n in images]


def split_by_region(samples: list[Sample], fractions=(0.8, 0.1, 0.1), seed: int = 0,
                    val_regions: list[str] | None = None, test_regions: list[str] | None = None
                    ) -> dict[str, list[Sample]]:
    """Train/val/test lists; no region in two of them."""
    if abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError("split fractions must sum to 1")
    by_region: dict[str, list[Sample]] = {}
    for s in samples:
        by_region.setdefault(s.region, []).append(s)
    known = set(by_region)
    for given in (val_regions or []) + (test_regions or []):
        if given not in known:
            raise InputError(Message("region {given!r} is not in the data (regions: {known})", given=given,
                                     known=', '.join(sorted(known))))
    assign: dict[str, str] = {}
    for r in test_regions or []:
        assign[r] = "test"
    for r in val_regions or []:
        if r in assign:
            raise InputError(Message("region {r!r} cannot be in both validation and test", r=r))
        assign[r] = "val"
    total = len(samples)
    free = sorted(r for r in by_region if r not in assign)
    random.Random(seed).shuffle(free)
    for split, frac, fixed in (("test", fractions[2], test_regions), ("val", fractions[1], val_regions)):
        if fixed is not None:  # named by the user (an empty list: none), so none is chosen automatically
            continue
        target, got = frac * total, 0
        for r in list(free):
            n = len(by_region[r])
            if got >= target:
                break
            if n > target * 1.5:  # too large for this split's share: stays in training
                continue
            assign[r] = split
            got += n
            free.remove(r)
    out = {"train": [], "val": [], "test": []}
    for r, items in by_region.items():
        out[assign.get(r, "train")].extend(items)
    return out


#: the last bytes of a complete file of these formats (GDAL reads a truncated PNG or JPEG without an error, the
#: missing rows as zeros)
_TRAILERS = {".png": b"IEND\xaeB`\x82", ".jpg": b"\xff\xd9", ".jpeg": b"\xff\xd9"}


def _read(path: Path) -> np.ndarray:
    trailer = _TRAILERS.get(path.suffix.lower())
    if trailer is not None:
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - 64))
            if trailer not in f.read():
                raise InputError(Message("cannot read the chip file {path}: it is damaged or truncated (no end of "
                                         "image)", path=path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        try:
            with rasterio.open(path) as src:
                return src.read()
        except rasterio.errors.RasterioError as exc:  # a truncated or damaged file: never used half-read
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(Message("cannot read the chip file {path}: it is damaged or truncated ({first})",
                                     path=path, first=first)) from None


def check_mask_values(mask: np.ndarray, where: str) -> np.ndarray:
    """A mask as ``uint8`` 0 (background), 1 (landslide), :data:`IGNORE` (not mapped); other values are refused."""
    values = np.unique(mask)
    odd = [int(v) for v in values if v not in (0, 1, IGNORE)]
    if odd:
        raise InputError(Message("{where} holds mask values other than 0 (background), 1 (landslide) and {IGNORE} "
                                 "(not mapped): {map}. Recode the masks to 0/1", where=where, IGNORE=IGNORE,
                                 map=', '.join(map(str, odd[:5]))))
    return mask.astype(np.uint8)


def load_sample(sample: Sample) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """``(image [3, h, w] raw, dem [1, h, w] metres or None, mask [h, w] uint8 0/1/IGNORE)``."""
    image = _read(sample.image)[:3]
    if image.shape[0] < 3:
        raise InputError(Message("{name} has fewer than 3 bands", name=sample.image.name))
    mask = check_mask_values(_read(sample.mask)[0], f"the mask of chip {sample.name}")
    dem = _read(sample.dem)[:1].astype(np.float32) if sample.dem is not None else None
    if mask.shape != image.shape[1:] or (dem is not None and dem.shape[1:] != image.shape[1:]):
        raise InputError(Message("chip {name}: image, DEM and mask sizes differ", name=sample.name))
    return image, dem, mask


def check_masks_mean_landslides(masks: list[np.ndarray], where: str) -> None:
    """Refuse a dataset whose masks hold 0 and 255 but never 1: that is a 0/255 landslide mask, where 255 would be
    read as "not mapped" and every landslide silently ignored."""
    if masks and not any((m == 1).any() for m in masks) and any((m == IGNORE).any() for m in masks):
        raise InputError(Message("the masks of {where} hold 0 and {IGNORE} but no 1: {IGNORE} means 'not mapped' "
                                 "here. If {IGNORE} means landslide in them, recode them to 0/1", where=where,
                                 IGNORE=IGNORE))


def flip_rotate(arrays: list[np.ndarray | None], rng: np.random.Generator) -> list[np.ndarray | None]:
    """One random 90-degree rotation and flip applied to every array alike (on their last two axes)."""
    k = int(rng.integers(4))
    flip = bool(rng.integers(2))

    def geo(a):
        axes = (a.ndim - 2, a.ndim - 1)
        a = np.rot90(a, k, axes=axes)
        return np.ascontiguousarray(np.flip(a, axis=axes[1]) if flip else a)

    return [geo(a) if a is not None else None for a in arrays]


def colour_jitter(image: np.ndarray, rng: np.random.Generator, jitter: float = COLOUR_JITTER) -> np.ndarray:
    """Brightness, contrast and saturation factors drawn in ``1 +- jitter`` on a 0-1 image ``[3, h, w]``."""
    if jitter <= 0:
        return image
    b = 1.0 + rng.uniform(-jitter, jitter)
    c = 1.0 + rng.uniform(-jitter, jitter)
    s = 1.0 + rng.uniform(-jitter, jitter)
    grey = image.mean(axis=0, keepdims=True)
    image = grey + (image - grey) * s
    image = (image - image.mean()) * c + image.mean()
    return np.ascontiguousarray(np.clip(image * b, 0.0, 1.0))


def augment(image: np.ndarray, dem: np.ndarray | None, mask: np.ndarray, rng: np.random.Generator,
            jitter: float = COLOUR_JITTER):
    """Random 90-degree rotation and flips (all three arrays together); colour jitter on the image (0-1 floats)."""
    image, dem, mask = flip_rotate([image, dem, mask], rng)
    return colour_jitter(image, rng, jitter), dem, mask


def copy_paste(image: np.ndarray, mask: np.ndarray, donor_image: np.ndarray, donor_mask: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Simple Copy-Paste (Ghiasi et al., CVPR 2021) for segmentation: the landslide pixels of a donor chip, from a
    random window of the image's size, randomly flipped, are pasted over the image, and the mask becomes the union.
    Images are scaled 0-1 floats ``[3, h, w]``; a donor smaller than the image leaves it unchanged."""
    h, w = mask.shape
    dh, dw = donor_mask.shape
    if dh < h or dw < w:
        return image, mask
    r, c = int(rng.integers(0, dh - h + 1)), int(rng.integers(0, dw - w + 1))
    d_img, d_mask = donor_image[:, r:r + h, c:c + w], donor_mask[r:r + h, c:c + w]
    for axis in (0, 1):
        if rng.integers(2):
            d_img, d_mask = np.flip(d_img, axis=axis + 1), np.flip(d_mask, axis=axis)
    paste = d_mask == 1
    return np.where(paste[None], d_img, image), np.where(paste, np.uint8(1), mask).astype(mask.dtype)


def random_crop(arrays: list[np.ndarray | None], size: int, rng: np.random.Generator) -> list[np.ndarray | None]:
    h, w = arrays[-1].shape[-2:]
    if size >= h and size >= w:
        return arrays
    r, c = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    return [a[..., r:r + size, c:c + size] if a is not None else None for a in arrays]


def scaled_window(size: int, chip: int, jitter: float, rng: np.random.Generator) -> int:
    """Side of the window to crop before resizing it to ``size``: ``size`` times a factor drawn log-uniformly in
    ``[1 / (1 + jitter), 1 + jitter]`` (zooming in or out), at most the chip's side. 0 = no scale change: ``size``
    itself (a chip smaller than that is then used whole, at its own size, as ``random_crop`` does)."""
    if jitter <= 0:
        return size
    factor = float(np.exp(rng.uniform(-np.log1p(jitter), np.log1p(jitter))))
    return int(min(chip, max(8, round(size * factor))))
