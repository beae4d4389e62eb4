"""The QGIS algorithm "Adapt a model to an area" (``landslide_mapper:adapt_model``) in a real headless QGIS: through
``processing.run`` with "selected features only" and a detection after it, in a .model3 chain "adapt, then detect"
(run through ``processing.run`` and ``qgis_process``), and bad input as one QgsProcessingException with no file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import synthetic
from affine import Affine

ADAPT = "landslide_mapper:adapt_model"
PARAMETERS = ["OPTICAL", "DEM", "LANDSLIDES", "MAPPED_AREA", "MAPPED_EXTENT", "BASE_MODEL", "MINUTES", "HOLDOUT",
              "LEARNING_RATE", "LAYERS", "ADD_DEM", "WINDOW", "SEED", "OUTPUT", "DETECTIONS"]
QUICK = {"MINUTES": 0.05, "WINDOW": 128}  # a few steps: these tests check the glue, test_adapt.py the learning


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    """A 1 m UTM image (bright squares on noise) and a GeoPackage of its four squares as landslide polygons."""
    import fiona
    from shapely.geometry import box, mapping

    folder = tmp_path_factory.mktemp("adapt-qgis")
    tr = Affine(1.0, 0, 500000.0, 0, -1.0, 5000000.0)
    rng = np.random.default_rng(3)
    image = rng.integers(20, 120, (3, 400, 400)).astype(np.uint8)
    corners = ((40, 40), (60, 300), (300, 60), (320, 320))
    for r, c in corners:
        image[:, r:r + 40, c:c + 40] = 230
    optical = synthetic.write_raster(folder / "image.tif", image, tr, synthetic.UTM)
    slides = folder / "slides.gpkg"
    with fiona.open(slides, "w", driver="GPKG", crs="EPSG:32633", schema={"geometry": "Polygon",
                                                                          "properties": {"name": "str"}}) as dst:
        for i, (r, c) in enumerate(corners):
            dst.write({"geometry": mapping(box(500000 + c, 5000000 - r - 40, 500000 + c + 40, 5000000 - r)),
                       "properties": {"name": f"s{i}"}})
    return {"optical": str(optical), "slides": str(slides), "folder": folder}


def test_the_algorithm_is_in_the_training_group_with_its_parameters(plugin):
    from qgis.core import QgsApplication

    from landslide_mapper import training
    from landslide_mapper.processing.algorithms import adapt_model
    from landslide_mapper.training import adapt as core

    alg = QgsApplication.processingRegistry().algorithmById(ADAPT)
    assert alg.displayName() == "Adapt a model to an area" and alg.groupId() == "training"
    assert [p.name() for p in alg.parameterDefinitions()] == PARAMETERS
    defaults = {p.name(): p.defaultValue() for p in alg.parameterDefinitions()}
    fields = core.AdaptOptions.__dataclass_fields__  # the dialog's defaults are the core's
    assert adapt_model.LAYERS == list(training.LAYERS)
    assert {k: fields[k].default for k in adapt_model.DEFAULTS} == adapt_model.DEFAULTS
    assert (defaults["MINUTES"], defaults["HOLDOUT"], defaults["LEARNING_RATE"], defaults["LAYERS"]) == (
        fields["minutes"].default, fields["holdout"].default, fields["lr"].default, fields["layers"].default)
    text = alg.shortHelpString()
    for words in ("every</b> landslide", "Selected features only", "held out", "BASE_IOU", "10 landslides"):
        assert words in text, words
    # the help's learning curve is the measured one (resources/adapt_curve.json, benchmarks/adapt_curve.py)
    import json

    doc = json.loads(adapt_model.CURVE.read_text())
    assert doc["runs"] and f"the bundled model: {doc['base']['B']:.2f}" in text
    ten = sorted(r["iou"] for r in doc["runs"] if r["train"] == "A" and r["landslides"] == 10)
    assert f"10 landslides: {ten[0]:.2f}-{ten[-1]:.2f} (" in text


def test_selected_landslides_adapt_and_the_adapted_model_detects(plugin, area, tmp_path):
    from feedback_recorder import recorder
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

    import processing
    from landslide_mapper.model.checkpoint import read_card

    layer = QgsVectorLayer(area["slides"], "my landslides", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByExpression("\"name\" in ('s0', 's3')")
        feedback = recorder()
        out = tmp_path / "adapted.safetensors"
        result = processing.run(ADAPT, {"OPTICAL": area["optical"],
                                        "LANDSLIDES": QgsProcessingFeatureSourceDefinition(layer.id(), True),
                                        "OUTPUT": str(out), "DETECTIONS": str(tmp_path / "detected.gpkg"), **QUICK},
                                feedback=feedback)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    text = "\n".join(feedback.infos)
    assert "Copied 2 feature(s) of 'landslides'" in text  # only the selected two
    assert "landslides: 1 for training, 1 held out" in text
    assert Path(result["OUTPUT"]) == out and out.is_file()
    assert read_card(out).training["base_model"]["file"] == "landslide_mapper_default.onnx"
    assert 0.0 <= result["BASE_IOU"] <= 1.0 and result["ADAPTED_IOU"] >= result["BASE_IOU"]
    detected = QgsVectorLayer(result["DETECTIONS"], "d", "ogr")
    assert detected.isValid() and Path(tmp_path / "detected.gpkg").is_file()


@pytest.mark.parametrize("case, message", [
    ("points", "has no polygons"),
    ("outside", "no landslide polygon lies inside"),
    ("small_extent", "smaller than one training window"),
])
def test_bad_input_is_one_processing_exception_and_no_model(plugin, area, tmp_path, case, message):
    import fiona
    from qgis.core import QgsProcessingException
    from shapely.geometry import Point, box, mapping

    import processing

    params = {"OPTICAL": area["optical"], "LANDSLIDES": area["slides"], "OUTPUT": str(tmp_path / "m.safetensors"),
              **QUICK}
    if case in ("points", "outside"):
        kind, geom = ("Point", Point(500010, 4999990)) if case == "points" else ("Polygon", box(0, 0, 50, 50))
        path = tmp_path / f"{case}.gpkg"
        with fiona.open(path, "w", driver="GPKG", crs="EPSG:32633", schema={"geometry": kind,
                                                                            "properties": {}}) as dst:
            dst.write({"geometry": mapping(geom), "properties": {}})
        params["LANDSLIDES"] = str(path)
    else:
        params["MAPPED_EXTENT"] = "500030,500100,4999880,4999950 [EPSG:32633]"
    with pytest.raises(QgsProcessingException, match=message):
        processing.run(ADAPT, params)
    assert not list(tmp_path.glob("*.safetensors"))


def build_chain(path: Path) -> Path:
    """image, landslides -> adapt_model -> detect_landslides (the adapted model) -> one output."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterRasterLayer,
    )

    from landslide_mapper.processing.algorithms.qgis_compat import SOURCE_POLYGON

    source = QgsProcessingModelChildParameterSource
    model = QgsProcessingModelAlgorithm("Digitise, adapt, detect", "Landslide Mapper tests", "adapt_detect")
    for definition in (QgsProcessingParameterRasterLayer("image", "Image"),
                       QgsProcessingParameterFeatureSource("landslides", "Landslides", [SOURCE_POLYGON])):
        model.addModelParameter(definition, QgsProcessingModelParameter(definition.name()))
    adapt = QgsProcessingModelChildAlgorithm(ADAPT)
    adapt.setChildId("adapt")
    adapt.setDescription("Adapt")
    adapt.addParameterSources("OPTICAL", [source.fromModelParameter("image")])
    adapt.addParameterSources("LANDSLIDES", [source.fromModelParameter("landslides")])
    for key, value in QUICK.items():
        adapt.addParameterSources(key, [source.fromStaticValue(value)])
    model.addChildAlgorithm(adapt)
    detect = QgsProcessingModelChildAlgorithm("landslide_mapper:detect_landslides")
    detect.setChildId("detect")
    detect.setDescription("Detect")
    detect.addParameterSources("OPTICAL", [source.fromModelParameter("image")])
    detect.addParameterSources("MODEL", [source.fromChildOutput("adapt", "OUTPUT")])
    output = QgsProcessingModelOutput("landslides_out", "Landslides (adapted model)")
    output.setChildId("detect")
    output.setChildOutputName("OUTPUT")
    detect.setModelOutputs({"landslides_out": output})
    detect.setDependencies([])
    model.addChildAlgorithm(detect)
    model.updateDestinationParameters()
    assert model.toFile(str(path)), path
    return path


