"""A graphical model (.model3) chaining ``detect_landslides`` into ``native:buffer``, built in the test with
QgsProcessingModelAlgorithm, saved, loaded back from the file and run through ``processing.run`` and through
``qgis_process run model.model3`` (the plugin installed from its zip into a throw-away profile)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
import synthetic
from rasterio.features import shapes
from shapely import wkb
from shapely.geometry import shape

MIN_AREA = 2000.0  # m2: drops the smallest of the four discs (r = 12 px = 24 m: 1792 m2)
DISTANCE = 4.0  # m


@pytest.fixture(scope="module")
def plugin(qgis_app):
    from qgis.testing.mocked import get_iface

    import landslide_mapper

    loaded = landslide_mapper.classFactory(get_iface())
    loaded.initProcessing()
    yield loaded
    loaded.unload()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model3-inputs")
    _, onnx = synthetic.oracle_files(folder)
    opt, dem, mask = synthetic.scene(folder)
    return {"optical": opt, "dem": dem, "model": onnx, "mask": mask}


def build_model(path: Path) -> Path:
    """optical, dem, model, distance -> detect_landslides (MIN_AREA 2000) -> native:buffer -> one output."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterExtent,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterLayer,
    )

    from landslide_mapper.processing.algorithms.qgis_compat import NUMBER_DOUBLE, SOURCE_POLYGON

    source = QgsProcessingModelChildParameterSource
    model = QgsProcessingModelAlgorithm("Landslides, buffered", "Landslide Mapper tests", "landslides_buffered")
    for definition in (
        QgsProcessingParameterRasterLayer("optical", "Optical image"),
        QgsProcessingParameterRasterLayer("dem", "DEM", optional=True),
        QgsProcessingParameterFile("model", "Model file", optional=True),
        QgsProcessingParameterNumber("distance", "Buffer distance (m)", NUMBER_DOUBLE, 10.0),
        QgsProcessingParameterFeatureSource("area", "Area of interest", [SOURCE_POLYGON], optional=True),
        QgsProcessingParameterExtent("extent", "Extent of interest", optional=True),
    ):
        model.addModelParameter(definition, QgsProcessingModelParameter(definition.name()))

    detect = QgsProcessingModelChildAlgorithm("landslide_mapper:detect_landslides")
    detect.setChildId("detect")
    detect.setDescription("Detect landslides")
    detect.addParameterSources("OPTICAL", [source.fromModelParameter("optical")])
    detect.addParameterSources("DEM", [source.fromModelParameter("dem")])
    detect.addParameterSources("MODEL", [source.fromModelParameter("model")])
    detect.addParameterSources("AREA", [source.fromModelParameter("area")])
    detect.addParameterSources("EXTENT", [source.fromModelParameter("extent")])
    detect.addParameterSources("MIN_AREA", [source.fromStaticValue(MIN_AREA)])
    detect.addParameterSources("SIMPLIFY", [source.fromStaticValue(0.0)])  # exact pixel outlines
    model.addChildAlgorithm(detect)

    buffer = QgsProcessingModelChildAlgorithm("native:buffer")
    buffer.setChildId("buffer")
    buffer.setDescription("Buffer")
    buffer.addParameterSources("INPUT", [source.fromChildOutput("detect", "OUTPUT")])
    buffer.addParameterSources("DISTANCE", [source.fromModelParameter("distance")])
    buffer.addParameterSources("SEGMENTS", [source.fromStaticValue(8)])
    buffer.addParameterSources("DISSOLVE", [source.fromStaticValue(False)])
    output = QgsProcessingModelOutput("buffered", "Buffered landslides")
    output.setChildId("buffer")
    output.setChildOutputName("OUTPUT")
    buffer.setModelOutputs({"buffered": output})
    model.addChildAlgorithm(buffer)
    model.updateDestinationParameters()
    assert model.toFile(str(path)), path
    return path


def load_model(path: Path):
    from qgis.core import QgsProcessingModelAlgorithm

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path)), path
    return model


def output_name(model) -> str:
    """The model's output parameter name ('buffered_landslides' on 3.40, 'buffer:...' on older QGIS)."""
    names = [p.name() for p in model.destinationParameterDefinitions()]
    assert len(names) == 1, names
    return names[0]


