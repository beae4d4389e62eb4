"""Command line: ``python -m landslide_mapper <command> ...``. The same core functions as the QGIS algorithms.

Exit 0 on success; on bad input a non-zero exit (2) and one clear line on stderr.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence

from .detection.options import (
    AUTO_BATCH,
    DEVICES,
    ENGINES,
    MAX_PROCESSES_PER_CORE,
    PRODUCT_IMAGES,
    TTA_MODES,
    DetectOptions,
    Execution,
    Outputs,
    check_outputs_are_not_inputs,
)
from .errors import CancelledError, InputError, LandslideMapperError, user_message
from .model.card import TRAIN_SCALINGS
from .training import LAYERS
from .training.adapt import AdaptOptions


def _bands(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(b) for b in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"band numbers must look like 3,2,1, got {text!r}") from exc


class ProgressBar:
    """A one-line progress bar with ETA on stderr."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream, self.width, self.t0, self.last = stream, width, time.perf_counter(), -1.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.perf_counter()
        if fraction < 1.0 and now - self.last < 0.25:
            return
        self.last = now
        elapsed = now - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else float("nan")
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        eta_txt = f"ETA {eta:5.0f} s" if fraction < 1.0 and eta == eta else f"{elapsed:5.0f} s"
        end = "\n" if fraction >= 1.0 else ""
        self.stream.write(f"\r[{bar}] {100 * fraction:5.1f}% {eta_txt} {message[:40]:<40}{end}")
        self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m landslide_mapper",
                                     description="Landslide Mapper: FCA-DeepLab landslide detection")
    sub = parser.add_subparsers(dest="command", required=True)

    d = sub.add_parser("detect", help="detect landslides in an optical image (+ DEM) and write polygons")
    # every dest is a field of detection.options.DetectOptions (its groups' fields, and tta): the defaults, the
    # rules and the meaning of an option left out (None: the model's value, or automatic) live there
    ex = Execution()
    source = d.add_mutually_exclusive_group(required=True)
    source.add_argument("--optical", nargs="+", metavar="IMG",
                        help="one multi-band raster, or three single-band rasters on one grid (R G B order), or a "
                             "satellite product as delivered: a GF-1/2/6/7 Level-1A archive (.tar.gz), its folder or "
                             "its -PAN/-MUX .tiff, or any image with RPCs; it is orthorectified on the fly with --dem")
    source.add_argument("--scenes", nargs="+", metavar="SCENE",
                        help="several scenes (multi-band files, folders of them, or glob patterns): one layer per "
                             "scene and a merged layer with a 'scene' attribute, in one GeoPackage")
    d.add_argument("--dem", nargs="+", metavar="DEM",
                   help="DEM raster (any CRS/resolution); required when the model uses DEM channels; with --scenes "
                        "one DEM for all or one per scene, in order")
    d.add_argument("--workers", dest="processes", type=int,
                   help=f"Dask worker processes on this machine (default {ex.processes}: no Dask, this process only; "
                        f"at most {MAX_PROCESSES_PER_CORE} per core); one scene is cut into row partitions, one per "
                        "worker; with --scenes, one scene per task")
    d.add_argument("--scheduler", metavar="ADDRESS",
                   help="the address of an existing Dask scheduler (tcp://host:8786) to run on instead; its workers "
                        "need this package, the model file and the rasters at the same paths")
    d.add_argument("--partitions", type=int,
                   help="row partitions of one scene (default: one per worker process)")
    d.add_argument("--chip-threads", type=int,
                   help=f"threads reading and preparing chips in each process (default {ex.chip_threads})")
    d.add_argument("--model", help="model file (.onnx, .safetensors, .pt); default: the bundled model")
    d.add_argument("--output", required=True,
                   help="polygons: .gpkg, .geojson or .shp; an existing GeoPackage keeps its other layers (the "
                        "landslide layer is added, or replaces only the layer of the same name)")
    d.add_argument("--layer", help=f"layer name in the GeoPackage (default {Outputs('').layer}); ignored for "
                                   ".geojson and .shp")
    d.add_argument("--aoi", metavar="POLYGONS",
                   help="area of interest: a polygon file (any format and CRS; one layer of it as FILE:LAYER or "
                        "FILE|layername=LAYER); only the chips touching it are processed, pixels outside it are "
                        "nodata and polygons are cut to it")
    d.add_argument("--probability", help="also write the landslide probability raster (GeoTIFF, 0-1)")
    d.add_argument("--bands", type=_bands, help="1-based R,G,B band numbers (default 3,2,1 for 4+ bands, "
                   "else 1,2,3; GF-6 PMS: B1 blue, B2 green, B3 red, B4 NIR -> 3,2,1)")
    d.add_argument("--product-image", choices=PRODUCT_IMAGES,
                   help="which image of a satellite product is read (default pansharpened: the MUX bands sharpened "
                        "with the PAN band; mux: the multispectral image alone; pan: the panchromatic alone, grey)")
    d.add_argument("--tile", type=int, help="chip size in pixels (default: the model's)")
    d.add_argument("--overlap", type=int, help="chip overlap in pixels (default: the model's)")
    d.add_argument("--batch", type=int, help=f"chips per inference batch (default {ex.batch}: automatic, "
                   f"{AUTO_BATCH['cpu']} on the CPU, {AUTO_BATCH['cuda']} on a GPU)")
    d.add_argument("--engine", choices=ENGINES, help="default auto: ONNX Runtime for .onnx, PyTorch for checkpoints")
    d.add_argument("--device", choices=DEVICES, help="default auto: a CUDA GPU when one is usable")
    d.add_argument("--threshold", type=float, help="probability threshold 0-1 (default: the model's, for the "
                   "chosen --tta)")
    d.add_argument("--tta", choices=TTA_MODES,
                   help="test-time augmentation (default none): average each chip over 4 mirror images (flips) or "
                        "all 8 rotations and mirrors (d4); 4 or 8 times the inference, a few points of IoU more "
                        "(docs/results.md)")
    d.add_argument("--min-area", type=float,
                   help="drop landslides smaller than this (m2); default automatic: 25 pixels at the model's "
                        "resolution, and at least 4 pixels of the image")
    d.add_argument("--simplify", type=float,
                   help="simplification tolerance (m); 0 = none; default one pixel at the model's resolution")
    d.add_argument("--resolution", type=float, help="processing pixel size (m); default: the model's")
    d.add_argument("--quiet", action="store_true", help="no progress bar")

    g = sub.add_parser("prepare-scene", help="orthorectify (and pansharpen) a satellite product as delivered "
                                             "(GF-1/2/6/7 Level-1A) with a DEM into a Cloud-Optimized GeoTIFF")
    g.add_argument("--product", required=True,
                   help="the product: its .tar.gz (read in place), its folder, its -PAN/-MUX .tiff, or an image "
                        "with RPCs")
    g.add_argument("--dem", help="DEM (heights above the WGS 84 ellipsoid, or a CRS that states its vertical "
                                 "datum); without one the scene is placed at the RPCs' mean height, with a warning")
    g.add_argument("--output", required=True, help="the scene: a .tif (Cloud-Optimized GeoTIFF)")
    g.add_argument("--image", choices=PRODUCT_IMAGES, default=PRODUCT_IMAGES[0],
                   help="pansharpened (default), mux or pan")
    g.add_argument("--resolution", type=float, help="pixel size (m); default: the image's own")
    g.add_argument("--quiet", action="store_true", help="no progress bar")

    c = sub.add_parser("prepare-chips", help="training chips from an image, a DEM and a landslide inventory")
    c.add_argument("--optical", nargs="+", required=True, metavar="IMG")
    c.add_argument("--dem")
    c.add_argument("--inventory", required=True, help="polygon layer of mapped landslides (any CRS)")
    c.add_argument("--layer", help="layer of the inventory file (e.g. in a GeoPackage)")
    c.add_argument("--output", required=True, help="chip folder (images/, dems/, masks/, chips.json)")
    c.add_argument("--bands", type=_bands)
    c.add_argument("--chip-size", type=int, default=512)
    c.add_argument("--stride", type=int, help="pixels between chips (default: the chip size)")
    c.add_argument("--negative-ratio", type=float, default=1.0, help="background chips per landslide chip")
    c.add_argument("--resolution", type=float, help="chip pixel size in m (default: the image's)")
    c.add_argument("--region-field", default="region", help="inventory field naming the region of a landslide")
    c.add_argument("--seed", type=int, default=0)

    lm = sub.add_parser("import-labelme", help="LabelMe JSON annotations -> a chip folder")
    lm.add_argument("files", nargs="+")
    lm.add_argument("--output", required=True)
    lm.add_argument("--labels", nargs="*", help="labels that mean landslide (default: all)")
    lm.add_argument("--region", help="region of all these chips (default: from the file names)")

    t = sub.add_parser("train", help="train a model on a chip folder (images/, masks/, optional dems/)")
    t.add_argument("--data", required=True,
                   help="chip folder (prepare-chips output, or e.g. bijie-rgb), or a sources file (.json) listing "
                        "chip folders and whole scenes (image, mask, optional DEM, region, weight; see README)")
    t.add_argument("--out", required=True, help="output folder: best.safetensors, last.pt, metrics.csv")
    t.add_argument("--arch", default="fca_deeplab", help="registered configuration (see model/registry.py)")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="architecture override, JSON value (e.g. --set fusion='\"none\"' --set dem_channels=0)")
    t.add_argument("--rgb-only", action="store_true", help="shorthand for fusion none, dem_channels 0")
    for flag, typ, default, text in (
            ("--epochs", int, 500, "maximum epochs (paper 500)"), ("--batch", int, 4, "batch size (paper 4)"),
            ("--lr", float, 1e-4, "initial learning rate, cosine-annealed (paper 1e-4)"),
            ("--weight-decay", float, 1e-3, "Adam weight decay (paper 1e-3)"),
            ("--patience", int, 30, "early-stopping patience in epochs (paper 30)"),
            ("--min-delta", float, 1e-4, "minimum validation-IoU gain (paper 1e-4)"),
            ("--warmup", int, 50, "epochs before early stopping may act (paper 50)"),
            ("--crop", int, None, "random training crops in pixels (default: whole chips)"),
            ("--seed", int, 0, "random seed"), ("--time-budget", float, None, "stop after this many seconds"),
            ("--resolution", float, 2.0, "ground resolution of the chips in m (model card)"),
            ("--tile", int, 512, "recommended inference tile for the model card"),
            ("--name", str, "landslide_mapper_model", "model name in the card"),
            ("--positive-fraction", float, None, "sample chips so this share contains landslides"),
            ("--colour-jitter", float, 0.2, "colour augmentation: brightness, contrast, saturation in 1 +- this"),
            ("--scale-jitter", float, 0.0, "zoom augmentation (needs --crop): windows of crop x [1/(1+this), 1+this] "
                                           "resized to the crop; 0 = off"),
            ("--copy-paste", float, 0.0, "share of training chips that get the landslides of another training chip "
                                         "pasted over them (RGB-only models); 0 = off"),
            ("--mosaic", int, 1, "a chip folder given as --data: tile this many chips per side into each training "
                                 "window (2: 2x2), so landslides are not all centred; 1 = chips as they are"),
            ("--ema", float, 0.0, "validate and keep an exponential moving average of the weights with this decay "
                                  "per step (e.g. 0.999; 0 = off)"),
            ("--coarsest", float, None, "train across ground resolutions from the model's up to this pixel size in m "
                                        "(needs --crop; RGB-only models): each window averaged down to a pixel size "
                                        "drawn in that range; recorded in the card, and detection processes images "
                                        "within the range at their own resolution")):
        t.add_argument(flag, type=typ, default=default, help=text)
    t.add_argument("--scaling", choices=TRAIN_SCALINGS, default=TRAIN_SCALINGS[0],
                   help="optical scaling written into the model card: auto (8-bit / 255, other types: 2-98 %% "
                        "stretch of the scene) or percentile (a 2-98 %% stretch of every image, 8-bit too)")
    t.add_argument("--encoder-weights", metavar="NAME|PATH",
                   help="initialise the encoder from pretrained weights: a name (imagenet:efficientnet_lite0, "
                        "imagenet:efficientnet_lite1, imagenet:efficientnet_lite2, imagenet:mobilenetv2; the file "
                        "inside an installed package, see requirements/train.txt) or a local weights file; named "
                        "weights also set the card's standardisation to the pretraining's")
    t.add_argument("--init", metavar="MODEL",
                   help="start from a trained model (.safetensors, .pt, or an ONNX graph such as the bundled "
                        "resources/models/landslide_mapper_default.onnx, whose network is rebuilt from it): its "
                        "architecture, scaling, resolution and DEM channels are kept, batch-norm statistics stay "
                        "frozen, and the new card records it as the base")
    t.add_argument("--layers", choices=LAYERS, default=LAYERS[0],
                   help="which layers train: all, or the decoder only (the encoder keeps its weights; as in adapt)")
    t.add_argument("--add-dem", action="store_true",
                   help="with --init and an RGB-only model: the new model also reads the DEM (relative elevation and "
                        "slope), its weights on them starting at zero (as adapt does when given a DEM)")
    t.add_argument("--val-regions", nargs="*", help="regions (name prefixes) for validation")
    t.add_argument("--test-regions", nargs="*", help="regions held out for testing")
    t.add_argument("--bf16", action="store_true", help="bf16 autocast on the CPU (faster; CUDA uses fp16)")
    t.add_argument("--no-resume", action="store_true", help="ignore an existing last.pt")
    t.add_argument("--no-tta-thresholds", action="store_true",
                   help="choose only the plain decision threshold at the end, not those of the test-time "
                        "augmentation modes (which infer the validation data 12 more times)")
    t.add_argument("--quiet", action="store_true")

    a = sub.add_parser("adapt", help="fine-tune a model (default: the bundled one) on the landslides digitised in "
                                     "an area of an image; writes the adapted model (.safetensors)")
    a.add_argument("--image", required=True, help="the optical image (any input detect --optical takes)")
    a.add_argument("--landslides", required=True, help="landslide polygons (FILE, FILE:LAYER or FILE|layername=L)")
    a.add_argument("--mapped-area", help="polygons in which every landslide was digitised (default: the whole "
                                         "image); outside them nothing counts")
    a.add_argument("--dem", help="DEM (needed when the base model uses one)")
    a.add_argument("--base-model", help="the model to start from (default: the bundled one)")
    a.add_argument("--output", required=True, help="the adapted model (.safetensors)")
    defaults = AdaptOptions.__dataclass_fields__
    for flag, key, typ, text in (
            ("--minutes", "minutes", float, "time budget of the training"),
            ("--holdout", "holdout", float, "share of the mapped area held out at one end to check the adaptation"),
            ("--lr", "lr", float, "learning rate (cosine over the budget)"),
            ("--window", "window", int, "training window in pixels (default: the model's tile, at most 256)"),
            ("--batch", "batch_size", int, "windows per step"), ("--seed", "seed", int, "random seed")):
        a.add_argument(flag, type=typ, default=defaults[key].default, help=f"{text} (default {defaults[key].default})")
    a.add_argument("--layers", choices=LAYERS, default=defaults["layers"].default,
                   help="which layers train: all, or the decoder only (the encoder keeps its weights)")
    a.add_argument("--add-dem", action="store_true",
                   help="with --dem and a base model that reads no DEM: the adapted model also reads the DEM (its "
                        "weights on it start at zero)")
    a.add_argument("--quiet", action="store_true")

    v = sub.add_parser("evaluate", help="P, A, R, F1, IoU, mIoU and object recall of a model on a chip folder, "
                                        "or on a whole scene through detect (--scene, --mask)")
    v.add_argument("--model", required=True)
    what = v.add_mutually_exclusive_group(required=True)
    what.add_argument("--data", help="chip folder")
    what.add_argument("--scene", help="a whole scene (any image detect reads), detected as a user runs it and scored "
                                      "against --mask on its mapped pixels (0/1; 255 = not mapped)")
    v.add_argument("--mask", help="with --scene: the landslide mask (0 background, 1 landslide, 255 not mapped)")
    v.add_argument("--dem", help="with --scene: the DEM, for a model that uses one")
    v.add_argument("--split", default="test", choices=("train", "val", "test", "all"))
    v.add_argument("--val-regions", nargs="*")
    v.add_argument("--test-regions", nargs="*")
    v.add_argument("--seed", type=int, default=0)
    v.add_argument("--threshold", type=float, help="default: the model's, for the chosen --tta")
    v.add_argument("--tta", choices=TTA_MODES, default="none",
                   help="test-time augmentation: average each chip over 4 mirror images (flips) or all 8 rotations "
                        "and mirrors (d4); 4 or 8 times the inference, a few points of IoU more (docs/results.md)")
    v.add_argument("--engine", choices=ENGINES, default="auto")
    v.add_argument("--report", help="write JSON here and a Markdown report beside it (.md)")

    e = sub.add_parser("export-onnx", help="export a checkpoint (.safetensors/.pt) to ONNX, keeping its card")
    e.add_argument("checkpoint")
    e.add_argument("output")
    e.add_argument("--half-weights", action="store_true",
                   help="store large weight tensors as float16 (half the file; the arithmetic stays float32)")
    return parser


