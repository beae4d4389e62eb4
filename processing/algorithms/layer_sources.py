"""Where a QGIS layer's data live, as a path the pipeline (rasterio, fiona) can open.

The pipeline reads rasters with rasterio, whose GDAL is not QGIS's GDAL: only layers backed by a file on disk
can be handed over. GDAL layers on plain files are read by path; archive members (``/vsizip/``) and GDAL
sub-datasets (a GeoPackage raster table) by their GDAL name. Everything else - web services (WMS/WCS/XYZ),
rasters held in memory (``/vsimem/``), virtual/calculated rasters, database rasters - is not a file:
:func:`raster_file_source` says so, :func:`file_source_or_none` returns None and the detection algorithm reads
such a layer through QGIS over the area of interest (``area_sources.py``).

Vector layers (:func:`vector_file_source`): an OGR layer on a plain file, unfiltered, is read by path and layer
name; any other vector source (a memory layer, a filtered layer, selected features, a database table) is copied
into a temporary GeoPackage by the algorithm instead (:func:`write_temporary_gpkg`).
"""

from __future__ import annotations

import os

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from .qgis_compat import tr

#: GDAL virtual file systems that are local files (the archive itself must exist on disk)
LOCAL_VSI = ("/vsizip/", "/vsigzip/", "/vsitar/", "/vsi7z/", "/vsirar/")


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


def file_source_or_none(layer: QgsRasterLayer, what: str) -> str | None:
    """:func:`raster_file_source`, or None when the layer is not a file rasterio can open (a web service, a
    virtual or in-memory raster): the algorithm then reads it through QGIS (``area_sources.render_layer``)."""
    try:
        return raster_file_source(layer, what)
    except QgsProcessingException:
        return None


def vector_file_source(layer: QgsVectorLayer | None) -> tuple[str, str | None] | None:
    """(path, layer name or None) fiona can open for ``layer`` with all its features, or None when the layer is
    not an unfiltered OGR layer on a file on disk (then copy its features: :func:`write_temporary_gpkg`)."""
    if layer is None or layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = _clean(parts.get("path"))
    if _clean(parts.get("vsiPrefix")) or _clean(parts.get("subset")) or "://" in path or not os.path.isfile(path):
        return None
    layer_id = _clean(parts.get("layerId"))
    if layer_id and layer_id != "0":  # a layer given by index only: copy it rather than guess
        return None
    return path, _clean(parts.get("layerName")) or None


def write_temporary_gpkg(source, path: str, context, layer_name: str = "inventory", feedback=None) -> int:
    """Copy the features of a Processing feature source (fields, geometries, CRS) into a new GeoPackage at
    ``path``; the number of features written. Raises QgsProcessingException when the file cannot be written."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    options.fileEncoding = "UTF-8"
    writer = QgsVectorFileWriter.create(path, source.fields(), source.wkbType(), source.sourceCrs(),
                                        context.transformContext(), options)
    if writer.hasError():
        raise QgsProcessingException(tr("Could not write a temporary GeoPackage {path}: {error}").format(
            path=path, error=writer.errorMessage()))
    count = 0
    try:
        for feature in source.getFeatures():
            if feedback is not None and feedback.isCanceled():
                break
            if not writer.addFeature(feature):
                raise QgsProcessingException(tr("Could not write a temporary GeoPackage {path}: {error}").format(
                    path=path, error=writer.errorMessage()))
            count += 1
    finally:
        del writer  # closes the file
    return count


def polygon_source(alg, parameters: dict, name: str, context, feedback, workdir, layer_name: str) -> str:
    """A feature-source parameter as a source the core's fiona reads (``FILE`` or ``FILE|layername=L``): the
    layer's own file when that holds exactly the features asked for, else a copy in a temporary GeoPackage in
    ``workdir`` ("selected features only", a feature limit or filter, a memory or database layer)."""
    value = parameters.get(name)
    whole_layer = not isinstance(value, QgsProcessingFeatureSourceDefinition) or (
        not value.selectedFeaturesOnly and value.featureLimit == -1 and not getattr(value, "filterExpression", ""))
    if whole_layer:
        found = vector_file_source(alg.parameterAsVectorLayer(parameters, name, context))
        if found is not None:
            path, layer = found
            return f"{path}|layername={layer}" if layer else path
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    path = os.path.join(str(workdir), f"{layer_name}.gpkg")
    count = write_temporary_gpkg(source, path, context, layer_name, feedback)
    feedback.pushInfo(tr("Copied {count} feature(s) of '{name}' to a temporary GeoPackage").format(
        count=count, name=layer_name))
    return f"{path}|layername={layer_name}"


def optical_and_dem_files(alg, parameters: dict, optical: str, dem: str, context) -> tuple:
    """``(optical layer, its file, the DEM's file or None)`` of an algorithm's file-backed optical and optional DEM
    parameters (named ``optical`` and ``dem``); a layer that cannot be loaded or is not a file is one
    QgsProcessingException."""
    from .parameters import is_unset

    layer = alg.parameterAsRasterLayer(parameters, optical, context)
    if layer is None:
        raise QgsProcessingException(tr("The optical image layer could not be loaded."))
    dem_file = None
    if not is_unset(parameters.get(dem)):
        dem_layer = alg.parameterAsRasterLayer(parameters, dem, context)
        if dem_layer is None:
            raise QgsProcessingException(tr("The DEM layer could not be loaded."))
        dem_file = raster_file_source(dem_layer, tr("DEM"))
    return layer, raster_file_source(layer, tr("optical")), dem_file
