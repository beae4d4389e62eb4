"""Processing algorithm ``landslide_mapper:detect_landslides``: a thin adapter that turns its parameters into one
``detection.options.DetectOptions`` (an empty field is None: the model's value, or automatic) and runs it through
``detection.dispatch.run_detection``, as the command line does (:meth:`DetectLandslidesAlgorithm.detect_options`).

The pipeline (and with it numpy, rasterio, torch, onnxruntime) is imported inside ``processAlgorithm`` only, so
the provider loads without them; a missing package becomes a message pointing to the plugin's "Environment and
GPU…" dialog. The pipeline writes a temporary GeoPackage whose features are copied into the Processing sink, so
every destination QGIS offers (memory layer, any vector file format, a database table) works unchanged in the
dialog, batch mode, the graphical modeler and ``qgis_process``. No iface, canvas or project access: the
algorithm runs off the GUI thread.

Inside the QGIS programs on Linux the pipeline runs in a separate Python process (``worker.py``; why:
``native_libraries.py``), with the same progress, messages, cancel and errors.
"""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import tempfile
from pathlib import Path

from qgis.core import (
    QgsFeature,
    QgsFields,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBand,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
    QgsProperty,
    QgsRectangle,
    QgsVectorLayer,
)

from ...detection.options import (
    AUTO_BATCH,
    Cleanup,
    DetectOptions,
    Execution,
    Inputs,
    ModelChoice,
    Outputs,
    Overrides,
    max_processes,
    resolve_overrides,
)
from .area_sources import (
    area_of_interest,
    box_in,
    is_colour_image,
    is_web,
    native_resolution_m,
    render_layer,
    units_per_metre,
)
from .base import LandslideMapperAlgorithm
from .core_tasks import run_core_task
from .layer_sources import file_source_or_none
from .parameters import (
    DOCTOR,
    PRODUCT_FILTER,
    device_choices,
    engine_choices,
    is_unset,
    optional_double,
    optional_int,
    product_image_choices,
    tta_choices,
)
from .qgis_compat import (
    FILE_BEHAVIOR_FILE,
    NUMBER_DOUBLE,
    NUMBER_INTEGER,
    PARAMETER_ADVANCED,
    SINK_FAST_INSERT,
    SOURCE_POLYGON,
    WKB_POLYGON,
    tr,
    translated,
)

PLUGIN_DIR = Path(__file__).resolve().parents[2]
BUNDLED_MODEL = PLUGIN_DIR / "resources" / "models" / "landslide_mapper_default.onnx"
STYLE_LANDSLIDES = PLUGIN_DIR / "resources" / "landslides.qml"
STYLE_PROBABILITY = PLUGIN_DIR / "resources" / "landslide_probability.qml"
LAYER_NAME = "Landslides"
PIPELINE_LAYER = "landslides"  # the GeoPackage layer the pipeline writes (detection/vectorize.py: LAYER)
PROBABILITY_LAYER_NAME = "Landslide probability"

#: Post-processors must outlive processAlgorithm (QGIS holds only a C++ pointer): kept here until QGIS has used and
#: deleted them (the layer's details own theirs: one per run, never reused)
_POST_PROCESSORS: list[QgsProcessingLayerPostProcessorInterface] = []


class StyleLayer(QgsProcessingLayerPostProcessorInterface):
    """Applies a ``.qml`` style and a layer name when Processing loads an output layer (GUI thread)."""

    def __init__(self, style: Path, name: str):
        super().__init__()
        self.style = Path(style)
        self.name = name

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if layer is None:
            return
        layer.setName(self.name)
        if self.style.is_file():
            message, ok = layer.loadNamedStyle(str(self.style))
            if not ok:
                feedback.reportError(tr("Could not apply the style {style}: {message}").format(
                    style=self.style.name, message=message), False)
        layer.triggerRepaint()

    @classmethod
    def kept(cls, style: Path, name: str) -> StyleLayer:
        """A new post-processor for one output of one run, referenced until QGIS has deleted it (a shared one
        would be deleted with the first run's layer details: the second run in a QGIS session then failed)."""
        from qgis.PyQt import sip

        _POST_PROCESSORS[:] = [p for p in _POST_PROCESSORS if not sip.isdeleted(p)]
        processor = cls(style, name)
        _POST_PROCESSORS.append(processor)
        return processor


@functools.lru_cache(maxsize=1)
def bundled_card():
    """The bundled model's card, from the copy beside the model file (no onnx or torch import), or None."""
    from landslide_mapper.model.card import read_sidecar

    return read_sidecar(BUNDLED_MODEL)