#: the detect parser's dests that are not detection options
NOT_OPTIONS = ("command", "quiet", "scenes")


def detect_options(args) -> DetectOptions:
    """The detect command's arguments as the one options object (options left out take its defaults)."""
    values = {k: v for k, v in vars(args).items() if k not in NOT_OPTIONS and v is not None}
    if args.scenes:
        values.update(optical=args.scenes, scenes=True)
    return DetectOptions.from_flat(**values)


def _detect(args) -> int:
    from .detection.dispatch import run_detection

    options = detect_options(args).validate()
    bar = None if args.quiet else ProgressBar()
    result = run_detection(options, progress=bar, log=lambda m: print(m, file=sys.stderr))
    print(result.summary())
    if not options.inputs.scenes:
        return 0
    for name, reason in result.failures.items():
        print(f"landslide_mapper: error: scene {name}: {reason}", file=sys.stderr)
    return 1 if result.failures else 0


def _prepare_scene(args) -> int:
    from .detection.products import write_scene

    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    scene = write_scene(args.product, args.dem, args.output, args.image, args.resolution,
                        progress=None if args.quiet else ProgressBar(), log=log)
    for warning in scene.warnings:
        log(f"Warning: {warning}")
    print(f"{scene.path}: {scene.bands} band(s) at {scene.resolution:g} m")
    return 0


