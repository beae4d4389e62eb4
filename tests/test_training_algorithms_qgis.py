"""The training-side Processing algorithms ``prepare_chips``, ``train_model`` and ``evaluate_model`` in a real
headless QGIS, through ``processing.run``: chips from a generated scene and an inventory (file-backed and memory
layer), a few epochs on tiny generated chips, evaluation of the trained model, errors, cancel and the worker
process. Kept small (64 px chips, fca_deeplab_lite, 1 epoch) so that the file runs in well under a minute."""

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

PREPARE = "landslide_mapper:prepare_chips"
TRAIN = "landslide_mapper:train_model"
EVALUATE = "landslide_mapper:evaluate_model"
PREPARE_PARAMETERS = ["OPTICAL", "BANDS", "DEM", "INVENTORY", "CHIP_SIZE", "STRIDE", "NEGATIVE_RATIO", "RESOLUTION",
                      "OUTPUT_FOLDER"]
TRAIN_PARAMETERS = ["DATA", "ARCHITECTURE", "RGB_ONLY", "EPOCHS", "BATCH_SIZE", "LEARNING_RATE", "WEIGHT_DECAY",
                    "PATIENCE", "MIN_DELTA", "WARMUP_EPOCHS", "CROP", "SEED", "VAL_REGIONS", "TEST_REGIONS",
                    "TIME_BUDGET", "RESOLUTION", "COLOUR_JITTER", "SCALE_JITTER", "COARSEST", "COPY_PASTE", "EMA_DECAY",
                    "SCALING", "ENCODER_WEIGHTS", "OUTPUT_FOLDER"]
EVALUATE_PARAMETERS = ["MODEL", "DATA", "SPLIT", "VAL_REGIONS", "TEST_REGIONS", "THRESHOLD", "TTA", "SEED",
                       "OUTPUT"]
REGIONS = ["aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh"]
#: a tiny, fast training run (the recipe's other values stay at their defaults)
TINY = {"ARCHITECTURE": "fca_deeplab_lite", "RGB_ONLY": True, "EPOCHS": 1, "BATCH_SIZE": 4, "LEARNING_RATE": 3e-3,
        "WARMUP_EPOCHS": 0, "VAL_REGIONS": "aa", "TEST_REGIONS": " bb ,", "RESOLUTION": 2.0}


def make_chips(folder: Path, n: int = 16, size: int = 64, with_dem: bool = False) -> Path:
    """Chips whose landslide is a bright (and, with a DEM, raised) square; regions aa..hh by name prefix."""
    rng = np.random.default_rng(0)
    for sub in ("images", "masks") + (("dems",) if with_dem else ()):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    transform = Affine(2.0, 0, 0, 0, -2.0, 0)
    for i in range(n):
        mask = np.zeros((size, size), np.uint8)
        r, c = rng.integers(0, size - 24, 2)
        mask[r:r + 20, c:c + 20] = 1
        layers = [("images", (rng.integers(0, 60, (3, size, size)) + mask * 150).astype(np.uint8)),
                  ("masks", mask[None])]
        if with_dem:
            layers.append(("dems", (mask[None] * 40.0 + 300.0).astype(np.float32)))
        for sub, data in layers:
            with rasterio.open(folder / sub / f"{REGIONS[i % 8]}{i}.tif", "w", driver="GTiff", width=size,
                               height=size, count=data.shape[0], dtype=data.dtype.name, transform=transform) as dst:
                dst.write(data)
    return folder


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """(optical, dem, mask, inventory GeoPackage): the four discs of synthetic.scene as polygons, region 'east'."""
    import fiona

    folder = tmp_path_factory.mktemp("scene")
    opt, dem, mask = synthetic.scene(folder)
    with rasterio.open(opt) as src:
        transform = src.transform
    inventory = folder / "inventory.gpkg"
    schema = {"geometry": "Polygon", "properties": {"region": "str"}}
    with fiona.open(inventory, "w", driver="GPKG", schema=schema, crs="EPSG:32633") as dst:
        for geom, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform):
            dst.write({"geometry": geom, "properties": {"region": "east"}})
    return opt, dem, mask, inventory