def model_card(model: str | None):
    """A model file's card, read without ONNX Runtime or torch (the bundled model's when ``model`` is empty): a card
    beside the file, the JSON header of a .safetensors file, or an .onnx file's metadata (when the onnx package is
    there); None when it cannot be read here."""
    import json

    from landslide_mapper.model.card import ModelCard, read_sidecar

    if not model:
        return bundled_card()
    card = read_sidecar(model)
    if card is not None:
        return card
    key = "landslide_mapper_card"  # model/checkpoint.py: CARD_KEY
    try:
        if str(model).lower().endswith(".safetensors"):
            with open(model, "rb") as f:
                size = int.from_bytes(f.read(8), "little")
                meta = json.loads(f.read(size)).get("__metadata__", {}) if size < 1 << 26 else {}
        elif str(model).lower().endswith(".onnx"):
            import onnx

            meta = {p.key: p.value for p in onnx.load(str(model), load_external_data=False).metadata_props}
        else:
            return None
        return ModelCard.from_json(meta[key]) if key in meta else None
    except (ImportError, OSError, ValueError, KeyError, TypeError):
        return None


def _first_sentence(text: str) -> str:
    """The first sentence of a card's description, without its parenthetical details."""
    first = re.sub(r"\s*\([^()]*\)", "", text.split(". ")[0]).strip().rstrip(".")
    return first + "." if first else ""


def bundled_model_help() -> str:
    """What the bundled model is and how well it did, in the words of its card (the help text's first section)."""
    card = bundled_card()
    if card is None:
        return tr("<p>No model is bundled with this installation: choose a model file.</p>")
    esc = html.escape
    test = next((v for k, v in card.metrics.items() if k.startswith("test") and isinstance(v, dict)), None)
    figures = ""
    if test and "iou" in test:
        region = ", ".join(test.get("regions", [])) or tr("held-out area")
        figures = tr(" On held-out test data ({region}) it finds {recall:.0%} of the landslide area (recall), "
                     "{precision:.0%} of what it marks is landslide (precision): landslide IoU {iou:.2f}. Treat "
                     "its polygons as candidates for a geologist to check.").format(
            region=esc(region), recall=test.get("recall", 0.0), precision=test.get("precision", 0.0),
            iou=test["iou"])
    dem = (tr("It uses the DEM as input ({channels}).").format(
        channels=", ".join(c.get("name", "?") for c in card.dem_channels)) if card.uses_dem else
        tr("It uses the image only: the DEM is optional and adds slope and elevation to each landslide."))
    return tr("<h3>The bundled model</h3><p>{description} {dem} Pixel size {res:g} m, tiles of {tile} px "
              "overlapping by {overlap} px, threshold {threshold:g}.{figures}</p>").format(
        description=esc(_first_sentence(card.description)), dem=dem, res=card.resolution_m,
        tile=card.tile_size, overlap=card.overlap, threshold=card.threshold, figures=figures)


def tta_figures_help() -> str:
    """The bundled model's landslide IoU on its held-out test data plainly and with each test-time augmentation,
    with the threshold used for each, from its card (" (bundled model, ny: 0.570 plain at threshold 0.7, ...)")."""
    card = bundled_card()
    if card is None:
        return ""
    test = next(((k, v) for k, v in card.metrics.items() if k.startswith("test") and isinstance(v, dict)), None)
    tta = card.metrics.get("test_time_augmentation") or {}
    if test is None or "iou" not in test[1]:
        return ""
    key, plain = test
    region = ", ".join(plain.get("regions", [])) or tr("held-out area")
    words = {"flips": tr("with flips"), "d4": tr("with all 8")}
    parts = [tr("{iou:.3f} plain (threshold {t:g})").format(iou=plain["iou"], t=card.threshold)]
    for mode in ("flips", "d4"):
        figures = tta.get(mode) or {}
        if f"{key}_iou" in figures:
            parts.append(tr("{iou:.3f} {how} (threshold {t:g})").format(
                iou=figures[f"{key}_iou"], how=words[mode], t=card.threshold_for(mode)))
    return tr(" (bundled model, landslide IoU on held-out test data, {region}: {figures})").format(
        region=html.escape(region), figures=", ".join(parts))