def _prepare(args) -> int:
    from .training.chips import prepare_chips

    meta = prepare_chips(args.optical, args.inventory, args.output, dem=args.dem, bands=args.bands,
                         chip_size=args.chip_size, stride=args.stride, negative_ratio=args.negative_ratio,
                         resolution=args.resolution, region_field=args.region_field, layer=args.layer,
                         seed=args.seed, log=lambda m: print(m, file=sys.stderr))
    print(f"{len(meta['chips'])} chips -> {args.output}")
    return 0


def _labelme(args) -> int:
    from .training.chips import import_labelme

    meta = import_labelme(args.files, args.output, labels=args.labels, region=args.region)
    print(f"{len(meta['chips'])} chips -> {args.output}")
    return 0


def _train(args) -> int:
    import json

    from .training.train import TrainConfig, train

    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    if args.rgb_only:
        overrides.update(fusion="none", dem_channels=0)
    config = TrainConfig(arch=args.arch, overrides=overrides, epochs=args.epochs, batch_size=args.batch, lr=args.lr,
                         weight_decay=args.weight_decay, patience=args.patience, min_delta=args.min_delta,
                         warmup_epochs=args.warmup, crop=args.crop, seed=args.seed, val_regions=args.val_regions,
                         test_regions=args.test_regions, time_budget_s=args.time_budget, bf16=args.bf16,
                         resolution_m=args.resolution, tile_size=args.tile, name=args.name,
                         positive_fraction=args.positive_fraction, colour_jitter=args.colour_jitter,
                         scale_jitter=args.scale_jitter, coarsest_m=args.coarsest, copy_paste=args.copy_paste,
                         scaling=args.scaling,
                         ema_decay=args.ema, encoder_weights=args.encoder_weights, mosaic=args.mosaic,
                         tta_thresholds=not args.no_tta_thresholds, init=args.init,
                         layers=args.layers, add_dem=args.add_dem)
    result = train(args.data, args.out, config, progress=None if args.quiet else ProgressBar(),
                   log=lambda m: print(m, file=sys.stderr), resume=not args.no_resume)
    print(f"best validation IoU {result.best_val_iou:.4f} at epoch {result.best_epoch} of {result.epochs_run} "
          f"({result.stopped}, {result.seconds:.0f} s) -> {result.best_path}")
    return 0


