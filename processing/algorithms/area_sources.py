"""The area of interest of a Processing run, and raster layers that are not files, read through QGIS over it.

* :func:`area_of_interest` - the ``AREA`` polygons (a feature source: "selected features only", a filter or a
  feature limit are honoured, because its features are copied into a temporary GeoPackage) and the ``EXTENT``
  rectangle (with its CRS; the optical layer's when the extent string names none), as the pipeline's ``aoi``
  sources (``detection/aoi.py``), plus their bounding box for reading layers.
* :func:`render_layer` - a raster layer QGIS can show but rasterio cannot open (XYZ/WMS/WMTS/WCS web services,
  virtual or in-memory rasters) written over that box into a temporary GeoTIFF with ``QgsRasterPipe`` +
  ``QgsRasterFileWriter``: the provider's own values (raw bands; web maps as their R, G, B, A colours) at the
  processing resolution, with progress and cancel. A web layer needs an area (the whole world is not an option)
  and no layer is read beyond :data:`MAX_PIXELS`. The detection then runs on the file as usual; the algorithm
  deletes it afterwards (it lives in the run's temporary folder).
"""

from __future__ import annotations

import math
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsRasterBlockFeedback,
    QgsRasterFileWriter,
    QgsRasterPipe,
    QgsRectangle,
    QgsVectorLayer,
)

from .layer_sources import write_temporary_gpkg
from .parameters import is_unset
from .qgis_compat import tr

#: data providers of web services (WMS, WMTS and XYZ tiles are all "wms" in QGIS)
WEB_PROVIDERS = ("wms", "wcs", "arcgismapserver")
#: the most pixels a layer is read with through QGIS (10 000 x 10 000, about 1 500 web tiles of 256 x 256 px)
MAX_PIXELS = 100_000_000
WEB_TILE = 256
#: Web Mercator's world width (m) and the pixel size of zoom level 0 (tiles of 256 px)
WORLD_M = 2 * math.pi * 6378137.0
#: warn when a layer's own pixels are this many times coarser than the resolution it is read at
COARSE_FACTOR = 1.5
AREA_LAYER = "area"


def is_web(layer) -> bool:
    return layer.providerType() in WEB_PROVIDERS


def _transform(src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem, context):
    return QgsCoordinateTransform(src, dst, context.transformContext())


def area_of_interest(alg, parameters, context, feedback, workdir: Path, area_name: str, extent_name: str,
                     default_crs: QgsCoordinateReferenceSystem):
    """``(aoi sources for the pipeline or None, [(QgsRectangle, its CRS), ...])`` from the ``AREA`` and
    ``EXTENT`` parameters (both given: the polygons inside the extent)."""

    sources, boxes = [], []
    if not is_unset(parameters.get(area_name)):
        source = alg.parameterAsSource(parameters, area_name, context)
        if source is None:
            raise QgsProcessingException(alg.invalidSourceError(parameters, area_name))
        value = parameters.get(area_name)
        selected = isinstance(value, QgsProcessingFeatureSourceDefinition) and value.selectedFeaturesOnly
        path = str(workdir / "area.gpkg")
        count = write_temporary_gpkg(source, path, context, AREA_LAYER, feedback)
        if count == 0:
            raise QgsProcessingException(tr(
                "The area of interest layer has no {what}: select the polygons to process, or clear the area "
                "to process the whole image.").format(what=tr("selected feature") if selected else tr("feature")))
        copy = QgsVectorLayer(f"{path}|layername={AREA_LAYER}", "area", "ogr")
        boxes.append((copy.extent(), copy.crs()))
        del copy
        feedback.pushInfo(tr("Area of interest: {count} polygon(s){selected}").format(
            count=count, selected=tr(" (selected features only)") if selected else ""))
        sources.append(f"{path}|layername={AREA_LAYER}")
    if not is_unset(parameters.get(extent_name)):
        crs = alg.parameterAsExtentCrs(parameters, extent_name, context)
        if not crs.isValid():
            crs = default_crs
        rect = alg.parameterAsExtent(parameters, extent_name, context, crs)
        if rect.isNull() or rect.isEmpty():
            raise QgsProcessingException(tr("The extent of the area of interest is empty."))
        boxes.append((rect, crs))
        sources.append({"bounds": [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()],
                        "crs": crs.authid() or crs.toWkt()})
        feedback.pushInfo(tr("Area of interest: the extent {extent} ({crs})").format(
            extent=rect.toString(3), crs=crs.authid() or crs.description()))
    return (sources or None), boxes


