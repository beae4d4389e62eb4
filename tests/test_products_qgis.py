"""Satellite products as delivered (issue 26) in a real headless QGIS: ``processing.run`` of 'Prepare a GF-6
scene' and of 'Detect landslides' with the synthetic GF-6 archive (``tests/data/gf_product.py``), and bad input
refused with one QgsProcessingException and no output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import SHARED

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
import gf_product  # noqa: E402

pytestmark = pytest.mark.skipif(not (SHARED / "datasets" / "jinsha-rgbdem").is_dir(),
                                reason="needs ../shared/datasets/jinsha-rgbdem")
DETECT = "landslide_mapper:detect_landslides"
PREPARE = "landslide_mapper:prepare_scene"


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    return gf_product.make_product(tmp_path_factory.mktemp("gf6q"))


def test_prepare_scene_writes_the_orthorectified_scene(plugin, product, tmp_path):
    from qgis.core import QgsRasterLayer

    import processing

    path, truth = product
    out = tmp_path / "scene.tif"
    result = processing.run(PREPARE, {"PRODUCT": str(path), "DEM": str(truth.dem), "IMAGE": 0, "OUTPUT": str(out)})
    assert result["OUTPUT"] == str(out)
    layer = QgsRasterLayer(str(out), "scene")
    assert layer.isValid() and layer.bandCount() == 4
    assert layer.crs().authid() == "EPSG:32647" and abs(layer.rasterUnitsPerPixelX() - 2.0) < 1e-9

    # the PAN alone at 4 m
    out2 = tmp_path / "pan.tif"
    processing.run(PREPARE, {"PRODUCT": str(path), "DEM": str(truth.dem), "IMAGE": 2, "RESOLUTION": 4.0,
                             "OUTPUT": str(out2)})
    layer = QgsRasterLayer(str(out2), "pan")
    assert layer.bandCount() == 1 and abs(layer.rasterUnitsPerPixelX() - 4.0) < 1e-9


def test_prepare_scene_refuses_a_dem_short_of_the_scene(plugin, product, tmp_path):
    import numpy as np
    import rasterio
    from qgis.core import QgsProcessingException

    import processing

    path, truth = product
    with rasterio.open(truth.dem) as src:
        profile, z = src.profile, src.read(1)
    z[: z.shape[0] // 2] = profile["nodata"]  # the northern half has no height
    short = tmp_path / "short.tif"
    with rasterio.open(short, "w", **profile) as dst:
        dst.write(z.astype(np.float32), 1)
    out = tmp_path / "out" / "scene.tif"
    out.parent.mkdir()
    with pytest.raises(QgsProcessingException, match=r"does not cover the scene: \d+ % of it \([\d.]+ km²\)"):
        processing.run(PREPARE, {"PRODUCT": str(path), "DEM": str(short), "OUTPUT": str(out)})
    assert list(out.parent.iterdir()) == []


def test_detect_takes_the_product_archive(plugin, product, tmp_path):
    from qgis.core import QgsVectorLayer

    import processing

    path, truth = product
    gpkg = tmp_path / "landslides.gpkg"
    result = processing.run(DETECT, {"PRODUCT": str(path), "DEM": str(truth.dem), "OUTPUT": str(gpkg)})
    assert result["COUNT"] > 0
    layer = QgsVectorLayer(result["OUTPUT"], "landslides", "ogr")
    assert layer.isValid() and layer.featureCount() == result["COUNT"]
    assert layer.crs().authid() == "EPSG:32647"  # the scene's UTM zone, made by the core
    extent = layer.extent()
    h, w = truth.ortho.shape[1:]
    left, top = truth.grid_transform.c, truth.grid_transform.f
    assert left - 50 <= extent.xMinimum() and extent.xMaximum() <= left + 2 * w + 50
    assert top - 2 * h - 50 <= extent.yMinimum() and extent.yMaximum() <= top + 50


def test_detect_wants_one_optical_input(plugin, product, blob_scene, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    path, truth = product
    opt, dem, _ = blob_scene
    with pytest.raises(QgsProcessingException, match="Give an optical image .* or a satellite product"):
        processing.run(DETECT, {"DEM": str(dem), "OUTPUT": str(tmp_path / "a.gpkg")})
    with pytest.raises(QgsProcessingException, match="either an optical image or a satellite product, not both"):
        processing.run(DETECT, {"OPTICAL": str(opt), "PRODUCT": str(path), "DEM": str(dem),
                                "OUTPUT": str(tmp_path / "b.gpkg")})
    assert list(tmp_path.iterdir()) == []