def _evaluate(args) -> int:
    import json
    from pathlib import Path

    from .training.train import evaluate_model, metrics_markdown

    if args.report:
        report = Path(args.report)
        check_outputs_are_not_inputs(
            {k: v for k, v in (("model", args.model), ("chip folder", args.data), ("scene", args.scene),
                               ("mask", args.mask), ("DEM", args.dem)) if v},
            {"report": (str(report), None), "Markdown report": (str(report.with_suffix(".md")), None)})
    if args.scene is not None:
        from .training.scene_eval import evaluate_scene, scene_markdown

        if not args.mask:
            raise InputError("--scene needs --mask: the landslide mask to score against")
        result = evaluate_scene(args.model, args.scene, args.mask, args.dem, tta=args.tta,
                                threshold=args.threshold, engine=args.engine)
        markdown = scene_markdown(result)
    else:
        if args.mask or args.dem:
            raise InputError("--mask and --dem go with --scene (a chip folder holds its own masks and DEMs)")
        result = evaluate_model(args.model, args.data, args.split, args.seed, args.val_regions, args.test_regions,
                                args.threshold, args.engine, tta=args.tta)
        markdown = metrics_markdown(result)
    print(markdown)
    if args.report:
        report = Path(args.report)
        report.write_text(json.dumps(result, indent=2))
        report.with_suffix(".md").write_text(markdown)
    return 0