class DetectLandslidesAlgorithm(LandslideMapperAlgorithm):
    """Detect landslides in an optical image (plus a DEM) with an FCA-DeepLab model."""

    NAME = "detect_landslides"
    DISPLAY_NAME = "Detect landslides"
    GROUP = "Detection"
    GROUP_ID = "detection"
    TAGS = "landslide,deep learning,segmentation,fca-deeplab,dem,gf-6,sentinel-2,onnx,pytorch"

    OPTICAL = "OPTICAL"
    PRODUCT = "PRODUCT"
    PRODUCT_IMAGE = "PRODUCT_IMAGE"
    BANDS = "BANDS"
    DEM = "DEM"
    AREA = "AREA"
    EXTENT = "EXTENT"
    MODEL = "MODEL"
    ENGINE = "ENGINE"
    DEVICE = "DEVICE"
    RESOLUTION = "RESOLUTION"
    LAYER_RESOLUTION = "LAYER_RESOLUTION"
    TILE_SIZE = "TILE_SIZE"
    OVERLAP = "OVERLAP"
    BATCH_SIZE = "BATCH_SIZE"
    WORKERS = "WORKERS"
    THRESHOLD = "THRESHOLD"
    TTA = "TTA"
    MIN_AREA = "MIN_AREA"
    SIMPLIFY = "SIMPLIFY"
    OUTPUT = "OUTPUT"
    OUTPUT_PROBABILITY = "OUTPUT_PROBABILITY"
    # extra outputs (for the graphical modeler and qgis_process)
    COUNT = "COUNT"
    TOTAL_AREA_M2 = "TOTAL_AREA_M2"
    SUMMARY = "SUMMARY"
    USED_THRESHOLD = "USED_THRESHOLD"
    USED_TILE_SIZE = "USED_TILE_SIZE"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Maps landslides as polygons from an optical image (and a DEM) with a deep-learning model.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Finds landslides in an optical image (red, green, blue) with a deep-learning segmentation model "
            "and writes one polygon per landslide, with its area, the model's probability and, given a digital "
            "elevation model (DEM), its slope and elevation.</p>"
        ) + bundled_model_help() + self.tr(
            "<h3>Inputs</h3>"
            "<p><b>Optical image</b>: a raster layer, 8-bit or 10/12/16-bit: a file (GeoTIFF, VRT, ...) is read "
            "directly; any other layer QGIS shows (an XYZ, WMS/WMTS or WCS web map, a virtual or in-memory raster) "
            "is read through QGIS over the area of interest (required for web layers) into a temporary GeoTIFF, "
            "at most 100 million pixels (10 000 x 10 000, about 1 500 web tiles). The image is resampled "
            "on the fly to the model's pixel size (the processing resolution); a geographic CRS (degrees) is "
            "processed in the UTM zone of the scene. An image much coarser than that resolution (e.g. 10 m "
            "Sentinel-2 for a 1 m model) works, with a warning: small landslides are missed.</p>"
            "<p><b>Satellite product</b> (instead of the optical image): a GF-6 PMS, GF-1/1B/1C/1D PMS, GF-2 PMS "
            "or GF-7 Level-1A product as delivered (the .tar.gz, read in place without unpacking, or its -PAN/-MUX "
            ".tiff), or any image with an RPC camera model. It is orthorectified on the fly with its RPCs and the "
            "DEM below (the same DEM then feeds the model), and its MUX bands are pansharpened with the PAN band "
            "(advanced: 'Image of the satellite product': pansharpened, MUX alone or PAN alone). No scene-sized "
            "file is written; 'Prepare a GF-6 scene' writes the scene as a GeoTIFF to look at. The landslides come "
            "in the UTM zone of the scene.</p>"
            "<p><b>Bands (R, G, B)</b>: the band numbers to use as red, green and blue, in that order. Empty = "
            "3, 2, 1 for a raster with 4 or more bands (blue, green, red, NIR order) and 1, 2, 3 for a 3-band "
            "raster. GF-6 PMS: B1 blue, B2 green, B3 red, B4 NIR, so choose 3, 2, 1 (the default). Sentinel-2 "
            "stacked as B2, B3, B4, B8: 3, 2, 1; three separate Sentinel-2 files: build a virtual raster with "
            "'Place each input file into a separate band' in the order B4, B3, B2 and use 1, 2, 3.</p>"
            "<p><b>DEM</b>: elevation in metres, any CRS and resolution (e.g. 30 m SRTM in EPSG:4326); it is "
            "reprojected and resampled onto the image grid. Required when the model uses DEM channels (an "
            "FCA-DeepLab model with DEM fusion); for a model without, it only adds slope and elevation to each "
            "landslide.</p>"
            "<p><b>Area of interest</b> (optional): polygons (honours 'Selected features only') and/or an extent "
            "(e.g. the map canvas), in any CRS; with both, the polygons inside the extent. Only the tiles touching "
            "the area are read and analysed, so time scales with the area; the probability raster is nodata "
            "outside it and landslides are cut to it. Empty = the whole image.</p>"
            "<p><b>Model file</b>: .onnx, .safetensors or .pt (a model card inside says how to prepare the "
            "inputs). Empty = the model bundled with the plugin.</p>"
            "<h3>Options</h3>"
            "<p><b>Engine</b>: Auto runs .onnx files with ONNX Runtime and checkpoints with PyTorch. <b>Device</b>: "
            "Auto uses an NVIDIA GPU (CUDA) when one is usable, else the CPU (same results, slower). <b>Processing "
            "resolution</b> (m per pixel), <b>tile size</b>, <b>tile overlap</b> (pixels) and <b>probability "
            "threshold</b> (0-1; higher = fewer, more certain landslides): empty = the model's own values, from its "
            "card (the bundled model's are in its section above); the threshold left empty is the one the model "
            "chose for the test-time augmentation. A model trained across a range of ground resolutions (its card "
            "says which) processes an image within that range at the image's own pixel size instead of resampling "
            "it (a 2 m image: a quarter of the tiles of 1 m). The run's summary states the threshold and tile size "
            "used. "
            "<b>Test-time augmentation</b> (default None): each tile is also analysed as its mirror images (Flips, 4 "
            "passes) or in all 8 rotations and mirrors (8 passes) and the probabilities averaged: a few points of "
            "landslide IoU more"
        ) + tta_figures_help() + self.tr(
            ", for 4 or 8 times the inference time. <b>Batch size</b> (default 0, automatic: 1 tile per step on the "
            "CPU, the fastest end to end there; 4 on a GPU): tiles per inference step; lower it if the GPU runs out of "
            "memory. <b>Worker processes</b> (default 1): more than 1 cuts the image into row "
            "partitions (horizontal strips), each detected by its own process (Dask) with its own copy of the model, "
            "and merges them into the same result; worth it on a machine with many cores or a GPU that one process "
            "leaves idle, not on a 2-core laptop. <b>Minimum area</b> (m²): smaller landslides are dropped; empty = "
            "automatic: 25 pixels at the processing resolution, and at least 4 pixels of the input image (so nothing "
            "smaller than the image can resolve is reported). <b>Simplify tolerance</b> (m): empty = one pixel at "
            "the processing resolution (removes the pixel staircase); 0 = none. <b>Resolution for reading web and "
            "virtual layers</b> (m): the pixel size such a layer is read at (tile layers: the zoom level follows); "
            "empty = the processing resolution. A warning says when the service's own pixels are coarser.</p>"
            "<h3>Outputs</h3>"
            "<p><b>Landslides</b>: polygons in the CRS of the optical layer, one per landslide, with id, "
            "area_m2 and perimeter_m (true metric values), mean_prob and max_prob (model probability 0-1), "
            "mean_slope_deg and max_slope_deg, mean_elev_m and relief_m (max - min elevation) from the DEM "
            "(empty without a DEM). When loaded it is named 'Landslides' and styled. An image without any "
            "landslide gives a valid, empty layer.</p>"
            "<p><b>Landslide probability</b> (optional, not created by default): a GeoTIFF of the landslide "
            "probability (0-1, nodata -1) on the processing grid.</p>"
            "<p>Cancel stops the run within one batch and leaves no output. If a Python package is missing, "
            "open {doctor} and click 'Install missing packages'.</p>"
        ).format(doctor=self.tr(DOCTOR))

    def initAlgorithm(self, config=None):  # noqa: N802
        card = bundled_card()
        execution = Execution()  # the core's defaults
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.OPTICAL, self.tr("Optical image (or give a satellite product below)"), optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.PRODUCT, self.tr("Satellite product as delivered: GF-1/2/6/7 Level-1A archive (.tar.gz) or its "
                                  "-PAN/-MUX .tiff, orthorectified with the DEM"),
            behavior=FILE_BEHAVIOR_FILE, optional=True, fileFilter=self.tr(PRODUCT_FILTER)))
        self.addParameter(
            QgsProcessingParameterBand(
                self.BANDS,
                self.tr("Bands used as red, green, blue (empty = 3,2,1 for 4+ bands, 1,2,3 for 3 bands)"),
                None,
                self.OPTICAL,
                optional=True,
                allowMultiple=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(self.DEM, self.tr("DEM (elevation in metres)"), optional=True)
        )
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AREA, self.tr("Area of interest: polygons (empty = the whole image)"), [SOURCE_POLYGON],
            optional=True))
        self.addParameter(QgsProcessingParameterExtent(
            self.EXTENT, self.tr("Area of interest: extent (empty = the whole image)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFile(
                self.MODEL,
                self.tr("Model file (empty = the bundled model)"),
                behavior=FILE_BEHAVIOR_FILE,
                optional=True,
                fileFilter=self.tr("Landslide Mapper models (*.onnx *.safetensors *.pt *.pth);;All files (*.*)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.ENGINE, self.tr("Inference engine"), [self.tr(label) for label, _ in engine_choices()],
                defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DEVICE, self.tr("Device"), [self.tr(label) for label, _ in device_choices()], defaultValue=0
            )
        )
        advanced = [
            QgsProcessingParameterEnum(
                self.PRODUCT_IMAGE, self.tr("Image of the satellite product"),
                [self.tr(label) for label, _ in product_image_choices()], defaultValue=0),
            QgsProcessingParameterNumber(
                self.RESOLUTION,
                self.tr("Processing resolution in m (empty = the model's, or the image's own within the model's "
                        "range{bundled})").format(
                    bundled=self.tr("; bundled model: {v:g}").format(v=card.resolution_m) if card else ""),
                NUMBER_DOUBLE,
                optional=True,
                minValue=0.0,
            ),
            QgsProcessingParameterNumber(
                self.LAYER_RESOLUTION,
                self.tr("Resolution for reading web and virtual layers in m (empty = the processing resolution)"),
                NUMBER_DOUBLE,
                optional=True,
                minValue=0.0,
            ),
            QgsProcessingParameterNumber(
                self.TILE_SIZE,
                self.tr("Tile size in pixels (empty = the model's{bundled})").format(
                    bundled=self.tr("; bundled model: {v}").format(v=card.tile_size) if card else ""),
                NUMBER_INTEGER,
                optional=True,
                minValue=0,
            ),
            QgsProcessingParameterNumber(
                self.OVERLAP,
                self.tr("Tile overlap in pixels (empty = the model's{bundled})").format(
                    bundled=self.tr("; bundled model: {v}").format(v=card.overlap) if card else ""),
                NUMBER_INTEGER,
                optional=True,
                minValue=0,
            ),
            QgsProcessingParameterNumber(
                self.BATCH_SIZE, self.tr("Batch size (tiles per step; 0 = automatic: {cpu} on the CPU, {gpu} on a "
                                         "GPU)").format(cpu=AUTO_BATCH["cpu"], gpu=AUTO_BATCH["cuda"]),
                NUMBER_INTEGER, defaultValue=execution.batch, minValue=0
            ),
            QgsProcessingParameterNumber(
                self.WORKERS, self.tr("Worker processes (1 = one process; more: the image is cut into row partitions, "
                                      "one per process)"), NUMBER_INTEGER, defaultValue=execution.processes,
                minValue=1, maxValue=max_processes()
            ),
            QgsProcessingParameterNumber(
                self.THRESHOLD,
                self.tr("Probability threshold 0-1 (empty = the model's, for the test-time augmentation{bundled})"
                        ).format(bundled=self.tr("; bundled model: {v:g}").format(v=card.threshold) if card else ""),
                NUMBER_DOUBLE,
                optional=True,
                minValue=0.0,
                maxValue=1.0,
            ),
            QgsProcessingParameterEnum(
                self.TTA, self.tr("Test-time augmentation (more accurate, slower)"),
                [self.tr(label) for label, _ in tta_choices()], defaultValue=0
            ),
        ]
        for param in advanced:
            if param.name() in (self.RESOLUTION, self.LAYER_RESOLUTION, self.THRESHOLD):
                param.setMetadata({"widget_wrapper": {"decimals": 2}})
        for param in advanced:
            param.setFlags(param.flags() | PARAMETER_ADVANCED)
            self.addParameter(param)
        min_area = QgsProcessingParameterNumber(
            self.MIN_AREA, self.tr("Minimum landslide area in m² (empty = automatic, from the model's and the "
                                   "image's pixel sizes)"), NUMBER_DOUBLE, optional=True, minValue=0.0
        )
        min_area.setMetadata({"widget_wrapper": {"decimals": 0}})
        self.addParameter(min_area)
        simplify = QgsProcessingParameterNumber(
            self.SIMPLIFY, self.tr("Simplify tolerance in m (empty = one pixel at the model's resolution; 0 = none)"),
            NUMBER_DOUBLE, optional=True, minValue=0.0
        )
        simplify.setMetadata({"widget_wrapper": {"decimals": 1}})
        self.addParameter(simplify)
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Landslides"), SOURCE_POLYGON)
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(
                self.OUTPUT_PROBABILITY,
                self.tr("Landslide probability"),
                optional=True,
                createByDefault=False,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Number of landslides")))
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL_AREA_M2, self.tr("Total landslide area (m²)")))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Run summary")))
        self.addOutput(QgsProcessingOutputNumber(self.USED_THRESHOLD, self.tr("Probability threshold used")))
        self.addOutput(QgsProcessingOutputNumber(self.USED_TILE_SIZE, self.tr("Tile size used (pixels)")))

    def createCustomParametersWidget(self, parent=None):  # noqa: N802
        """The dialog Processing opens for this algorithm (toolbox, menu): QGIS's own, except that a cancelled
        run is reported as cancelled, not as "Execution failed" (``ui/detect_dialog.py``)."""
        try:
            from landslide_mapper.ui.detect_dialog import DetectDialog
        except ImportError:  # no Processing GUI here: QGIS builds its default dialog, if any
            return None
        return DetectDialog(self, parent=parent)

    # --- parameters -> the core's options ---------------------------------------------------------------------
    def detect_options(self, parameters, context) -> DetectOptions:
        """The parameters as the core's ``DetectOptions``, with every field that is empty left None (the model's
        value, or automatic: the core resolves it against the model's card, ``pipeline.resolve``). The optical image
        and the DEM are their layers' files; a layer QGIS must read first (a web, virtual or in-memory raster) is
        left out here and added by :meth:`processAlgorithm` once read. Outputs and the area of interest are added
        there too."""
        optical = self.optical_layer(parameters, context)
        dem_layer = self.dem_layer(parameters, context)
        optical_file = (file_source_or_none(optical, self.tr("optical")) if optical is not None
                        else self.parameterAsFile(parameters, self.PRODUCT, context))
        dem_file = file_source_or_none(dem_layer, self.tr("DEM")) if dem_layer is not None else None
        bands = self.parameterAsInts(parameters, self.BANDS, context) if not is_unset(
            parameters.get(self.BANDS)) else []

        def enum(name: str) -> int:
            return self.parameterAsEnum(parameters, name, context)

        return DetectOptions(
            inputs=Inputs(optical=(optical_file,) if optical_file else (), dem=(dem_file,) if dem_file else (),
                          bands=tuple(bands) or None,
                          product_image=product_image_choices()[enum(self.PRODUCT_IMAGE)][1]),
            outputs=Outputs(output=""),
            model=ModelChoice(model=self.parameterAsFile(parameters, self.MODEL, context) or None,
                              engine=engine_choices()[enum(self.ENGINE)][1],
                              device=device_choices()[enum(self.DEVICE)][1]),
            overrides=Overrides(resolution=optional_double(self, parameters, self.RESOLUTION, context),
                                tile=optional_int(self, parameters, self.TILE_SIZE, context),
                                overlap=optional_int(self, parameters, self.OVERLAP, context),
                                threshold=optional_double(self, parameters, self.THRESHOLD, context)),
            tta=tta_choices()[enum(self.TTA)][1],
            cleanup=Cleanup(min_area=optional_double(self, parameters, self.MIN_AREA, context),
                            simplify=optional_double(self, parameters, self.SIMPLIFY, context)),
            execution=Execution(batch=self.parameterAsInt(parameters, self.BATCH_SIZE, context),
                                processes=self.parameterAsInt(parameters, self.WORKERS, context)),
        )

    def optical_layer(self, parameters, context):
        """The optical layer; None when a satellite product is given instead (read by the core, not by QGIS)."""
        product, layer = not is_unset(parameters.get(self.PRODUCT)), not is_unset(parameters.get(self.OPTICAL))
        if product and layer:
            raise QgsProcessingException(self.tr(
                "Give either an optical image or a satellite product, not both."))
        if product:
            return None
        if not layer:
            raise QgsProcessingException(self.tr(
                "Give an optical image (a raster layer) or a satellite product as delivered (a GF Level-1A "
                ".tar.gz)."))
        optical = self.parameterAsRasterLayer(parameters, self.OPTICAL, context)
        if optical is None:
            raise QgsProcessingException(self.tr("The optical image layer could not be loaded."))
        return optical

    def dem_layer(self, parameters, context):
        """The DEM layer, or None when no DEM is given."""
        if is_unset(parameters.get(self.DEM)):
            return None
        dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
        if dem is None:
            raise QgsProcessingException(self.tr("The DEM layer could not be loaded."))
        return dem

    @staticmethod
    def checked(options: DetectOptions) -> DetectOptions:
        """``options.validate()``, its error as the algorithm's one sentence."""
        from landslide_mapper.errors import InputError, message_of

        try:
            return options.validate()
        except InputError as exc:
            raise QgsProcessingException(translated(message_of(exc))) from None

    # --- run ------------------------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        options = self.detect_options(parameters, context)
        optical, dem_layer = self.optical_layer(parameters, context), self.dem_layer(parameters, context)
        # a product's map grid is made by the core (the UTM zone of its centre): an extent without a CRS is then in
        # the project's, and the polygons come in the CRS the core wrote them in
        crs = optical.crs() if optical is not None else context.project().crs() if context.project() else None
        probability = self.parameterAsOutputLayer(parameters, self.OUTPUT_PROBABILITY, context) or None
        # the settings, checked before any layer is read (the inputs and outputs are filled in below)
        self.checked(options.replace(inputs={"optical": options.inputs.optical or ("(layer)",)},
                                     outputs={"output": "(output).gpkg", "probability": probability}))

        workdir = Path(tempfile.mkdtemp(prefix="landslide-mapper-", dir=QgsProcessingUtils.tempFolder()))
        try:
            aoi, boxes = area_of_interest(self, parameters, context, feedback, workdir, self.AREA, self.EXTENT, crs)
            read = [(key, layer) for key, layer in (("optical", optical), ("dem", dem_layer))
                    if layer is not None and not getattr(options.inputs, key)]
            steps = QgsProcessingMultiStepFeedback(len(read) + 1, feedback) if read else feedback
            for step, (key, layer) in enumerate(read):
                steps.setCurrentStep(step)
                path, bands = self._read_through_qgis(key, layer, parameters, context, steps, boxes, workdir,
                                                      options)
                if path is None:  # cancelled while reading
                    feedback.pushWarning(self.tr("Cancelled by the user: no output was written."))
                    return {}
                options = options.replace(inputs={key: (path,), "bands": bands})
            if read:
                steps.setCurrentStep(len(read))
            gpkg = workdir / "landslides.gpkg"
            options = self.checked(options.replace(inputs={"aoi": tuple(aoi or ())},
                                                   outputs={"output": str(gpkg), "probability": probability}))
            feedback.pushInfo(self.tr("Optical image: {path}").format(path=", ".join(options.inputs.optical)))
            if options.inputs.dem:
                feedback.pushInfo(self.tr("DEM: {path}").format(path=options.inputs.dem_path))
            result = run_core_task("detect", steps, options=options)
            if result is None:  # cancelled: nothing was written, and no sink is created
                return {}

            source = QgsVectorLayer(f"{gpkg}|layername={PIPELINE_LAYER}", "landslides", "ogr")
            if not source.isValid():
                raise QgsProcessingException(
                    self.tr("Could not read the pipeline's result {path}").format(path=gpkg))
            fields = QgsFields()  # the pipeline's attributes, without the GeoPackage's own primary key
            for field in source.fields():
                if field.name() != "fid":
                    fields.append(field)
            sink, dest_id = self.parameterAsSink(keep_other_layers(parameters, self.OUTPUT), self.OUTPUT, context,
                                                 fields, WKB_POLYGON, crs if optical is not None else source.crs())
            if sink is None:
                raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
            self._copy_features(source, fields, sink)
            del source  # release the GeoPackage before its folder is removed
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

        tiles = (self.tr("{n} tile(s)").format(n=result["chips"]) if not result.get("scene_chips") else
                 self.tr("{n} of the image's {total} tiles (area of interest)").format(
                     n=result["chips"] + result["chips_skipped"], total=result["scene_chips"]))
        summary = self.tr("{count} landslide(s), {ha:.2f} ha in total; {tiles} of {tile} px, threshold {threshold:g}, "
                          "in {seconds:.1f} s ({engine} on {device})").format(
            count=result["count"], ha=result["total_area_m2"] / 1e4, tiles=tiles, tile=result["tile"],
            threshold=result["threshold"], seconds=result["seconds"], engine=result["engine"], device=result["device"])
        feedback.pushInfo(summary)
        self._style_on_load(context, dest_id, STYLE_LANDSLIDES, LAYER_NAME)
        results = {
            self.OUTPUT: dest_id,
            self.COUNT: result["count"],
            self.TOTAL_AREA_M2: result["total_area_m2"],
            self.SUMMARY: summary,
            self.USED_THRESHOLD: result["threshold"],
            self.USED_TILE_SIZE: result["tile"],
        }
        if probability:
            results[self.OUTPUT_PROBABILITY] = str(result["probability"])
            self._style_on_load(context, str(result["probability"]), STYLE_PROBABILITY, PROBABILITY_LAYER_NAME)
        return results

    def _read_through_qgis(self, key: str, layer, parameters, context, feedback, boxes, workdir: Path,
                           options: DetectOptions) -> tuple[str | None, tuple[int, ...] | None]:
        """A layer rasterio cannot open (a web service, a virtual or in-memory raster), written by QGIS over the
        area of interest (web layers: required) into a GeoTIFF in the run's temporary folder; ``(its path, the RGB
        bands to use)``, the path None when cancelled."""
        what = self.tr("optical") if key == "optical" else self.tr("DEM")
        if is_web(layer) and not boxes:
            raise QgsProcessingException(self.tr(
                "The {what} layer '{name}' comes from a web service ({provider}): choose an area of interest (a "
                "polygon layer or an extent, e.g. the map canvas) to read it over; the whole service cannot be "
                "read.").format(what=what, name=layer.name(), provider=layer.providerType()))
        extent = box_in(layer.crs(), boxes, context) if boxes else QgsRectangle(layer.extent())
        if not is_web(layer):
            extent = extent.intersect(layer.extent())
        if extent.isEmpty():
            raise QgsProcessingException(self.tr(
                "The area of interest does not overlap the {what} layer '{name}'.").format(what=what,
                                                                                       name=layer.name()))
        card = model_card(options.model.model)
        resolution = (optional_double(self, parameters, self.LAYER_RESOLUTION, context)
                      or (resolve_overrides(options.overrides, card, options.tta).resolution if card else None))
        if not resolution:
            card = bundled_card()
            resolution = card.resolution_m if card else 1.0
            feedback.pushInfo(self.tr("The model file's resolution could not be read here: reading the layer at "
                                      "{res:g} m (set the resolution for reading web and virtual layers to change "
                                      "it)").format(res=resolution))
        if key == "dem":  # a DEM at its own pixel size (it is resampled onto the processing grid anyway)
            resolution = native_resolution_m(layer, extent.center(), context) or resolution
            margin = 3 * resolution * units_per_metre(layer.crs(), extent.center(), context)  # room for slopes
            extent = extent.buffered(margin)
        path = render_layer(layer, extent, resolution, workdir / f"{key}_read_through_qgis.tif", what, context,
                            feedback)
        bands = options.inputs.bands
        if path is not None and key == "optical" and is_colour_image(layer):
            if bands not in (None, (1, 2, 3)):
                feedback.pushWarning(self.tr("Warning: '{name}' is a colour map (R, G, B): the bands chosen are "
                                             "not used.").format(name=layer.name()))
            bands = (1, 2, 3)  # R, G, B, A
        return (None if path is None else str(path)), bands

    def _copy_features(self, source: QgsVectorLayer, fields: QgsFields, sink) -> None:
        names = [f.name() for f in fields]
        for feature in source.getFeatures():
            out = QgsFeature(fields)
            out.setGeometry(feature.geometry())
            out.setAttributes([feature[name] for name in names])
            if not sink.addFeature(out, SINK_FAST_INSERT):
                raise QgsProcessingException(self.writeFeatureError(sink, {}, self.OUTPUT))

    @staticmethod
    def _style_on_load(context, layer_id: str, style: Path, name: str) -> None:
        if context.willLoadLayerOnCompletion(layer_id):
            details = context.layerToLoadOnCompletionDetails(layer_id)
            details.name = name
            details.setPostProcessor(StyleLayer.kept(style, name))


def keep_other_layers(parameters: dict, name: str) -> dict:
    """``parameters`` with the vector destination ``name`` made safe for an existing GeoPackage.

    Given a plain file path (``x.gpkg``, or ``x.gpkg|layername=L``), QGIS's sink replaces the WHOLE file, deleting
    every other layer of the user's database. For an existing GeoPackage the destination becomes the layer form
    ``ogr:dbname='x.gpkg' table="L"`` (L: the layer name given, else ``landslides``), which adds that layer or
    replaces only it, as "Save to GeoPackage…" in the destination widget does. Anything else is left alone."""
    value = parameters.get(name)
    definition = value if isinstance(value, QgsProcessingOutputLayerDefinition) else None
    sink = definition.sink.staticValue() if definition is not None else value
    if not isinstance(sink, str) or sink.startswith(("ogr:", "memory:", "postgres:", "spatialite:")):
        return parameters
    path, _, options = sink.partition("|")
    layer = PIPELINE_LAYER
    for option in options.split("|"):
        key, _, val = option.partition("=")
        if key.strip().lower() == "layername" and val.strip():
            layer = val.strip()
    if not path.lower().endswith(".gpkg") or not os.path.isfile(path) or "'" in path or '"' in layer:
        return parameters
    safe = QgsProcessingOutputLayerDefinition(
        QgsProperty.fromValue(f"ogr:dbname='{path}' table=\"{layer}\" (geom)"),
        definition.destinationProject if definition is not None else None)
    if definition is not None:
        safe.destinationName = definition.destinationName
        safe.createOptions = definition.createOptions
    return {**parameters, name: safe}

