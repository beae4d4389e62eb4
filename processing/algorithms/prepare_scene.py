"""Processing algorithm ``landslide_mapper:prepare_scene``: a satellite product as delivered (GF-1/2/6/7 Level-1A)
orthorectified with a DEM and pansharpened into a Cloud-Optimized GeoTIFF.

A thin adapter over ``detection.products.write_scene`` (the worker task ``prepare_scene``, run like the other
heavy algorithms through ``run_core_task``, so the progress bar and Cancel follow the plugin's conventions).
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from .base import LandslideMapperAlgorithm
from .core_tasks import run_core_task
from .layer_sources import raster_file_source
from .parameters import PRODUCT_FILTER, is_unset, optional_double, product_image_choices
from .qgis_compat import FILE_BEHAVIOR_FILE, NUMBER_DOUBLE, translated


class PrepareSceneAlgorithm(LandslideMapperAlgorithm):
    """Orthorectify (and pansharpen) a GF Level-1A product with a DEM into a Cloud-Optimized GeoTIFF."""

    NAME = "prepare_scene"
    DISPLAY_NAME = "Prepare a GF-6 scene"
    GROUP = "Detection"
    GROUP_ID = "detection"
    TAGS = "gf-6,gf-1,gf-2,gf-7,level-1a,rpc,orthorectification,pansharpening,cog"

    PRODUCT = "PRODUCT"
    DEM = "DEM"
    IMAGE = "IMAGE"
    RESOLUTION = "RESOLUTION"
    OUTPUT = "OUTPUT"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Orthorectifies a GF-6 (GF-1/2/7) Level-1A product with a DEM and pansharpens it into a "
                       "Cloud-Optimized GeoTIFF.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Turns a satellite product as delivered into a map-ready image: a GF-6 PMS, GF-1/1B/1C/1D PMS, GF-2 "
            "PMS or GF-7 Level-1A product (the .tar.gz as downloaded, read in place without unpacking, or its "
            "-PAN/-MUX .tiff), or any image with an RPC camera model. 'Detect landslides' reads such a product "
            "directly; use this algorithm to look at the scene in QGIS or to reuse it.</p>"
            "<p><b>DEM</b>: heights in metres over the whole scene. The image is orthorectified with its RPCs and "
            "this DEM, so each pixel is placed where the ground it shows really is (steep terrain seen off nadir "
            "moves by tens of metres otherwise). RPCs need heights above the WGS 84 ellipsoid: a DEM whose CRS "
            "names its vertical datum (e.g. EPSG:4326+3855) is shifted by GDAL; otherwise a warning gives the "
            "error it may cause. Without a DEM the scene is placed at the RPCs' mean height, with a warning that "
            "gives the expected error. A DEM that misses part of the scene is refused.</p>"
            "<p><b>Image</b>: pansharpened (the MUX colours at the PAN's resolution, GDAL's weighted Brovey with "
            "weights fitted on the scene; bands blue, green, red, NIR), the MUX alone, or the PAN alone.</p>"
            "<p><b>Pixel size</b>: empty = the image's own ground sample distance (2 m for GF-6 PAN).</p>"
            "<p>The file is written block by block and appears only when complete; Cancel leaves no file.</p>"
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            self.PRODUCT, self.tr("Satellite product (GF Level-1A .tar.gz, or its -PAN/-MUX .tiff)"),
            behavior=FILE_BEHAVIOR_FILE, fileFilter=self.tr(PRODUCT_FILTER)))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.DEM, self.tr("DEM (elevation in metres)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.IMAGE, self.tr("Image"), [self.tr(label) for label, _ in product_image_choices()], defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            self.RESOLUTION, self.tr("Pixel size in m (empty = the image's own)"), NUMBER_DOUBLE, optional=True,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT, self.tr("Prepared scene (Cloud-Optimized GeoTIFF)"), defaultValue=None))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        product = self.parameterAsFile(parameters, self.PRODUCT, context)
        dem = None
        if not is_unset(parameters.get(self.DEM)):  # a file the core reads (the core checks the product and size)
            dem = raster_file_source(self.parameterAsRasterLayer(parameters, self.DEM, context), self.tr("DEM"))
        resolution = optional_double(self, parameters, self.RESOLUTION, context)
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        image = product_image_choices()[self.parameterAsEnum(parameters, self.IMAGE, context)][1]
        result = run_core_task("prepare_scene", feedback, path=product, dem=dem, output=output, image=image,
                               resolution=resolution)
        if result is None:  # cancelled: nothing was written
            return {}
        for warning in result["warnings"]:
            feedback.pushWarning(self.tr("Warning: {text}").format(text=translated(warning)))
        feedback.pushInfo(self.tr("Wrote {path}: {bands} band(s) at {res:g} m").format(
            path=result["path"], bands=result["bands"], res=result["resolution"]))
        return {self.OUTPUT: result["path"]}
