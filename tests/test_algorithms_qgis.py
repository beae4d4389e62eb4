"""The Processing algorithms ``detect_landslides`` and ``export_onnx`` in a real headless QGIS, through
``processing.run`` / ``processing.runAndLoadResults``, with the oracle model on generated rasters (known answer:
landslides exactly where the DEM is above 100 m; see tests/synthetic.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
import synthetic
from affine import Affine
from feedback_recorder import recorder
from rasterio.features import shapes
from shapely import unary_union, wkb
from shapely.geometry import shape

DETECT = "landslide_mapper:detect_landslides"
EXPORT = "landslide_mapper:export_onnx"
FIELDS = ["id", "area_m2", "perimeter_m", "mean_prob", "max_prob", "mean_slope_deg", "max_slope_deg",
          "mean_elev_m", "relief_m"]
PARAMETERS = ["OPTICAL", "PRODUCT", "BANDS", "DEM", "AREA", "EXTENT", "MODEL", "ENGINE", "DEVICE", "PRODUCT_IMAGE",
              "RESOLUTION", "LAYER_RESOLUTION", "TILE_SIZE", "OVERLAP", "BATCH_SIZE", "WORKERS", "THRESHOLD", "TTA",
              "MIN_AREA", "SIMPLIFY", "OUTPUT", "OUTPUT_PROBABILITY"]


def expected_geometry(mask, raster):
    with rasterio.open(raster) as src:
        transform = src.transform
    return unary_union([shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform)])


def polygons(layer):
    feats = list(layer.getFeatures())
    return [wkb.loads(bytes(f.geometry().asWkb())) for f in feats], [f.attributes() for f in feats], feats


def iou(a, b):
    return a.intersection(b).area / a.union(b).area


def out_layer(result, key="OUTPUT"):
    from qgis.core import QgsVectorLayer

    value = result[key]
    if isinstance(value, QgsVectorLayer):
        return value
    layer = QgsVectorLayer(str(value), "out", "ogr")
    assert layer.isValid(), value
    return layer


@pytest.mark.parametrize("with_probability", [True, False], ids=["probability", "no-probability"])
@pytest.mark.parametrize("destination", ["memory", "gpkg"])
@pytest.mark.parametrize("model_kind", ["onnx", "safetensors"])
def test_detect_matches_the_expected_landslides(plugin, oracle, blob_scene, tmp_path, model_kind, destination,
                                                with_probability):
    from qgis.core import QgsCoordinateReferenceSystem

    import processing

    opt, dem, mask = blob_scene
    model = oracle[1] if model_kind == "onnx" else oracle[0]
    params = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(model), "SIMPLIFY": 0,  # exact pixel outlines
              "OUTPUT": "memory:" if destination == "memory" else str(tmp_path / "landslides.gpkg")}
    if with_probability:
        params["OUTPUT_PROBABILITY"] = str(tmp_path / "probability.tif")
    result = processing.run(DETECT, params)
    layer = out_layer(result)
    assert (layer.providerType() == "memory") == (destination == "memory")

    geoms, attrs, feats = polygons(layer)
    assert result["COUNT"] == layer.featureCount() == len(geoms) == 4
    assert layer.crs() == QgsCoordinateReferenceSystem("EPSG:32633")
    names = [f.name() for f in layer.fields() if f.name() != "fid"]  # a GeoPackage adds its primary key
    assert names == FIELDS
    assert iou(unary_union(geoms), expected_geometry(mask, opt)) > 0.99
    total = 0.0
    for geom, feat in zip(geoms, feats):
        a = {name: feat[name] for name in FIELDS}
        assert a["area_m2"] == pytest.approx(geom.area, rel=1e-6)
        assert a["perimeter_m"] == pytest.approx(geom.length, rel=1e-6)
        assert a["mean_prob"] > 0.99 and a["max_prob"] <= 1.0
        assert a["mean_elev_m"] == pytest.approx(150.0, abs=1e-3) and a["relief_m"] == pytest.approx(0, abs=1e-3)
        assert 0 <= a["mean_slope_deg"] <= a["max_slope_deg"] <= 90
        total += a["area_m2"]
    assert sorted(feat["id"] for feat in feats) == [1, 2, 3, 4]
    assert result["TOTAL_AREA_M2"] == pytest.approx(total)
    assert "4 landslide(s)" in result["SUMMARY"]

    probability = tmp_path / "probability.tif"
    if with_probability:
        assert Path(result["OUTPUT_PROBABILITY"]) == probability
        with rasterio.open(probability) as src:
            p = src.read(1)
            assert src.crs.to_epsg() == 32633 and src.nodata == -1.0
        assert np.array_equal(p > 0.5, mask)
    else:
        assert not result.get("OUTPUT_PROBABILITY")
        assert not list(tmp_path.glob("*.tif"))


def test_bands_choose_red_green_blue_and_dem_is_optional(plugin, tmp_path):
    """An RGB-only oracle ("landslide" where the red input is bright): band 1 holds a bright disc, band 3 is dark.
    BANDS 1,2,3 finds the disc; the default for 4 bands (3,2,1, blue-green-red-NIR order) finds nothing."""
    import processing

    _, onnx = synthetic.oracle_files(tmp_path, rgb_only=True)
    disc = synthetic.blobs_mask(120, 160, [(60, 80, 25)])
    data = np.zeros((4, 120, 160), np.uint8)
    data[0][disc] = 250
    data[1:3] = 10
    transform = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "b1_bright.tif", data, transform, synthetic.UTM)

    red_is_band_1 = processing.run(DETECT, {"OPTICAL": str(opt), "BANDS": [1, 2, 3], "MODEL": str(onnx),
                                            "SIMPLIFY": 0, "OUTPUT": "memory:"})
    geoms, _, _ = polygons(out_layer(red_is_band_1))
    assert red_is_band_1["COUNT"] == 1 and iou(geoms[0], expected_geometry(disc, opt)) > 0.99

    default = processing.run(DETECT, {"OPTICAL": str(opt), "MODEL": str(onnx), "OUTPUT": "memory:"})
    assert default["COUNT"] == 0 and out_layer(default).featureCount() == 0  # a valid, empty layer


def _bad_dem(folder: Path) -> Path:
    far = Affine(30.0, 0, 100000.0, 0, -30.0, 1000000.0)
    return synthetic.write_raster(folder / "far_dem.tif", np.ones((20, 20), np.float32), far, synthetic.UTM)


@pytest.mark.parametrize(
    "case, message",
    [
        ("band out of range", "band number(s) 5 out of range"),
        ("DEM not overlapping", "does not overlap the optical image"),
        ("missing model file", "model file not found"),
        ("corrupt model file", "corrupt"),
        ("model needs a DEM", "give a DEM raster"),
        ("bundled model missing", "bundled default model is missing"),
        ("threshold out of range", "threshold must be between 0 and 1"),
        ("threshold not a number", "must be a number, got 'abc'"),
        ("probability raster is the optical image", "is also the optical image: it would be overwritten"),
        ("truncated optical image", "truncated"),
    ],
)
def test_pipeline_errors_become_processing_exceptions(plugin, oracle, blob_scene, tmp_path, monkeypatch, case,
                                                      message):
    from qgis.core import QgsProcessingException

    import processing
    from landslide_mapper.detection import pipeline

    opt, dem, _ = blob_scene
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    params = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "OUTPUT": str(out_dir / "l.gpkg"),
              "OUTPUT_PROBABILITY": str(out_dir / "p.tif")}
    if case == "band out of range":
        params["BANDS"] = [5, 2, 1]
    elif case == "DEM not overlapping":
        params["DEM"] = str(_bad_dem(tmp_path))
    elif case == "missing model file":
        params["MODEL"] = str(tmp_path / "no_such_model.onnx")
    elif case == "corrupt model file":
        (tmp_path / "broken.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
        params["MODEL"] = str(tmp_path / "broken.safetensors")
    elif case == "model needs a DEM":
        del params["DEM"]
    elif case == "bundled model missing":
        monkeypatch.setattr(pipeline, "default_model_path", lambda: tmp_path / "not_bundled.onnx")
        del params["MODEL"]
    elif case == "threshold out of range":
        params["THRESHOLD"] = 0.0
    elif case == "threshold not a number":  # (qgis_process THRESHOLD=abc): an error, never the default
        params["THRESHOLD"] = "abc"
    elif case == "probability raster is the optical image":
        copy = out_dir / "optical.tif"
        copy.write_bytes(Path(opt).read_bytes())
        params["OPTICAL"] = params["OUTPUT_PROBABILITY"] = str(copy)
    elif case == "truncated optical image":
        data = Path(opt).read_bytes()
        cut = tmp_path / "cut.tif"
        cut.write_bytes(data[: len(data) // 2])
        params["OPTICAL"] = str(cut)
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    with pytest.raises(QgsProcessingException) as err:
        processing.run(DETECT, params)
    assert message in str(err.value)
    assert "Traceback" not in str(err.value) and len(str(err.value).splitlines()) == 1  # one sentence
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before  # no output, no partial file


def test_cancel_mid_run_leaves_no_output(plugin, oracle, blob_scene, tmp_path):
    from qgis.core import QgsProcessingFeedback

    import processing

    class CancelAfter(QgsProcessingFeedback):
        """Says "cancelled" from the 4th question on (the pipeline asks once per tile)."""

        def __init__(self, calls: int):
            super().__init__()
            self.calls, self.limit, self.warnings = 0, calls, []

        def isCanceled(self):  # noqa: N802
            self.calls += 1
            return self.calls > self.limit

        def pushWarning(self, warning):  # noqa: N802
            self.warnings.append(warning)
            super().pushWarning(warning)

    opt, dem, _ = blob_scene
    feedback = CancelAfter(3)
    params = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "TILE_SIZE": 64, "OVERLAP": 0,
              "BATCH_SIZE": 1, "OUTPUT": str(tmp_path / "landslides.gpkg"),
              "OUTPUT_PROBABILITY": str(tmp_path / "probability.tif")}
    # a cancel is a cancel, not an error: no exception (QGIS would log it as CRITICAL), a warning, no output
    result = processing.run(DETECT, params, feedback=feedback)
    assert "COUNT" not in result and not result.get("OUTPUT")
    assert feedback.warnings == ["Cancelled by the user: no output was written."]
    assert feedback.calls >= 4  # stopped at the first "yes"
    assert feedback.progress() < 50  # 35 tiles of 64 px: stopped early
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_progress_and_messages_reach_the_feedback(plugin, oracle, blob_scene):

    import processing

    opt, dem, _ = blob_scene
    feedback = recorder()
    processing.run(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "TILE_SIZE": 64,
                            "OUTPUT": "memory:"}, feedback=feedback)
    assert any(v < 100 for v in feedback.values) and feedback.values[-1] == 100
    assert feedback.values == sorted(feedback.values)
    text = "\n".join(feedback.infos)
    assert "Model 'oracle-elevation'" in text and "Processing grid: 420 x 300 px at 2 m" in text
    assert "4 landslide(s)" in text


@pytest.mark.parametrize("run", [1, 2])  # the second run in a QGIS session too (a used post-processor is deleted)
def test_loaded_output_is_named_and_styled(plugin, oracle, blob_scene, run):
    from qgis.core import QgsProject

    import processing
    from landslide_mapper.processing.algorithms import detect_landslides

    opt, dem, _ = blob_scene
    project = QgsProject.instance()
    before = set(project.mapLayers())
    result = processing.runAndLoadResults(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]),
                                                   "OUTPUT": "TEMPORARY_OUTPUT",
                                                   "OUTPUT_PROBABILITY": "TEMPORARY_OUTPUT"})
    try:
        added = {lid: layer for lid, layer in project.mapLayers().items() if lid not in before}
        by_name = {layer.name(): layer for layer in added.values()}
        assert set(by_name) == {"Landslides", "Landslide probability"}
        landslides = by_name["Landslides"]
        assert landslides.featureCount() == result["COUNT"] == 4
        renderer = landslides.renderer()
        assert renderer.type() == "singleSymbol"
        assert renderer.symbol().color().getRgb()[:3] == (230, 75, 35)  # resources/landslides.qml
        assert "Landslide [%" in landslides.mapTipTemplate()
        assert by_name["Landslide probability"].renderer().type() == "singlebandpseudocolor"
        # the post-processors outlive processAlgorithm (module-level references)
        assert {type(p).__name__ for p in detect_landslides._POST_PROCESSORS} <= {"StyleLayer"}
    finally:
        project.removeMapLayers(list(set(project.mapLayers()) - before))


def test_export_onnx_keeps_the_model_card(plugin, oracle, blob_scene, tmp_path):
    from qgis.core import QgsProcessingException

    import processing
    from landslide_mapper.model.checkpoint import read_card

    result = processing.run(EXPORT, {"INPUT": str(oracle[0]), "OUTPUT": str(tmp_path / "exported.onnx")})
    assert Path(result["OUTPUT"]) == tmp_path / "exported.onnx"
    card = read_card(tmp_path / "exported.onnx")
    assert card.to_dict() == read_card(oracle[0]).to_dict() == json.loads(result["MODEL_CARD"])
    # the exported file detects the same landslides (ONNX Runtime)
    opt, dem, _ = blob_scene
    detected = processing.run(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": result["OUTPUT"],
                                       "ENGINE": 2, "OUTPUT": "memory:"})
    assert detected["COUNT"] == 4 and "(onnx on cpu)" in detected["SUMMARY"]

    # half-precision weights: the option reaches the exporter (a real network, whose weights it can halve)
    from landslide_mapper.model.card import default_card
    from landslide_mapper.model.checkpoint import save_checkpoint
    from landslide_mapper.model.registry import build_model, get_config

    lite = save_checkpoint(tmp_path / "lite.safetensors", build_model("fca_deeplab_lite"),
                           default_card("lite", get_config("fca_deeplab_lite")))
    sizes = {}
    for half in (False, True):
        out = processing.run(EXPORT, {"INPUT": str(lite), "OUTPUT": str(tmp_path / f"lite-{half}.onnx"),
                                      "HALF_WEIGHTS": half})
        sizes[half] = Path(out["OUTPUT"]).stat().st_size
    assert sizes[True] < 0.6 * sizes[False]

    import torch

    torch.save(torch.nn.Conv2d(4, 1, 1), tmp_path / "pickled.pt")
    with pytest.raises(QgsProcessingException, match="pickled Python objects"):
        processing.run(EXPORT, {"INPUT": str(tmp_path / "pickled.pt"), "OUTPUT": str(tmp_path / "x.onnx")})
    with pytest.raises(QgsProcessingException, match="must be a .onnx file"):
        processing.run(EXPORT, {"INPUT": str(oracle[0]), "OUTPUT": str(tmp_path / "x.txt")})
    assert not (tmp_path / "x.onnx").exists() and not (tmp_path / "x.txt").exists()


def test_engine_and_device_choices_reach_the_pipeline(plugin, oracle, blob_scene):
    from qgis.core import QgsProcessingException

    import processing

    opt, dem, _ = blob_scene
    base = {"OPTICAL": str(opt), "DEM": str(dem), "OUTPUT": "memory:"}
    torch_cpu = processing.run(DETECT, {**base, "MODEL": str(oracle[0]), "ENGINE": 1, "DEVICE": 1})
    assert "(torch on cpu)" in torch_cpu["SUMMARY"]
    with pytest.raises(QgsProcessingException, match="export it to ONNX first"):
        processing.run(DETECT, {**base, "MODEL": str(oracle[0]), "ENGINE": 2})
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(QgsProcessingException, match="device 'cuda' was asked for"):
            processing.run(DETECT, {**base, "MODEL": str(oracle[0]), "DEVICE": 2})


def test_test_time_augmentation_reaches_the_pipeline_with_the_models_threshold(plugin, oracle, blob_scene, tmp_path):
    from qgis.core import QgsApplication, QgsProcessingContext

    import processing
    from landslide_mapper.detection.pipeline import default_model_path
    from landslide_mapper.model.checkpoint import read_card, save_checkpoint
    from landslide_mapper.model.registry import build_model

    opt, dem, _ = blob_scene
    card = read_card(oracle[0])
    card.tta_thresholds = {"d4": 0.7}
    model = save_checkpoint(tmp_path / "oracle-tta.safetensors", build_model(card.config).eval(), card)
    feedback = recorder()
    result = processing.run(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(model), "TTA": 2,
                                     "OUTPUT": "memory:"}, feedback=feedback)
    assert result["COUNT"] == 4  # the oracle is symmetric: the same four landslides
    assert any("threshold 0.7; test-time augmentation d4 (8 passes per chip)" in m for m in feedback.infos)
    assert result["USED_THRESHOLD"] == 0.7 and result["USED_TILE_SIZE"] == card.tile_size  # what was used
    # an empty threshold field is None in the options: the model's threshold for the mode (the core resolves it)
    alg = QgsApplication.processingRegistry().algorithmById(DETECT)
    bundled = read_card(default_model_path())
    options = alg.detect_options({"OPTICAL": str(opt), "TTA": 2, "OUTPUT": "memory:"}, QgsProcessingContext())
    assert options.tta == "d4" and options.overrides.threshold is None and options.overrides.tile is None
    assert bundled.threshold_for("d4") == bundled.tta_thresholds["d4"] != bundled.threshold
    options = alg.detect_options({"OPTICAL": str(opt), "THRESHOLD": bundled.threshold, "TTA": 1,
                                  "OUTPUT": "memory:"}, QgsProcessingContext())
    assert (options.tta, options.overrides.threshold) == ("flips", bundled.threshold)  # a value given stays
    options = alg.detect_options({"OPTICAL": str(opt), "THRESHOLD": 0.3, "TTA": 1, "OUTPUT": "memory:"},
                                 QgsProcessingContext())
    assert (options.tta, options.overrides.threshold) == ("flips", 0.3)  # the user's own threshold stays theirs


def test_parameters_are_the_public_interface(plugin):
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    registry = QgsApplication.processingRegistry()
    alg = registry.algorithmById(DETECT)
    assert alg.displayName() == "Detect landslides"
    assert [p.name() for p in alg.parameterDefinitions()] == PARAMETERS
    optional = {p.name() for p in alg.parameterDefinitions()
                if p.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional}
    assert optional == {"OPTICAL", "PRODUCT",
                        "BANDS", "DEM", "AREA", "EXTENT", "MODEL", "RESOLUTION", "LAYER_RESOLUTION", "TILE_SIZE",
                        "OVERLAP", "THRESHOLD", "MIN_AREA", "SIMPLIFY", "OUTPUT_PROBABILITY"}
    p = {d.name(): d for d in alg.parameterDefinitions()}
    assert p["BANDS"].parentLayerParameterName() == "OPTICAL" and p["BANDS"].allowMultiple()
    assert p["BATCH_SIZE"].defaultValue() == 0  # automatic: 1 on the CPU, 4 on a GPU
    assert p["MIN_AREA"].defaultValue() is None and p["SIMPLIFY"].defaultValue() is None  # automatic
    assert p["ENGINE"].options()[1:] == ["PyTorch", "ONNX Runtime"] and p["DEVICE"].options()[1:] == ["CPU",
                                                                                                      "CUDA GPU"]
    assert not p["OUTPUT_PROBABILITY"].createByDefault()
    assert p["OUTPUT_PROBABILITY"].defaultFileExtension() == "tif"
    assert [o.name() for o in alg.outputDefinitions()] == ["OUTPUT", "OUTPUT_PROBABILITY", "COUNT",
                                                           "TOTAL_AREA_M2", "SUMMARY", "USED_THRESHOLD",
                                                           "USED_TILE_SIZE"]
    help_text = alg.shortHelpString()
    for needle in ("GF-6", "B1 blue", "B4 NIR", "3, 2, 1", "Sentinel-2", "B4, B3, B2", "m²", "(m per pixel)",
                   "default 0, automatic: 1 tile per step on the CPU", "Environment and GPU"):
        assert needle in help_text, needle
    export = registry.algorithmById(EXPORT)
    assert [d.name() for d in export.parameterDefinitions()] == ["INPUT", "HALF_WEIGHTS", "OUTPUT"]
    assert "model card" in export.shortHelpString()
    for alg_id in (DETECT, EXPORT, "landslide_mapper:check_environment"):
        assert len(registry.algorithmById(alg_id).shortHelpString()) > 300, alg_id


# --- the separate worker process (what Linux QGIS applications use, see native_libraries.py) --------------------
def test_detect_in_a_worker_process(plugin, oracle, blob_scene, tmp_path, monkeypatch):

    import processing
    from landslide_mapper.environment import native_libraries

    monkeypatch.setenv(native_libraries.WORKER_ENV, "process")
    opt, dem, mask = blob_scene

    feedback = recorder()
    result = processing.run(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[0]),
                                     "OUTPUT": str(tmp_path / "l.gpkg"), "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"),
                                     "BANDS": [3, 2, 1], "TILE_SIZE": 64, "BATCH_SIZE": 2, "SIMPLIFY": 0},
                            feedback=feedback)
    assert any("separate Python process" in line for line in feedback.infos)
    assert not any("GDAL" in line for line in feedback.infos)  # the reason for the worker is a debug detail
    assert any("Model 'oracle-elevation' (torch on cpu)" in line for line in feedback.infos)  # the child's log
    assert 0 < min(feedback.values) < 100 and feedback.values[-1] == 100  # the child's progress
    geoms, _, feats = polygons(out_layer(result))
    assert result["COUNT"] == len(geoms) == 4
    assert iou(unary_union(geoms), expected_geometry(mask, opt)) > 0.99
    assert [f.name() for f in out_layer(result).fields() if f.name() != "fid"] == FIELDS
    with rasterio.open(result["OUTPUT_PROBABILITY"]) as src:
        assert np.array_equal(src.read(1) > 0.5, mask)

    # a cancel stops the child and leaves nothing (errors: tests/test_worker.py)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cancel = recorder(cancel_after=10)
    result = processing.run(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "TILE_SIZE": 64,
                                     "OVERLAP": 0, "BATCH_SIZE": 1, "OUTPUT": str(out_dir / "l.gpkg"),
                                     "OUTPUT_PROBABILITY": str(out_dir / "p.tif")}, feedback=cancel)
    assert "COUNT" not in result
    assert max(cancel.values) < 100
    assert sorted(p.name for p in out_dir.iterdir()) == []


def test_workers_cut_the_image_into_bands_with_the_same_result(plugin, oracle, blob_scene, tmp_path):
    """WORKERS 2: a local Dask cluster of 2 processes, one band of rows each (in a separate Python process, where
    Dask can start its workers), the same landslides and probabilities as one process."""

    import processing

    opt, dem, mask = blob_scene

    base = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "TILE_SIZE": 64, "SIMPLIFY": 0}
    one = processing.run(DETECT, {**base, "OUTPUT": str(tmp_path / "one.gpkg"),
                                  "OUTPUT_PROBABILITY": str(tmp_path / "one.tif")})
    feedback = recorder()
    two = processing.run(DETECT, {**base, "WORKERS": 2, "OUTPUT": str(tmp_path / "two.gpkg"),
                                  "OUTPUT_PROBABILITY": str(tmp_path / "two.tif")}, feedback=feedback)
    assert any("separate Python process" in line for line in feedback.infos)
    assert any(line.startswith("2 partition(s): rows 0-256, rows 256-") for line in feedback.infos)
    assert any("Dask cluster: 2 worker(s)" in line for line in feedback.infos)
    assert two["COUNT"] == one["COUNT"] == 4
    assert two["TOTAL_AREA_M2"] == pytest.approx(one["TOTAL_AREA_M2"])
    with rasterio.open(tmp_path / "one.tif") as a, rasterio.open(tmp_path / "two.tif") as b:
        assert np.array_equal(a.read(1), b.read(1))
    (g1, _, _), (g2, _, _) = polygons(out_layer(one)), polygons(out_layer(two))
    assert iou(unary_union(g1), unary_union(g2)) == pytest.approx(1.0)


def test_pipeline_layer_name_matches_the_core():
    from landslide_mapper.detection import vectorize
    from landslide_mapper.processing.algorithms import detect_landslides

    assert detect_landslides.PIPELINE_LAYER == vectorize.LAYER
