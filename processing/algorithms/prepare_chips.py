"""Processing algorithm ``landslide_mapper:prepare_chips``: a thin adapter over
``landslide_mapper.training.chips.prepare_chips``.

The image and the DEM must be file-backed rasters (``layer_sources.raster_file_source``). The inventory may be any
polygon source: an unfiltered file layer is read by path; a memory layer, a filtered layer or "selected features
only" is first copied into a temporary GeoPackage. The chips are written with the same grid and DEM alignment code
as detection; inside the QGIS programs on Linux in a separate Python process (``core_tasks.run_core_task``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBand,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
)

from .base import LandslideMapperAlgorithm
from .core_tasks import run_core_task
from .layer_sources import optical_and_dem_files, polygon_source
from .parameters import is_unset, optional_double, optional_int
from .qgis_compat import NUMBER_DOUBLE, NUMBER_INTEGER, PARAMETER_ADVANCED, SOURCE_POLYGON


class PrepareChipsAlgorithm(LandslideMapperAlgorithm):
    """Training chips (image, DEM, mask GeoTIFFs + chips.json) from a scene and a landslide inventory."""

    NAME = "prepare_chips"
    DISPLAY_NAME = "Prepare training chips"
    GROUP = "Training"
    GROUP_ID = "training"
    TAGS = "landslide,training,chips,inventory,dataset,mask,deep learning"

    OPTICAL = "OPTICAL"
    BANDS = "BANDS"
    DEM = "DEM"
    INVENTORY = "INVENTORY"
    CHIP_SIZE = "CHIP_SIZE"
    STRIDE = "STRIDE"
    NEGATIVE_RATIO = "NEGATIVE_RATIO"
    RESOLUTION = "RESOLUTION"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    CHIPS = "CHIPS"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Cuts an image, a DEM and a landslide inventory into training chips for 'Train a landslide "
                       "model'.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Makes a training data set from a scene you have mapped: the optical image (and a DEM) are cut "
            "into square chips on the same metric grid detection uses, and the landslide polygons of the "
            "inventory are burnt into a mask for each chip. The result is the input of 'Train a landslide "
            "model' and 'Evaluate a landslide model'.</p>"
            "<h3>Inputs</h3>"
            "<p><b>Optical image</b>: a raster layer stored in a file (GeoTIFF, VRT, ...). <b>Bands (R, G, B)</b>: "
            "the band numbers used as red, green, blue, in that order; empty = 3, 2, 1 for 4+ bands (GF-6, "
            "Sentinel-2 stacked B2, B3, B4, B8), 1, 2, 3 for 3 bands.</p>"
            "<p><b>DEM</b> (optional): elevation in metres, any CRS and resolution; it is reprojected onto the "
            "chip grid exactly as in detection. Without a DEM only RGB models can be trained from the chips.</p>"
            "<p><b>Landslide inventory</b>: a polygon layer of mapped landslides, in any CRS. A memory layer, a "
            "filtered layer or 'selected features only' is copied to a temporary GeoPackage first. A text field "
            "named 'region' (e.g. the county) names each chip's region, so that training can keep whole regions "
            "out for validation and testing; without it the region is the image's file name.</p>"
            "<h3>Options</h3>"
            "<p><b>Chip size</b> (pixels, default 512; a multiple of 32). <b>Stride</b> (pixels between chip "
            "origins; empty = the chip size, i.e. no overlap). <b>Background chips per landslide chip</b> "
            "(default 1.0): every chip that touches a landslide is kept, plus this many chips without "
            "landslides per landslide chip, chosen at random (seeded, so repeatable). <b>Resolution</b> (m per "
            "pixel; empty = the image's own). Chips are written only where the image has valid pixels.</p>"
            "<h3>Outputs</h3>"
            "<p><b>Chip folder</b>: images/ (R, G, B as stored in the image, e.g. 8 or 16 bit), dems/ (elevation "
            "in metres, only with a DEM), masks/ (0 background, 1 landslide), one GeoTIFF per chip and layer, "
            "and chips.json (source files, bands, grid, resolution in m, chip size, and each chip's name, "
            "region and whether it holds a landslide). Existing images/, dems/, masks/ and chips.json in the "
            "folder are replaced; nothing is written if the run fails or is cancelled. <b>CHIPS</b>: the number "
            "of chips written.</p>"
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.OPTICAL, self.tr("Optical image")))
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
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INVENTORY, self.tr("Landslide inventory (polygons)"), [SOURCE_POLYGON]
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CHIP_SIZE, self.tr("Chip size in pixels (a multiple of 32)"), NUMBER_INTEGER, defaultValue=512,
                minValue=32,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.STRIDE, self.tr("Stride in pixels (empty = the chip size)"), NUMBER_INTEGER, optional=True,
                minValue=0,
            )
        )
        ratio = QgsProcessingParameterNumber(
            self.NEGATIVE_RATIO, self.tr("Background chips per landslide chip"), NUMBER_DOUBLE, defaultValue=1.0,
            minValue=0.0,
        )
        ratio.setMetadata({"widget_wrapper": {"decimals": 2}})
        self.addParameter(ratio)
        resolution = QgsProcessingParameterNumber(
            self.RESOLUTION, self.tr("Resolution in m (empty = the image's)"), NUMBER_DOUBLE, optional=True,
            minValue=0.0,
        )
        resolution.setMetadata({"widget_wrapper": {"decimals": 2}})
        resolution.setFlags(resolution.flags() | PARAMETER_ADVANCED)
        self.addParameter(resolution)
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Chip folder")))
        self.addOutput(QgsProcessingOutputNumber(self.CHIPS, self.tr("Number of chips")))

    # --- run ------------------------------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        _, optical_file, dem = optical_and_dem_files(self, parameters, self.OPTICAL, self.DEM, context)
        bands = self.parameterAsInts(parameters, self.BANDS, context) if not is_unset(
            parameters.get(self.BANDS)) else []
        output = self.parameterAsFileOutput(parameters, self.OUTPUT_FOLDER, context)
        if not output:
            raise QgsProcessingException(self.tr("No chip folder was given."))
        args = {
            "optical": optical_file,
            "dem": dem,
            "bands": list(bands) or None,
            "chip_size": self.parameterAsInt(parameters, self.CHIP_SIZE, context),
            "stride": optional_int(self, parameters, self.STRIDE, context) or None,  # 0 = the chip size
            "negative_ratio": self.parameterAsDouble(parameters, self.NEGATIVE_RATIO, context),
            "resolution": optional_double(self, parameters, self.RESOLUTION, context) or None,  # 0 = the image's
        }
        workdir = Path(tempfile.mkdtemp(prefix="landslide-mapper-chips-", dir=QgsProcessingUtils.tempFolder()))
        try:
            inventory, _, layer = polygon_source(self, parameters, self.INVENTORY, context, feedback, workdir,
                                                 "inventory").partition("|layername=")
            if feedback.isCanceled():
                feedback.pushWarning(self.tr("Cancelled by the user: no chips were written."))
                return {}
            feedback.pushInfo(self.tr("Optical image: {path}").format(path=args["optical"]))
            if dem:
                feedback.pushInfo(self.tr("DEM: {path}").format(path=dem))
            feedback.pushInfo(self.tr("Inventory: {path}").format(path=inventory))
            meta = run_core_task("prepare_chips", feedback, inventory=inventory, layer=layer or None, output=output,
                                 region_field="region", seed=0, **args)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if meta is None:  # cancelled (run_core_task said so)
            return {}
        chips = meta.get("chips", [])
        with_landslides = sum(1 for chip in chips if chip.get("landslide"))
        regions = sorted({str(chip.get("region")) for chip in chips})
        feedback.pushInfo(self.tr(
            "{n} chips ({k} with landslides) of {size} px at {res:g} m; regions: {regions}").format(
            n=len(chips), k=with_landslides, size=meta.get("chip_size"), res=meta.get("resolution_m", 0.0),
            regions=", ".join(regions) or "-"))
        feedback.setProgress(100)
        return {self.OUTPUT_FOLDER: output, self.CHIPS: len(chips)}