def box_in(crs: QgsCoordinateReferenceSystem, boxes, context) -> QgsRectangle | None:
    """The intersection of ``boxes`` (each with its CRS) in ``crs``; None without boxes."""
    result = None
    for rect, rect_crs in boxes:
        if rect_crs.isValid() and rect_crs != crs:
            rect = _transform(rect_crs, crs, context).transformBoundingBox(rect)
        result = QgsRectangle(rect) if result is None else result.intersect(rect)
    return result


def units_per_metre(crs: QgsCoordinateReferenceSystem, at: QgsPointXY, context) -> float:
    """Map units of ``crs`` per ground metre at the point ``at`` (the smaller of the two axes, so a pixel of that
    many units is at most one metre on the ground either way: degrees, Web Mercator, feet)."""
    measure = QgsDistanceArea()
    measure.setSourceCrs(crs, context.transformContext())
    measure.setEllipsoid(crs.ellipsoidAcronym() or "EPSG:7030")
    step = 1e-4 if crs.isGeographic() else 10.0
    metres = [measure.measureLine(at, QgsPointXY(at.x() + step, at.y())),
              measure.measureLine(at, QgsPointXY(at.x(), at.y() + step))]
    metres = [m for m in metres if m > 0 and math.isfinite(m)]
    if not metres:
        raise QgsProcessingException(tr("Cannot measure distances in the CRS {crs}.").format(crs=crs.authid()))
    return step / max(metres)


def native_resolution_m(layer, at: QgsPointXY, context) -> float | None:
    """The layer's own ground pixel size (m) near ``at``, when it has one: XYZ tiles at their highest zoom level,
    a raster with a fixed size (WCS, memory, virtual); None for a WMS, which renders at any scale."""
    provider = layer.dataProvider()
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    if layer.providerType() == "wms" and str(parts.get("type", "")) == "xyz":
        try:
            zmax = int(str(parts.get("zmax", "")) or 18)
        except ValueError:
            zmax = 18
        lat = _latitude(layer.crs(), at, context)
        return WORLD_M / (WEB_TILE * 2 ** zmax) * math.cos(math.radians(lat))
    if provider.capabilities() & Qgis.RasterInterfaceCapability.Size and provider.xSize() > 0:
        return layer.rasterUnitsPerPixelX() / units_per_metre(layer.crs(), at, context)
    return None


def _latitude(crs, at: QgsPointXY, context) -> float:
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    return _transform(crs, wgs84, context).transform(at).y() if crs != wgs84 else at.y()


