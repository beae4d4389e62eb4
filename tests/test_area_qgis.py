"""``detect_landslides`` with an area of interest (AREA polygons, EXTENT) and with raster layers that are not files
(an XYZ tile service served from this process, an in-memory raster), in a real headless QGIS; no network."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from feedback_recorder import recorder
from rasterio.features import shapes
from rasterio.warp import transform_geom
from shapely import unary_union, wkb
from shapely.geometry import box, mapping, shape

DETECT = "landslide_mapper:detect_landslides"
X0, Y0 = synthetic.ORIGIN


def px_box(col0, row0, col1, row1, res=2.0):
    return box(X0 + res * col0, Y0 - res * row1, X0 + res * col1, Y0 - res * row0)


def geometries(result):
    from qgis.core import QgsVectorLayer

    value = result["OUTPUT"]
    layer = value if isinstance(value, QgsVectorLayer) else QgsVectorLayer(str(value), "out", "ogr")
    return [wkb.loads(bytes(f.geometry().asWkb())) for f in layer.getFeatures()]


def iou(a, b):
    return a.intersection(b).area / a.union(b).area


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A 600 x 840 px scene (48 oracle chips) with seven discs; the expected landslides as one geometry."""
    folder = tmp_path_factory.mktemp("area-scene")
    opt, dem, mask = synthetic.scene(folder, height=600, width=840, blobs=[
        (60, 80, 30), (150, 300, 55), (250, 120, 20), (140, 200, 12), (400, 600, 60), (500, 200, 40),
        (280, 500, 35)])
    with rasterio.open(opt) as src:
        transform = src.transform
    expected = unary_union([shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform)])
    return opt, dem, expected


