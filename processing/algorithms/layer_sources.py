"""Where a QGIS raster layer's pixels live, as a path the pipeline (rasterio) can open.

The pipeline reads rasters with rasterio, whose GDAL is not QGIS's GDAL: only layers backed by a file on disk
can be handed over. GDAL layers on plain files are read by path; archive members (``/vsizip/``) and GDAL
sub-datasets (a GeoPackage raster table) by their GDAL name. Everything else - web services (WMS/WCS/XYZ),
rasters held in memory (``/vsimem/``), virtual/calculated rasters, database rasters - gets a message telling
the user to save the layer to a file first.
"""

from __future__ import annotations

import os

from qgis.core import QgsProcessingException, QgsProviderRegistry, QgsRasterLayer
from qgis.PyQt.QtCore import QCoreApplication

#: GDAL virtual file systems that are local files (the archive itself must exist on disk)
LOCAL_VSI = ("/vsizip/", "/vsigzip/", "/vsitar/", "/vsi7z/", "/vsirar/")


def tr(string: str) -> str:
    return QCoreApplication.translate("LandslideMapper", string)


def _not_a_file(layer: QgsRasterLayer, what: str, why: str) -> QgsProcessingException:
    return QgsProcessingException(
        tr(
            "The {what} layer '{name}' {why}. Landslide Mapper reads rasters from files: save the layer to a "
            "GeoTIFF first (right-click the layer > Export > Save As…, or Raster > Conversion > Translate) "
            "and choose the saved file as the {what} layer."
        ).format(what=what, name=layer.name(), why=why)
    )


def _clean(value) -> str:
    """decodeUri values may be QVariant NULL; return a plain string."""
    if value is None:
        return ""
    try:
        if value.isNull():  # QVariant NULL
            return ""
    except AttributeError:
        pass
    return str(value)


def raster_file_source(layer: QgsRasterLayer | None, what: str) -> str:
    """A path (or GDAL dataset name) rasterio can open for ``layer``; QgsProcessingException when it is not
    file-backed. ``what`` names the layer in messages ("optical", "DEM")."""
    if layer is None:
        raise QgsProcessingException(tr("No {what} raster layer was given.").format(what=what))
    provider = layer.providerType()
    if provider != "gdal":
        raise _not_a_file(
            layer,
            what,
            tr("is not a raster file: it comes from the '{provider}' data provider (a web service, a database "
               "or a virtual raster)").format(provider=provider),
        )
    parts = QgsProviderRegistry.instance().decodeUri("gdal", layer.source())
    path = _clean(parts.get("path"))
    vsi = _clean(parts.get("vsiPrefix"))
    if vsi == "/vsimem/" or path.startswith("/vsimem/"):
        raise _not_a_file(layer, what, tr("is held in memory (/vsimem/), not in a file"))
    if (vsi and vsi not in LOCAL_VSI) or "://" in path:
        raise _not_a_file(layer, what, tr("is read over the network ({source})").format(source=vsi or path))
    if not path or not os.path.isfile(path):
        raise _not_a_file(layer, what, tr("is not backed by a file on disk ({source})").format(
            source=path or layer.source()))
    if not vsi and not _clean(parts.get("layerName")):
        return path
    clean = {k: v for k, v in parts.items() if k in ("path", "layerName", "vsiPrefix", "vsiSuffix") and _clean(v)}
    return QgsProviderRegistry.instance().encodeUri("gdal", clean)