@pytest.fixture(scope="module")
def chips(tmp_path_factory):
    return make_chips(tmp_path_factory.mktemp("chips"))


@pytest.fixture(scope="module")
def trained(plugin, chips, tmp_path_factory):
    """train_model once on the tiny RGB chips: (parameters, results)."""
    import processing

    params = {"DATA": str(chips), **TINY, "OUTPUT_FOLDER": str(tmp_path_factory.mktemp("run"))}
    return params, processing.run(TRAIN, params)


class CancelAfter:
    """A feedback that says "cancelled" from the (limit + 1)-th question on (the trainer asks once per step)."""

    def __new__(cls, limit: int):
        from qgis.core import QgsProcessingFeedback

        class _Feedback(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.calls, self.limit, self.warnings, self.texts, self.infos = 0, limit, [], [], []

            def pushInfo(self, info):  # noqa: N802
                self.infos.append(info)
                super().pushInfo(info)

            def setProgressText(self, text):  # noqa: N802
                self.texts.append(text)
                super().setProgressText(text)

            def isCanceled(self):  # noqa: N802
                self.calls += 1
                return self.calls > self.limit

            def pushWarning(self, warning):  # noqa: N802
                self.warnings.append(warning)
                super().pushWarning(warning)

        return _Feedback()


# --- interface ------------------------------------------------------------------------------------------------------
def test_parameters_and_help_are_the_public_interface(plugin):
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    from landslide_mapper.model.registry import list_configs
    from landslide_mapper.processing.algorithms import train_model

    registry = QgsApplication.processingRegistry()
    algs = {alg_id: registry.algorithmById(alg_id) for alg_id in (PREPARE, TRAIN, EVALUATE)}
    assert {a.displayName() for a in algs.values()} == {"Prepare training chips", "Train a landslide model",
                                                        "Evaluate a landslide model"}
    assert {(a.group(), a.groupId()) for a in algs.values()} == {("Training", "training")}
    for alg_id, names in ((PREPARE, PREPARE_PARAMETERS), (TRAIN, TRAIN_PARAMETERS), (EVALUATE, EVALUATE_PARAMETERS)):
        assert [p.name() for p in algs[alg_id].parameterDefinitions()] == names

    def optional(alg_id):
        return {p.name() for p in algs[alg_id].parameterDefinitions()
                if p.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional}

    assert optional(PREPARE) == {"BANDS", "DEM", "STRIDE", "RESOLUTION"}
    assert optional(TRAIN) == {"CROP", "VAL_REGIONS", "TEST_REGIONS", "TIME_BUDGET", "COARSEST", "ENCODER_WEIGHTS"}
    assert optional(EVALUATE) == {"VAL_REGIONS", "TEST_REGIONS", "THRESHOLD"}
    prepare = {p.name(): p for p in algs[PREPARE].parameterDefinitions()}
    assert prepare["CHIP_SIZE"].defaultValue() == 512 and prepare["NEGATIVE_RATIO"].defaultValue() == 1.0
    assert prepare["BANDS"].parentLayerParameterName() == "OPTICAL" and prepare["BANDS"].allowMultiple()
    train = {p.name(): p for p in algs[TRAIN].parameterDefinitions()}
    # the hard-coded architectures (no torch at load time) are exactly the registry's
    assert train["ARCHITECTURE"].options() == train_model.ARCHITECTURES == list_configs()
    assert train["ARCHITECTURE"].usesStaticStrings() and train["ARCHITECTURE"].defaultValue() == "fca_deeplab"
    defaults = {name: train[name].defaultValue() for name in ("RGB_ONLY", "EPOCHS", "BATCH_SIZE", "LEARNING_RATE",
                                                              "WEIGHT_DECAY", "PATIENCE", "MIN_DELTA",
                                                              "WARMUP_EPOCHS", "SEED", "RESOLUTION")}
    assert defaults == {"RGB_ONLY": False, "EPOCHS": 500, "BATCH_SIZE": 4, "LEARNING_RATE": 1e-4,
                        "WEIGHT_DECAY": 1e-3, "PATIENCE": 30, "MIN_DELTA": 1e-4, "WARMUP_EPOCHS": 50, "SEED": 0,
                        "RESOLUTION": 2.0}
    evaluate = {p.name(): p for p in algs[EVALUATE].parameterDefinitions()}
    assert evaluate["SPLIT"].options() == ["test", "val", "train", "all"] and evaluate["SPLIT"].defaultValue() == "test"
    assert evaluate["OUTPUT"].defaultFileExtension() == "json"
    assert [o.name() for o in algs[PREPARE].outputDefinitions()] == ["OUTPUT_FOLDER", "CHIPS"]
    assert [o.name() for o in algs[TRAIN].outputDefinitions()] == ["OUTPUT_FOLDER", "MODEL", "BEST_VAL_IOU",
                                                                    "BEST_EPOCH", "STOPPED"]
    assert [o.name() for o in algs[EVALUATE].outputDefinitions()] == ["OUTPUT", "REPORT", "IOU", "F1"]
    needles = {PREPARE: ("512", "chips.json", "masks/", "dems/", "region", "memory layer", "metres"),
               TRAIN: ("1e-4", "1e-3", "500 epochs", "patience", "50 warm-up", "slow on a CPU", "GPU",
                       "best.safetensors", "metrics.csv", "fca_deeplab_lite", "RGB only", "keeps the best",
                       "Copy-paste", "EMA decay", "BatchNorm", "Scaling"),
               EVALUATE: ("Eqs. 2-6", "miou", "50 x 50", ".md", "never saw")}
    for alg_id, words in needles.items():
        text = algs[alg_id].shortHelpString()
        assert len(text) > 600
        for word in words:
            assert word in text, (alg_id, word)


def test_dialogs_render(plugin, qgis_app):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    for alg_id in (PREPARE, TRAIN, EVALUATE):
        alg = registry.createAlgorithmById(alg_id)
        dialog = AlgorithmDialog(alg)
        dialog.show()
        qgis_app.processEvents()
        assert list(dialog.mainWidget().wrappers) == [p.name() for p in alg.parameterDefinitions()]
        dialog.close()


# --- prepare_chips --------------------------------------------------------------------------------------------------
def _chip_names(folder: Path, sub: str) -> list[str]:
    return sorted(p.stem for p in (folder / sub).iterdir())


def test_prepare_chips_from_a_file_inventory(plugin, scene, tmp_path):
    import processing

    opt, dem, mask, inventory = scene
    out = tmp_path / "chips"
    result = processing.run(PREPARE, {"OPTICAL": str(opt), "DEM": str(dem), "INVENTORY": str(inventory),
                                      "CHIP_SIZE": 64, "NEGATIVE_RATIO": 0.5, "OUTPUT_FOLDER": str(out)})
    meta = json.loads((out / "chips.json").read_text())
    names = sorted(c["name"] for c in meta["chips"])
    assert Path(result["OUTPUT_FOLDER"]) == out and result["CHIPS"] == len(names) > 0
    assert _chip_names(out, "images") == _chip_names(out, "masks") == _chip_names(out, "dems") == names
    positives = [c for c in meta["chips"] if c["landslide"]]
    assert len(meta["chips"]) - len(positives) == int(np.ceil(0.5 * len(positives)))
    assert {c["region"] for c in positives} == {"east"}  # the inventory's region field
    assert meta["source"]["inventory"] == str(inventory)  # a file layer is read in place
    assert meta["chip_size"] == 64 and meta["stride"] == 64 and meta["resolution_m"] == 2.0
    assert meta["source"]["bands"] == [3, 2, 1]
    for chip in positives:  # the masks are the inventory, on the detection grid
        with rasterio.open(out / "masks" / f"{chip['name']}.tif") as src:
            m = src.read(1)
        r, c = chip["row"], chip["col"]
        assert np.array_equal(m.astype(bool), mask[r:r + 64, c:c + 64])


def test_prepare_chips_from_a_memory_layer_in_a_worker_process(plugin, scene, tmp_path, monkeypatch):
    """A memory layer goes through a temporary GeoPackage; the chips match the file inventory's. Run in the
    separate Python process that Linux QGIS applications use (native_libraries.py)."""
    from qgis.core import QgsFeature, QgsVectorLayer

    import processing
    from landslide_mapper.environment import native_libraries

    opt, dem, _, inventory = scene
    source = QgsVectorLayer(str(inventory), "inventory", "ogr")
    memory = QgsVectorLayer("Polygon?crs=EPSG:32633&field=region:string", "mapped landslides", "memory")
    features = []
    for feature in source.getFeatures():
        copy = QgsFeature(memory.fields())
        copy.setGeometry(feature.geometry())
        copy.setAttribute("region", feature["region"])
        features.append(copy)
    assert memory.dataProvider().addFeatures(features)[0] and memory.featureCount() == 4

    monkeypatch.setenv(native_libraries.WORKER_ENV, "process")
    feedback = recorder()
    base = {"OPTICAL": str(opt), "BANDS": [3, 2, 1], "DEM": str(dem), "CHIP_SIZE": 64, "NEGATIVE_RATIO": 0.5}
    result = processing.run(PREPARE, {**base, "INVENTORY": memory, "OUTPUT_FOLDER": str(tmp_path / "memory")},
                            feedback=feedback)
    text = "\n".join(feedback.infos)
    assert "separate Python process" in text and "Copied 4 feature(s) of 'inventory'" in text
    meta = json.loads((tmp_path / "memory" / "chips.json").read_text())
    assert result["CHIPS"] == len(meta["chips"]) == len(_chip_names(tmp_path / "memory", "images"))
    reference = processing.run(PREPARE, {**base, "INVENTORY": str(inventory), "OUTPUT_FOLDER": str(tmp_path / "file")})
    file_meta = json.loads((tmp_path / "file" / "chips.json").read_text())
    assert reference["CHIPS"] == result["CHIPS"] and meta["chips"] == file_meta["chips"]
    assert not Path(meta["source"]["inventory"]).exists()  # the temporary copy is gone


# --- train_model and evaluate_model ---------------------------------------------------------------------------------
def test_train_model_writes_a_model_with_its_card(trained):
    from landslide_mapper.model.checkpoint import read_card

    params, result = trained
    model = Path(result["MODEL"])
    assert model == Path(params["OUTPUT_FOLDER"]) / "best.safetensors" and model.is_file()
    assert Path(result["OUTPUT_FOLDER"]) == Path(params["OUTPUT_FOLDER"])
    assert (model.parent / "metrics.csv").is_file() and (model.parent / "last.pt").is_file()
    card = read_card(model)
    assert card.config.fusion == "none" and card.dem_channels == [] and card.resolution_m == 2.0
    recipe = card.training["recipe"]
    assert recipe["arch"] == "fca_deeplab_lite" and recipe["epochs"] == 1 and recipe["weight_decay"] == 1e-3
    assert recipe["patience"] == 30 and recipe["crop"] is None and recipe["time_budget_s"] is None
    assert recipe["colour_jitter"] == 0.2 and recipe["scale_jitter"] == 0.0
    assert recipe["copy_paste"] == 0.0 and recipe["ema_decay"] == 0.0 and recipe["scaling"] == "auto"
    assert card.optical_scaling == {"method": "auto"}
    assert card.training["regions"]["val"] == ["aa"] and card.training["regions"]["test"] == ["bb"]
    assert result["BEST_VAL_IOU"] == pytest.approx(card.metrics["validation"]["iou"])
    assert result["BEST_EPOCH"] == 1 and result["STOPPED"] == "max_epochs"


def test_copy_paste_ema_and_scaling_reach_the_trainer(plugin, chips, tmp_path):
    import torch

    import processing
    from landslide_mapper.model.checkpoint import read_card

    params = {"DATA": str(chips), **TINY, "COPY_PASTE": 0.5, "EMA_DECAY": 0.9, "SCALING": "percentile",
              "OUTPUT_FOLDER": str(tmp_path / "r")}
    result = processing.run(TRAIN, params)
    card = read_card(result["MODEL"])
    assert card.training["recipe"]["copy_paste"] == 0.5 and card.training["recipe"]["ema_decay"] == 0.9
    assert card.optical_scaling == {"method": "percentile"}
    assert "ema" in torch.load(tmp_path / "r" / "last.pt", weights_only=True)  # the average was kept


def test_encoder_weights_by_name_reach_the_trainer_and_the_card(plugin, chips, tmp_path):
    from qgis.core import QgsProcessingException

    import processing
    from landslide_mapper.model.checkpoint import read_card

    params = {"DATA": str(chips), **TINY, "ARCHITECTURE": "unet_efficientnet_lite0",
              "ENCODER_WEIGHTS": "imagenet:efficientnet_lite0", "OUTPUT_FOLDER": str(tmp_path / "r")}
    card = read_card(processing.run(TRAIN, params)["MODEL"])
    assert card.training["recipe"]["encoder_weights"] == "imagenet:efficientnet_lite0"
    pretraining = card.training["pretraining"]
    assert pretraining["encoder"] == "tf_efficientnet_lite0" and pretraining["licence"] == "Apache-2.0"
    assert "ImageNet" in pretraining["source"] and card.mean == [0.5, 0.5, 0.5] and card.std == [0.5, 0.5, 0.5]
    with pytest.raises(QgsProcessingException, match="Unknown encoder weights 'imagenet:resnet9'"):
        processing.run(TRAIN, {**params, "ENCODER_WEIGHTS": "imagenet:resnet9"})
    with pytest.raises(QgsProcessingException, match="Encoder weights file not found"):
        processing.run(TRAIN, {**params, "ENCODER_WEIGHTS": str(tmp_path / "none.pth")})


def test_evaluate_model_writes_json_and_markdown(trained, chips, tmp_path, monkeypatch):
    import processing
    from landslide_mapper.environment import native_libraries

    _, trained_result = trained
    base = {"MODEL": trained_result["MODEL"], "DATA": str(chips), "VAL_REGIONS": "aa", "TEST_REGIONS": "bb"}
    result = processing.run(EVALUATE, {**base, "OUTPUT": str(tmp_path / "metrics.json")})
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert Path(result["OUTPUT"]) == tmp_path / "metrics.json"
    assert Path(result["REPORT"]) == tmp_path / "metrics.md"
    assert result["IOU"] == metrics["iou"] and result["F1"] == metrics["f1"]
    assert metrics["split"] == "test" and metrics["regions"] == ["bb"] and metrics["chips"] == 2
    assert metrics["threshold"] == 0.5
    for key in ("precision", "accuracy", "recall", "iou_background", "miou", "small_object_recall",
                "large_object_recall"):
        assert 0.0 <= metrics[key] <= 1.0, key
    report = (tmp_path / "metrics.md").read_text()
    assert "| IoU (landslide) |" in report and f"{metrics['iou']:.4f}" in report and "mIoU" in report

    # the same numbers from the worker process, with a threshold and all chips
    monkeypatch.setenv(native_libraries.WORKER_ENV, "process")
    worker = processing.run(EVALUATE, {**base, "SPLIT": "all", "THRESHOLD": 0.3,
                                       "OUTPUT": str(tmp_path / "all.json")})
    written = json.loads((tmp_path / "all.json").read_text())
    assert written["chips"] == 16 and written["threshold"] == 0.3 and worker["IOU"] == written["iou"]
    monkeypatch.setenv(native_libraries.WORKER_ENV, "inline")
    again = processing.run(EVALUATE, {**base, "SPLIT": "all", "THRESHOLD": 0.3,
                                      "OUTPUT": str(tmp_path / "again.json")})
    assert again["IOU"] == pytest.approx(worker["IOU"], abs=1e-6)
    augmented = processing.run(EVALUATE, {**base, "SPLIT": "all", "THRESHOLD": 0.3, "TTA": 2,
                                          "OUTPUT": str(tmp_path / "d4.json")})
    written = json.loads((tmp_path / "d4.json").read_text())
    assert written["tta"] == "d4" and augmented["IOU"] == written["iou"]
    assert "test-time augmentation d4" in (tmp_path / "d4.md").read_text()


def test_bad_inputs_become_processing_exceptions(plugin, trained, scene, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    opt, dem, _, inventory = scene
    missing = tmp_path / "no_such_folder"
    cases = [
        (TRAIN, {"DATA": str(missing), **TINY, "OUTPUT_FOLDER": str(tmp_path / "t")},
         f"The chip folder {missing} does not exist"),
        (EVALUATE, {"MODEL": trained[1]["MODEL"], "DATA": str(missing), "OUTPUT": str(tmp_path / "m.json")},
         f"The chip folder {missing} does not exist"),
        (EVALUATE, {"MODEL": str(tmp_path / "none.onnx"), "DATA": str(tmp_path), "OUTPUT": str(tmp_path / "m.json")},
         "The model file"),
        (EVALUATE, {"MODEL": trained[1]["MODEL"], "DATA": str(tmp_path), "OUTPUT": str(tmp_path / "m.txt")},
         "must be a .json file"),
        (EVALUATE, {"MODEL": trained[1]["MODEL"], "DATA": trained[0]["DATA"], "TEST_REGIONS": "atlantis",
                    "OUTPUT": str(tmp_path / "m.json")}, "region 'atlantis' is not in the data"),
        (TRAIN, {"DATA": str(tmp_path), **TINY, "OUTPUT_FOLDER": str(tmp_path / "t")}, "no chips found"),
        (TRAIN, {"DATA": trained[0]["DATA"], **TINY, "RGB_ONLY": False, "OUTPUT_FOLDER": str(tmp_path / "t")},
         "tick 'RGB only'"),
        (TRAIN, {"DATA": trained[0]["DATA"], **TINY, "SCALE_JITTER": 0.5, "OUTPUT_FOLDER": str(tmp_path / "t")},
         "scale jitter needs a random crop"),
        (TRAIN, {"DATA": trained[0]["DATA"], **TINY, "COARSEST": 4.0, "OUTPUT_FOLDER": str(tmp_path / "t")},
         "a resolution range needs a random crop"),
        (PREPARE, {"OPTICAL": str(opt), "DEM": str(dem), "INVENTORY": str(inventory), "CHIP_SIZE": 50,
                   "OUTPUT_FOLDER": str(tmp_path / "c")}, "chip size must be a multiple of 32"),
    ]
    for alg_id, params, message in cases:
        with pytest.raises(QgsProcessingException) as err:
            processing.run(alg_id, params)
        assert message in str(err.value), (alg_id, str(err.value))
    assert not (tmp_path / "m.json").exists() and not (tmp_path / "m.txt").exists()
    assert not (tmp_path / "t" / "best.safetensors").exists() and not (tmp_path / "c").exists()


def test_cancel_keeps_the_best_model_or_says_none_was_saved(trained, tmp_path):
    """Cancel mid-epoch keeps the best model so far. Cheap: the run resumes from a copy of the trained folder
    (its last.pt after epoch 1), so the cancel comes in epoch 2 without training a whole epoch here."""
    import shutil

    import processing
    from landslide_mapper.model.checkpoint import read_card

    params, trained_result = trained
    shutil.copytree(params["OUTPUT_FOLDER"], tmp_path / "run")
    # 12 training chips in batches of 4: 3 steps per epoch; the trainer asks before each step
    feedback = CancelAfter(1)
    result = processing.run(TRAIN, {**params, "EPOCHS": 10, "OUTPUT_FOLDER": str(tmp_path / "run")},
                            feedback=feedback)
    assert feedback.calls == 2  # one step of epoch 2, then stopped at the first "yes"
    assert any("Resumed from" in line and "at epoch 1" in line for line in feedback.infos)
    assert any(t.startswith("epoch 2/10 step 1/3") and "at most" in t and "left)" in t for t in feedback.texts)
    assert result["STOPPED"] == "cancelled" and result["BEST_EPOCH"] == 1
    assert result["BEST_VAL_IOU"] == pytest.approx(trained_result["BEST_VAL_IOU"])
    assert Path(result["MODEL"]) == tmp_path / "run" / "best.safetensors"
    assert read_card(result["MODEL"]).training["best_epoch"] == 1
    assert any("Training was cancelled" in w and result["MODEL"] in w for w in feedback.warnings)

    early = CancelAfter(0)  # a cancel is not an error: a warning says nothing was saved
    assert processing.run(TRAIN, {**params, "OUTPUT_FOLDER": str(tmp_path / "fresh")}, feedback=early).get(
        "MODEL") is None
    assert "Cancelled by the user: no model was saved." in early.warnings
    assert not (tmp_path / "fresh" / "best.safetensors").exists()