def _adapt(args) -> int:
    from .training.adapt import adapt

    options = AdaptOptions(image=args.image, landslides=args.landslides, output=args.output,
                           mapped_area=args.mapped_area, dem=args.dem, base_model=args.base_model,
                           minutes=args.minutes, holdout=args.holdout, lr=args.lr, layers=args.layers,
                           add_dem=args.add_dem, window=args.window, batch_size=args.batch, seed=args.seed)
    r = adapt(options, progress=None if args.quiet else ProgressBar(), log=lambda m: print(m, file=sys.stderr))
    print(f"held-out IoU {r.base_iou:.4f} (base) -> {r.adapted_iou:.4f} (adapted), {r.epochs} epochs, "
          f"{r.seconds:.0f} s -> {r.output}")
    return 0


def _export(args) -> int:
    from .model.checkpoint import load_checkpoint
    from .model.export import export_onnx

    check_outputs_are_not_inputs({"checkpoint": args.checkpoint}, {"ONNX output": (args.output, None)})
    model, card = load_checkpoint(args.checkpoint)
    path = export_onnx(model, card, args.output, half_weights=args.half_weights)
    print(f"exported {card.name} -> {path}")
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM (a batch system stopping the job, ``kill``): unwinds like Ctrl-C, so nothing is left written."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "detect":
            return _detect(args)
        if args.command == "export-onnx":
            return _export(args)
        if args.command == "prepare-scene":
            return _prepare_scene(args)
        if args.command == "prepare-chips":
            return _prepare(args)
        if args.command == "import-labelme":
            return _labelme(args)
        if args.command == "train":
            return _train(args)
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "adapt":
            return _adapt(args)
    except CancelledError as exc:
        print(f"\nlandslide_mapper: {exc}", file=sys.stderr)
        return 130
    except LandslideMapperError as exc:
        print(f"\nlandslide_mapper: error: {exc}", file=sys.stderr)
        return 2
    except Terminated:
        print("\nlandslide_mapper: terminated; no output was written", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("\nlandslide_mapper: interrupted; no output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback (unless asked for)
        import os
        import traceback

        sentence = user_message(exc)
        if os.environ.get("LANDSLIDE_MAPPER_DEBUG"):
            traceback.print_exc()
        if sentence is not None:
            print(f"\nlandslide_mapper: error: {sentence}", file=sys.stderr)
            return 2
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"\nlandslide_mapper: error: unexpected {type(exc).__name__}: {first} (set LANDSLIDE_MAPPER_DEBUG=1 "
              "for the details; no output was written)", file=sys.stderr)
        return 1
    return 1