def expected_buffered(inputs) -> list:
    """The discs above MIN_AREA, buffered with the same distance and segments, largest first."""
    with rasterio.open(inputs["optical"]) as src:
        transform = src.transform
    mask = inputs["mask"]
    discs = [shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform)]
    return sorted((d.buffer(DISTANCE, quad_segs=8) for d in discs if d.area >= MIN_AREA), key=lambda g: -g.area)


def check_buffered(geoms, inputs) -> None:
    expected = expected_buffered(inputs)
    geoms = sorted(geoms, key=lambda g: -g.area)
    assert len(geoms) == len(expected) == 3
    for got, want in zip(geoms, expected):
        assert got.intersection(want).area / got.union(want).area > 0.99
        assert got.area == pytest.approx(want.area, rel=0.01)


@pytest.fixture(scope="module")
def model3(plugin, tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("model3") / "landslides_buffered.model3")


def test_model_file_holds_both_algorithms(model3):
    text = model3.read_text(encoding="utf-8")
    assert "landslide_mapper:detect_landslides" in text and "native:buffer" in text
    model = load_model(model3)
    assert sorted(model.childAlgorithms()) == ["buffer", "detect"]
    assert model.childAlgorithm("buffer").dependencies() or "detect" in str(
        model.childAlgorithm("buffer").parameterSources()["INPUT"][0].outputChildId()
    )


def test_model_runs_through_processing_run(plugin, model3, inputs):
    import processing

    model = load_model(model3)
    name = output_name(model)
    result = processing.run(model, {"optical": str(inputs["optical"]), "dem": str(inputs["dem"]),
                                    "model": str(inputs["model"]), "distance": DISTANCE, name: "memory:"})
    layer = result[name]
    check_buffered([wkb.loads(bytes(f.geometry().asWkb())) for f in layer.getFeatures()], inputs)
    assert result["CHILD_RESULTS"]["detect"]["COUNT"] == 3  # MIN_AREA reached the child algorithm
    fields = [f.name() for f in layer.fields()]
    assert fields[:3] == ["id", "area_m2", "perimeter_m"]  # detect's attributes flow through the buffer


def test_model_runs_through_qgis_process(plugin, model3, inputs, qgis_process_profile, tmp_path):
    import fiona

    name = output_name(load_model(model3))
    out = tmp_path / "buffered.gpkg"
    result = qgis_process_profile.run(
        "--json", "run", str(model3), "--",
        f"optical={inputs['optical']}", f"dem={inputs['dem']}", f"model={inputs['model']}", f"distance={DISTANCE}",
        f"{name}={out}",
    )
    assert result.returncode == 0, result.describe()
    doc = json.loads(result.stdout)
    assert Path(doc["results"][name]) == out
    with fiona.open(out) as src:
        geoms = [shape(f["geometry"]) for f in src]
    check_buffered(geoms, inputs)


def test_model_with_an_area_layer_and_an_extent_string(plugin, model3, inputs, tmp_path):
    """AREA as a layer (a file path) and EXTENT as a string reach the child algorithm: only the discs inside both
    (the polygon covers the discs at rows 60 and 150, the extent the left 240 columns: only the disc at (60, 80)
    of the three above MIN_AREA) are detected."""
    import fiona
    from shapely.geometry import box, mapping

    import processing

    x0, y0 = synthetic.ORIGIN
    area = tmp_path / "area.gpkg"
    with fiona.open(area, "w", driver="GPKG", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {"id": "int"}}) as dst:
        dst.write({"geometry": mapping(box(x0, y0 - 2 * 220, x0 + 2 * 420, y0)), "properties": {"id": 1}})
    model = load_model(model3)
    name = output_name(model)
    result = processing.run(model, {"optical": str(inputs["optical"]), "dem": str(inputs["dem"]),
                                    "model": str(inputs["model"]), "distance": DISTANCE, name: "memory:",
                                    "area": str(area), "extent": f"{x0},{x0 + 480},{y0 - 600},{y0} [EPSG:32633]"})
    assert result["CHILD_RESULTS"]["detect"]["COUNT"] == 1
    assert "of the image's" in result["CHILD_RESULTS"]["detect"]["SUMMARY"]
    geoms = [wkb.loads(bytes(f.geometry().asWkb())) for f in result[name].getFeatures()]
    want = expected_buffered(inputs)
    assert len(geoms) == 1 and max(w.intersection(geoms[0]).area for w in want) > 0.99 * geoms[0].area