def test_a_model3_chain_adapts_then_detects(plugin, area, tmp_path, qgis_process_profile):
    from qgis.core import QgsProcessingModelAlgorithm, QgsVectorLayer

    import processing

    path = build_chain(tmp_path / "adapt_detect.model3")
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
    outputs = [p.name() for p in model.destinationParameterDefinitions()]
    assert len(outputs) == 1
    result = processing.run(model, {"image": area["optical"], "landslides": area["slides"],
                                    outputs[0]: str(tmp_path / "chain.gpkg")})
    layer = QgsVectorLayer(str(result[outputs[0]]), "chain", "ogr")
    assert layer.isValid() and (tmp_path / "chain.gpkg").is_file()
    # the same file through qgis_process, as a batch user runs it
    run = qgis_process_profile.run("run", str(path), "--", f"image={area['optical']}",
                                   f"landslides={area['slides']}", f"{outputs[0]}={tmp_path / 'batch.gpkg'}")
    assert run.returncode == 0, run.describe()
    assert (tmp_path / "batch.gpkg").is_file()


def test_progress_counts_down_the_budget_and_cancel_writes_no_model(plugin, area, tmp_path):
    """Progress follows the time budget (with an ETA in the text); a cancel before any epoch beat the base model is
    reported as a cancel (a warning, no exception) and leaves no model file."""
    from feedback_recorder import recorder

    import processing

    feedback = recorder()
    texts = []
    feedback.setProgressText = texts.append  # called from Python (core_tasks.run_core_task)
    processing.run(ADAPT, {"OPTICAL": area["optical"], "LANDSLIDES": area["slides"], "MINUTES": 0.1, "WINDOW": 128,
                           "OUTPUT": str(tmp_path / "timed.safetensors")}, feedback=feedback)
    assert feedback.values and max(feedback.values) > 50  # the budget is what the bar shows
    assert any("left)" in t for t in texts), texts[-3:]
    cancel = recorder(cancel_after=0.0)  # cancels at the first progress report: after the first training step
    out = tmp_path / "cancelled.safetensors"
    result = processing.run(ADAPT, {"OPTICAL": area["optical"], "LANDSLIDES": area["slides"], "OUTPUT": str(out),
                                    **QUICK}, feedback=cancel)
    assert result == {} or not out.exists()
    assert not out.exists() and any("no model was written" in w for w in cancel.warnings), cancel.warnings