def render_layer(layer, extent: QgsRectangle, resolution_m: float, path: Path, what: str, context, feedback) -> Path:
    """Write ``layer`` over ``extent`` (in the layer's CRS) at ``resolution_m`` ground metres per pixel into the
    GeoTIFF ``path`` through QGIS (progress and cancel through ``feedback``). Raises QgsProcessingException when it
    would take more than :data:`MAX_PIXELS` pixels or QGIS cannot write it; returns None when cancelled."""
    at = extent.center()
    step = resolution_m * units_per_metre(layer.crs(), at, context)
    cols, rows = max(1, math.ceil(extent.width() / step)), max(1, math.ceil(extent.height() / step))
    if cols * rows > MAX_PIXELS:
        raise QgsProcessingException(tr(
            "The area of interest needs {mpx:.0f} million pixels of the {what} layer '{name}' at {res:g} m "
            "({cols} x {rows}); Landslide Mapper reads at most {limit:.0f} million pixels (about {tiles} web tiles "
            "of 256 px) through QGIS. Choose a smaller area of interest or a coarser layer resolution.").format(
            mpx=cols * rows / 1e6, what=what, name=layer.name(), res=resolution_m, cols=cols, rows=rows,
            limit=MAX_PIXELS / 1e6, tiles=MAX_PIXELS // WEB_TILE ** 2))
    extent = QgsRectangle(extent.xMinimum(), extent.yMaximum() - rows * step, extent.xMinimum() + cols * step,
                          extent.yMaximum())
    native = native_resolution_m(layer, at, context)
    if native is not None and native > COARSE_FACTOR * resolution_m:
        feedback.pushWarning(tr(
            "Warning: the {what} layer '{name}' has pixels of about {native:.2g} m here, coarser than the {res:g} m "
            "it is read at: it is upsampled, and landslides smaller than its pixels are missed.").format(
            what=what, name=layer.name(), native=native, res=resolution_m))
    feedback.pushInfo(tr("Reading the {what} layer '{name}' ({provider}) through QGIS: {cols} x {rows} px at "
                         "{res:g} m").format(what=what, name=layer.name(), provider=layer.providerType(),
                                             cols=cols, rows=rows, res=resolution_m))
    pipe = QgsRasterPipe()
    if not pipe.set(layer.dataProvider().clone()):
        raise QgsProcessingException(tr("Cannot read the {what} layer '{name}'.").format(what=what,
                                                                                      name=layer.name()))
    writer = QgsRasterFileWriter(str(path))
    writer.setOutputFormat("GTiff")
    options = ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]
    (writer.setCreationOptions if hasattr(writer, "setCreationOptions") else writer.setCreateOptions)(options)
    block_feedback = QgsRasterBlockFeedback()
    block_feedback.progressChanged.connect(feedback.setProgress)
    feedback.canceled.connect(block_feedback.cancel)
    try:
        if feedback.isCanceled():
            return None
        error = writer.writeRaster(pipe, cols, rows, extent, layer.crs(), context.transformContext(), block_feedback)
    finally:  # the run's feedback outlives this reader: a later cancel must not reach it
        feedback.canceled.disconnect(block_feedback.cancel)
        block_feedback.progressChanged.disconnect(feedback.setProgress)
    if feedback.isCanceled():
        return None
    if error != 0 or not Path(path).is_file():
        raise QgsProcessingException(tr(
            "Could not read the {what} layer '{name}' through QGIS (raster writer error {error}); check that the "
            "service answers.").format(what=what, name=layer.name(), error=int(error)))
    if is_colour_image(layer) and _fully_transparent(path):
        raise QgsProcessingException(tr(
            "The {what} layer '{name}' gave no image over the area of interest (every pixel transparent): the "
            "service did not answer, or has no imagery there at this resolution.").format(what=what,
                                                                                        name=layer.name()))
    return Path(path)


def _fully_transparent(path: Path) -> bool:
    """True when the alpha band (the 4th, as QgsRasterFileWriter writes colour maps) is 0 everywhere (QGIS's own
    GDAL: the wheels' rasterio must not be used inside QGIS, see native_libraries.py)."""
    from osgeo import gdal

    dataset = gdal.Open(str(path))
    try:
        if dataset is None or dataset.RasterCount < 4:
            return False
        return dataset.GetRasterBand(4).ComputeRasterMinMax(False)[1] == 0
    finally:
        dataset = None


def is_colour_image(layer) -> bool:
    """A layer whose provider gives colours (web maps: ARGB), written as R, G, B, A bands."""
    dtype = layer.dataProvider().dataType(1)
    return dtype in (Qgis.DataType.ARGB32, Qgis.DataType.ARGB32_Premultiplied)
