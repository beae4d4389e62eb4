"""Processing algorithm ``landslide_mapper:adapt_model``: a thin adapter over
``landslide_mapper.training.adapt.adapt`` (the parameters map one to one onto ``AdaptOptions``).

The image and the DEM must be file-backed rasters (``layer_sources.raster_file_source``); the landslide polygons
and the mapped area may be any polygon source ("selected features only" is honoured: a copy in a temporary
GeoPackage). Optionally the adapted model then detects landslides over the whole image (the detection algorithm
as a child algorithm), so a graphical model "digitise, adapt, detect" is one step. Cancel: the training stops
after the current step; the best model so far is written if it beats the base model, else nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
    QgsProcessingUtils,
)

from ...training import LAYERS as CORE_LAYERS
from ...training.adapt import AdaptOptions
from .base import LandslideMapperAlgorithm
from .core_tasks import run_core_task
from .layer_sources import optical_and_dem_files, polygon_source
from .parameters import is_unset, optional_int
from .qgis_compat import NUMBER_DOUBLE, NUMBER_INTEGER, PARAMETER_ADVANCED, SOURCE_POLYGON, tr

#: the core's choices and defaults (``training/__init__.py`` and ``training/adapt.py`` import no third-party package
#: at module level, so the provider still loads without them): the layers that train, and the defaults of
#: ``AdaptOptions`` the dialog shows
LAYERS = list(CORE_LAYERS)
DEFAULTS = {k: AdaptOptions.__dataclass_fields__[k].default
            for k in ("minutes", "holdout", "lr", "batch_size", "seed", "add_dem")}


CURVE = Path(__file__).resolve().parents[2] / "resources" / "adapt_curve.json"


def curve_help() -> str:
    """The measured learning curve (``resources/adapt_curve.json``, written by ``benchmarks/adapt_curve.py
    --publish``) as the help's paragraph: per number of landslides, the range over the budgets measured."""
    try:
        doc = json.loads(CURVE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return tr("<p>(The measured learning curve is missing from this installation.)</p>")
    parts = []
    for train in sorted({r["train"] for r in doc["runs"]}):
        runs = [r for r in doc["runs"] if r["train"] == train]
        other = runs[0]["scored_on"]
        items = []
        for given in sorted({r["polygons"] for r in runs}):
            same = [r for r in runs if r["polygons"] == given]
            scores = sorted(r["iou"] for r in same)
            items.append(tr("{n} landslides: {iou} ({minutes} min)").format(
                n=tr("all {k}").format(k=given) if same[0]["landslides"] == "all" else given,
                iou=f"{scores[0]:.2f}" if len(scores) == 1 else f"{scores[0]:.2f}-{scores[-1]:.2f}",
                minutes="/".join(f"{m:g}" for m in sorted({r["minutes"] for r in same}))))
        parts.append(tr("adapted on area {a} and scored on the whole of area {b}, which it never saw (the bundled "
                        "model: {base:.2f}): {items}").format(a=train, b=other, base=doc["base"].get(other, 0.0),
                                                             items="; ".join(items)))
    return tr("<p>Measured on the Jinsha River valley (0.5 m imagery, landslide IoU through 'Detect landslides', "
              "on a 2-core CPU): {parts}. Ten well-spread landslides with a mapped area around them are a good "
              "start; a mapped area with varied ground (slopes, rivers, fields, roads) teaches the model what is "
              "not a landslide. The held-out IoU in the log is measured in your own area, next to where the model "
              "trained: expect less farther away.</p>").format(parts="; ".join(parts))


class AdaptModelAlgorithm(LandslideMapperAlgorithm):
    """Fine-tune a model on the landslides digitised in an area of an image."""

    NAME = "adapt_model"
    DISPLAY_NAME = "Adapt a model to an area"
    GROUP = "Training"
    GROUP_ID = "training"
    TAGS = "landslide,training,fine-tuning,adaptation,inventory,digitise,model"

    OPTICAL = "OPTICAL"
    DEM = "DEM"
    LANDSLIDES = "LANDSLIDES"
    MAPPED_AREA = "MAPPED_AREA"
    MAPPED_EXTENT = "MAPPED_EXTENT"
    BASE_MODEL = "BASE_MODEL"
    MINUTES = "MINUTES"
    HOLDOUT = "HOLDOUT"
    LEARNING_RATE = "LEARNING_RATE"
    LAYERS = "LAYERS"
    ADD_DEM = "ADD_DEM"
    WINDOW = "WINDOW"
    SEED = "SEED"
    OUTPUT = "OUTPUT"
    DETECTIONS = "DETECTIONS"
    BASE_IOU = "BASE_IOU"
    ADAPTED_IOU = "ADAPTED_IOU"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Fine-tunes a model (by default the bundled one) on landslides you digitised in your area.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>No model is right everywhere. Digitise landslides in part of your image, draw the area in which "
            "you digitised <b>every</b> landslide, and this algorithm fine-tunes the model to your area in "
            "minutes on an ordinary CPU. Then run 'Detect landslides' with the adapted model (or give the "
            "optional output 'Then detect landslides over the whole image').</p>"
            "<h3>Inputs</h3>"
            "<p><b>Optical image</b> and <b>DEM</b> (needed if the base model uses one, or to let the adapted "
            "model read it: advanced): as for 'Detect landslides'. <b>Landslides</b>: your polygons, in any CRS "
            "(reprojected); 'Selected features only' is honoured. <b>Mapped area</b>: polygons in which every "
            "landslide has been digitised, or an "
            "<b>extent</b>; inside it, everything outside a landslide polygon is taken as ground without "
            "landslides; outside it, nothing counts. Empty: the whole image (then every landslide of the image "
            "must be digitised). Landslides outside the mapped area or the image are left out with a warning. "
            "<b>Base model</b>: empty = the bundled model; or a .safetensors or .onnx model file. <b>Time "
            "budget</b> (minutes, default 10): training stops when the next epoch would not fit, or earlier "
            "when 25 epochs bring no gain.</p>"
            "<h3>How many landslides are enough</h3>"
            "{curve}"
            "<h3>The evidence</h3>"
            "<p>A quarter of the mapped area (<b>held-out share</b>), at one end, is held out: the model never "
            "trains on its labels. The log reports the landslide IoU on it before (the base model) and after "
            "adaptation (outputs BASE_IOU, ADAPTED_IOU). If adaptation did not beat the base model there, the "
            "model written has the base model's weights, and a warning says so.</p>"
            "<h3>Advanced</h3>"
            "<p><b>Learning rate</b> (default 1e-4, cosine-annealed over the budget), <b>layers</b> (all, or the "
            "decoder only: the encoder keeps its weights), <b>let the adapted model read the DEM</b> (a base "
            "model without a DEM input gets one, relative elevation and slope, whose weights start at zero; the "
            "adapted model then needs the DEM to detect; on Jinsha, in 5 minutes, its gain stayed within the spread "
            "between runs), "
            "<b>training window</b> "
            "(pixels; empty = the model's tile, at most 256; on Jinsha the whole 512 px tile scored within the "
            "spread between runs of 256), <b>seed</b>. Batch-norm statistics stay those of "
            "the base model. Augmentation: rotations, flips and colour jitter.</p>"
            "<p>Cancel stops after the current step: the best model so far is written if it beats the base "
            "model, else nothing is written. No network is needed, and no GPU (one is used when PyTorch can).</p>"
        ).format(curve=curve_help())

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.OPTICAL, self.tr("Optical image")))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.DEM, self.tr("DEM (elevation in metres; if the base model uses one)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.LANDSLIDES, self.tr("Landslides you digitised (polygons)"), [SOURCE_POLYGON]))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.MAPPED_AREA, self.tr("Mapped area: polygons in which every landslide was digitised (empty = the "
                                      "extent below, or the whole image)"), [SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterExtent(
            self.MAPPED_EXTENT, self.tr("Mapped area: extent (instead of polygons)"), optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.BASE_MODEL, self.tr("Base model (empty = the bundled model)"), optional=True,
            fileFilter=self.tr("Model files (*.onnx *.safetensors *.pt *.pth)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.MINUTES, self.tr("Time budget in minutes"), NUMBER_DOUBLE, defaultValue=DEFAULTS["minutes"],
            minValue=0.01))
        advanced = [
            QgsProcessingParameterNumber(self.HOLDOUT, self.tr("Held-out share of the mapped area"), NUMBER_DOUBLE,
                                         defaultValue=DEFAULTS["holdout"], minValue=0.05, maxValue=0.5),
            QgsProcessingParameterNumber(self.LEARNING_RATE, self.tr("Learning rate"), NUMBER_DOUBLE,
                                         defaultValue=DEFAULTS["lr"], minValue=0.0),
            QgsProcessingParameterEnum(self.LAYERS, self.tr("Layers that train"), LAYERS, defaultValue=LAYERS[0],
                                       usesStaticStrings=True),
            QgsProcessingParameterBoolean(self.ADD_DEM, self.tr("Let the adapted model read the DEM (when the base "
                                                                "model reads none)"),
                                          defaultValue=DEFAULTS["add_dem"]),
            QgsProcessingParameterNumber(self.WINDOW, self.tr("Training window in pixels (empty = the model's "
                                                              "tile, at most 256)"), NUMBER_INTEGER, optional=True,
                                         minValue=0),
            QgsProcessingParameterNumber(self.SEED, self.tr("Seed"), NUMBER_INTEGER, defaultValue=DEFAULTS["seed"],
                                         minValue=0),
        ]
        for param in advanced:
            if param.name() == self.LEARNING_RATE:
                param.setMetadata({"widget_wrapper": {"decimals": 6}})
            param.setFlags(param.flags() | PARAMETER_ADVANCED)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Adapted model"), self.tr("Model files (*.safetensors)")))
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.DETECTIONS, self.tr("Then detect landslides over the whole image with the adapted model (optional)"),
            optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.BASE_IOU, self.tr("Held-out IoU of the base model")))
        self.addOutput(QgsProcessingOutputNumber(self.ADAPTED_IOU, self.tr("Held-out IoU of the adapted model")))

    def _mapped_area(self, parameters, context, feedback, workdir: Path, crs) -> str | None:
        """The mapped area as a source fiona reads: the polygons, else the extent as one polygon, else None."""
        if not is_unset(parameters.get(self.MAPPED_AREA)):
            return polygon_source(self, parameters, self.MAPPED_AREA, context, feedback, workdir, "mapped_area")
        if is_unset(parameters.get(self.MAPPED_EXTENT)):
            return None
        from qgis.core import QgsFeature, QgsFields, QgsGeometry, QgsVectorFileWriter, QgsWkbTypes

        rect = self.parameterAsExtent(parameters, self.MAPPED_EXTENT, context, crs)
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", "mapped_area"
        path = str(workdir / "mapped_extent.gpkg")
        writer = QgsVectorFileWriter.create(path, QgsFields(), QgsWkbTypes.Polygon, crs, context.transformContext(),
                                            options)
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromRect(rect))
        writer.addFeature(feature)
        del writer
        return f"{path}|layername=mapped_area"

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        optical, image, dem = optical_and_dem_files(self, parameters, self.OPTICAL, self.DEM, context)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if not output:
            raise QgsProcessingException(self.tr("No output model file was given."))
        workdir = Path(tempfile.mkdtemp(prefix="landslide-mapper-adapt-", dir=QgsProcessingUtils.tempFolder()))
        try:
            options = {
                "image": image,
                "landslides": polygon_source(self, parameters, self.LANDSLIDES, context, feedback, workdir,
                                             "landslides"),
                "mapped_area": self._mapped_area(parameters, context, feedback, workdir, optical.crs()),
                "dem": dem,
                "base_model": self.parameterAsFile(parameters, self.BASE_MODEL, context) or None,
                "output": output,
                "minutes": self.parameterAsDouble(parameters, self.MINUTES, context),
                "holdout": self.parameterAsDouble(parameters, self.HOLDOUT, context),
                "lr": self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
                "layers": self.parameterAsEnumString(parameters, self.LAYERS, context) or LAYERS[0],
                "add_dem": self.parameterAsBoolean(parameters, self.ADD_DEM, context),
                "window": optional_int(self, parameters, self.WINDOW, context) or None,
                "seed": self.parameterAsInt(parameters, self.SEED, context),
            }
            result = run_core_task("adapt", feedback, eta=self.tr("at most"), options=options)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if result is None:  # cancelled before anything beat the base model (run_core_task said so)
            return {}
        feedback.pushInfo(self.tr(
            "Held-out landslide IoU: {base:.3f} with the base model, {adapted:.3f} adapted ({epochs} epochs, "
            "{seconds:.0f} s); landslides: {train} for training, {held} held out").format(
            base=result["base_iou"], adapted=result["adapted_iou"], epochs=result["epochs"],
            seconds=result["seconds"], train=result["landslides"].get("training", 0),
            held=result["landslides"].get("held_out", 0)))
        feedback.pushInfo(self.tr("Adapted model: {path}").format(path=result["output"]))
        outputs = {self.OUTPUT: str(result["output"]), self.BASE_IOU: float(result["base_iou"]),
                   self.ADAPTED_IOU: float(result["adapted_iou"])}
        destination = parameters.get(self.DETECTIONS)
        if not is_unset(destination):
            import processing

            feedback.pushInfo(self.tr("Detecting landslides over the whole image with the adapted model"))
            detected = processing.run("landslide_mapper:detect_landslides", {
                "OPTICAL": parameters[self.OPTICAL], "DEM": parameters.get(self.DEM), "MODEL": str(result["output"]),
                "OUTPUT": destination}, context=context, feedback=feedback, is_child_algorithm=True)
            outputs[self.DETECTIONS] = detected["OUTPUT"]
        return outputs