def polygon_layer(geoms_utm, crs="EPSG:4326"):
    """A memory layer of polygons given in UTM 33N, stored in ``crs``."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(f"Polygon?crs={crs}", "area", "memory")
    feats = []
    for g in geoms_utm:
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(shape(transform_geom("EPSG:32633", crs, mapping(g))).wkt))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    layer.updateExtents()
    return layer


def test_area_layer_in_degrees_with_selected_features_only(plugin, oracle, scene, tmp_path):
    from qgis.core import QgsPointXY, QgsProcessingException, QgsProcessingFeatureSourceDefinition, QgsProject

    import processing

    opt, dem, expected = scene
    wanted, other = px_box(230, 80, 380, 220), px_box(500, 340, 700, 480)
    layer = polygon_layer([wanted, other])
    QgsProject.instance().addMapLayer(layer)
    try:
        base = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "SIMPLIFY": 0, "MIN_AREA": 0,
                "OUTPUT": "memory:"}
        centre = shape(transform_geom("EPSG:32633", "EPSG:4326", mapping(wanted.centroid)))
        layer.selectByIds([f.id() for f in layer.getFeatures()
                           if f.geometry().boundingBox().contains(QgsPointXY(centre.x, centre.y))])
        assert layer.selectedFeatureCount() == 1
        selected = QgsProcessingFeatureSourceDefinition(layer.id(), True)
        result = processing.run(DETECT, {**base, "AREA": selected})
        got = unary_union(geometries(result))
        area_utm = shape(transform_geom("EPSG:4326", "EPSG:32633",
                                        mapping(shape(transform_geom("EPSG:32633", "EPSG:4326", mapping(wanted))))))
        assert result["COUNT"] == 1  # the disc at (150, 300) only, not the one in the other polygon
        assert got.difference(area_utm.buffer(1e-6)).area == 0.0
        assert iou(got, expected.intersection(area_utm)) > 0.999
        assert "of the image's 48 tiles (area of interest)" in result["SUMMARY"]
        # all features: both polygons
        both = processing.run(DETECT, {**base, "AREA": layer.id()})
        assert both["COUNT"] == 2
        layer.removeSelection()
        with pytest.raises(QgsProcessingException, match="has no selected feature"):
            processing.run(DETECT, {**base, "AREA": selected})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_extent_string_and_an_area_outside_the_image(plugin, oracle, scene, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    opt, dem, expected = scene
    base = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "SIMPLIFY": 0, "MIN_AREA": 0}
    quarter = px_box(100, 50, 520, 300)
    xmin, ymin, xmax, ymax = quarter.bounds
    result = processing.run(DETECT, {**base, "EXTENT": f"{xmin},{xmax},{ymin},{ymax} [EPSG:32633]",
                                     "OUTPUT": str(tmp_path / "q.gpkg"),
                                     "OUTPUT_PROBABILITY": str(tmp_path / "q.tif")})
    got = unary_union(geometries(result))
    assert result["COUNT"] == 5 and got.difference(quarter).area == 0.0
    assert iou(got, expected.intersection(quarter)) > 0.999
    assert "15 of the image's 48 tiles" in result["SUMMARY"]
    with rasterio.open(tmp_path / "q.tif") as src:
        p = src.read(1)
    assert (p[:50] == -1).all() and (p[300:] == -1).all() and (p[50:300, 100:520] != -1).all()
    far = px_box(5000, 5000, 5100, 5100).bounds
    with pytest.raises(QgsProcessingException, match="does not overlap the image"):
        processing.run(DETECT, {**base, "EXTENT": f"{far[0]},{far[2]},{far[1]},{far[3]} [EPSG:32633]",
                                "OUTPUT": str(tmp_path / "far.gpkg")})
    assert not (tmp_path / "far.gpkg").exists()


def test_in_memory_rasters_are_read_through_qgis(plugin, oracle, tmp_path):
    from osgeo import gdal
    from qgis.core import QgsProcessingException, QgsRasterLayer

    import processing

    opt, dem, mask = synthetic.scene(tmp_path)
    gdal.Translate("/vsimem/landslide_mapper_test.tif", str(opt))
    gdal.Translate("/vsimem/landslide_mapper_dem.tif", str(dem))
    try:
        in_memory = QgsRasterLayer("/vsimem/landslide_mapper_test.tif", "scene in memory", "gdal")
        dem_in_memory = QgsRasterLayer("/vsimem/landslide_mapper_dem.tif", "dem in memory", "gdal")
        uri = (f"?crs=EPSG:32633&extent=500000,4999400,500840,5000000&width=420&height=300&formula=%22o@1%22"
               f"&o:uri={opt}&o:provider=gdal")
        virtual = QgsRasterLayer(uri, "calculated", "virtualraster")
        assert in_memory.isValid() and dem_in_memory.isValid() and virtual.isValid()
        result = processing.run(DETECT, {"OPTICAL": in_memory, "DEM": dem_in_memory, "MODEL": str(oracle[1]),
                                         "SIMPLIFY": 0, "OUTPUT": "memory:"})
        with rasterio.open(opt) as src:
            transform = src.transform
        expected = unary_union([shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform)])
        assert result["COUNT"] == 4 and iou(unary_union(geometries(result)), expected) > 0.99
        # a one-band virtual raster is read, then refused by the pipeline like a one-band file
        with pytest.raises(QgsProcessingException, match=r"has 1 band\(s\); 3 \(R, G, B\) are needed"):
            processing.run(DETECT, {"OPTICAL": virtual, "DEM": str(dem), "MODEL": str(oracle[1]),
                                    "OUTPUT": "memory:"})
    finally:
        gdal.Unlink("/vsimem/landslide_mapper_test.tif")
        gdal.Unlink("/vsimem/landslide_mapper_dem.tif")


def test_xyz_tile_layer_matches_the_file_run(plugin, tmp_path):
    """Tiles rendered from the bundled Hokkaido sample at zoom 14 (about 7 m pixels there), served on 127.0.0.1.
    The file run reads the mosaic of exactly those tiles; the XYZ run gets the same pixels through QGIS's tile
    provider, which resamples them (smoothly) onto the 2 m grid it is asked for, before the pipeline resamples
    again onto UTM: a second resampling of 7 m pixels moves outlines by well under one 7 m pixel, so the union of
    the landslides must agree to an IoU of 0.95 (0.996 measured), their total areas within 2 %."""
    import xyz_tiles
    from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsRasterLayer

    import processing

    _, model = synthetic.oracle_files(tmp_path, rgb_only=True)  # landslide where red > mid-grey (bare soil)
    mosaic = xyz_tiles.make_tiles(tmp_path / "tiles")
    from qgis.core import QgsProject

    # the area: 2 x 2 km in the scarred hills, given as a polygon layer in EPSG:4326
    hills = box(15798000, 5270000, 15800000, 5272000)
    area = polygon_layer([shape(transform_geom("EPSG:3857", "EPSG:32633", mapping(hills)))])
    QgsProject.instance().addMapLayer(area)
    base = {"MODEL": str(model), "AREA": area.id(), "SIMPLIFY": 0, "MIN_AREA": 0}
    from_file = processing.run(DETECT, {**base, "OPTICAL": str(mosaic), "BANDS": [1, 2, 3],
                                        "OUTPUT": str(tmp_path / "file.gpkg")})
    server = xyz_tiles.TileServer(tmp_path / "tiles")
    with server as url:
        layer = QgsRasterLayer(f"type=xyz&url={quote(url, safe=':/')}&zmin=0&zmax=14", "tiles", "wms")
        assert layer.isValid()

        feedback = recorder()
        from_tiles = processing.run(DETECT, {**base, "OPTICAL": layer, "OUTPUT": str(tmp_path / "xyz.gpkg")},
                                    feedback=feedback)
        with pytest.raises(QgsProcessingException, match="comes from a web service .* choose an area of interest"):
            processing.run(DETECT, {"MODEL": str(model), "OPTICAL": layer, "OUTPUT": "memory:"})

        class CancelWhileReading(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.warnings, self.infos = [], []
                self.progressChanged.connect(lambda value: self.cancel() if value > 0 else None)

            def pushWarning(self, text):  # noqa: N802
                self.warnings.append(text)

            def pushInfo(self, text):  # noqa: N802
                self.infos.append(text)

        cancel = CancelWhileReading()
        cancelled = processing.run(DETECT, {**base, "OPTICAL": layer, "OUTPUT": str(tmp_path / "cancelled.gpkg")},
                                   feedback=cancel)
        assert "COUNT" not in cancelled and not (tmp_path / "cancelled.gpkg").exists()
        assert any("Cancelled by the user" in w for w in cancel.warnings)
        assert not any(i.startswith("Optical image: ") for i in cancel.infos)  # stopped while reading the tiles
        # where the service has no tiles: one clear error, not an empty inventory
        nowhere = {**base, "AREA": None, "EXTENT": "0,2000,0,2000 [EPSG:3857]", "OUTPUT": "memory:"}
        with pytest.raises(QgsProcessingException, match="gave no image over the area of interest"):
            processing.run(DETECT, {**nowhere, "OPTICAL": layer})
        del layer
    assert any(r.startswith("/14/") for r in server.requests)  # the tiles really came over HTTP
    QgsProject.instance().removeMapLayer(area.id())
    assert any(re.search(r"Reading the optical layer 'tiles' \(wms\) through QGIS: \d+ x \d+ px at 2 m", i)
               for i in feedback.infos)
    assert any("pixels of about 7 m here, coarser than the 2 m" in w for w in feedback.warnings)
    assert max(feedback.values) == 100
    a, b = unary_union(geometries(from_file)), unary_union(geometries(from_tiles))
    assert from_file["COUNT"] > 20 and from_tiles["COUNT"] > 20
    assert iou(a, b) > 0.95
    assert from_tiles["TOTAL_AREA_M2"] == pytest.approx(from_file["TOTAL_AREA_M2"], rel=0.02)
    # the temporary GeoTIFF was detected on, then went away with the run's folder
    read = [i.split(": ", 1)[1] for i in feedback.infos if i.startswith("Optical image: ")]
    assert len(read) == 1 and read[0].endswith("optical_read_through_qgis.tif") and not Path(read[0]).exists()


def test_too_large_an_area_for_a_web_layer(plugin, tmp_path):
    from qgis.core import QgsProcessingException, QgsRasterLayer

    import processing

    _, model = synthetic.oracle_files(tmp_path, rgb_only=True)
    layer = QgsRasterLayer("type=xyz&url=http://127.0.0.1:9/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=14", "far", "wms")
    with pytest.raises(QgsProcessingException, match="reads at most 100 million pixels"):
        processing.run(DETECT, {"MODEL": str(model), "OPTICAL": layer, "OUTPUT": "memory:",
                                "EXTENT": "15700000,15800000,5200000,5300000 [EPSG:3857]"})
    del layer


def test_prepare_chips_still_asks_for_files(plugin, tmp_path):
    """Training chips are still read from files only: a non-file layer gets the message saying how to save it."""
    from osgeo import gdal
    from qgis.core import QgsProcessingException, QgsRasterLayer

    import processing

    opt, dem, _ = synthetic.scene(tmp_path)
    gdal.Translate("/vsimem/landslide_mapper_chips.tif", str(opt))
    try:
        in_memory = QgsRasterLayer("/vsimem/landslide_mapper_chips.tif", "scene in memory", "gdal")
        assert in_memory.isValid()
        inventory = tmp_path / "inventory.gpkg"
        with fiona.open(inventory, "w", driver="GPKG", crs="EPSG:32633",
                        schema={"geometry": "Polygon", "properties": {"id": "int"}}) as dst:
            dst.write({"geometry": mapping(px_box(10, 10, 40, 40)), "properties": {"id": 1}})
        with pytest.raises(QgsProcessingException) as err:
            processing.run("landslide_mapper:prepare_chips", {
                "OPTICAL": in_memory, "DEM": str(dem), "INVENTORY": str(inventory), "CHIP_SIZE": 64,
                "OUTPUT_FOLDER": str(tmp_path / "chips")})
        assert "The optical layer 'scene in memory' is held in memory (/vsimem/)" in str(err.value)
        assert "save the layer to a GeoTIFF first" in str(err.value)
    finally:
        gdal.Unlink("/vsimem/landslide_mapper_chips.tif")
