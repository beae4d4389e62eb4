"""Test-time augmentation (detection/tta.py): the orientations, their inverses, the averaging, the per-mode
thresholds of a model card, and the option through detection, evaluation, calibration and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
import synthetic
from detect_options import detect, plan_detection

from landslide_mapper.detection import tta
from landslide_mapper.errors import InputError
from landslide_mapper.model.card import ModelCard
from landslide_mapper.model.checkpoint import read_card, save_checkpoint
from landslide_mapper.model.registry import build_model

# the 8 symmetries of the square, written independently of tta.ORIENTATIONS: (forward, inverse) on [..., H, W]
D4 = {
    "identity": (lambda a: a, lambda a: a),
    "rot90": (lambda a: np.rot90(a, 1, (-2, -1)), lambda a: np.rot90(a, -1, (-2, -1))),
    "rot180": (lambda a: a[..., ::-1, ::-1], lambda a: a[..., ::-1, ::-1]),
    "rot270": (lambda a: np.rot90(a, -1, (-2, -1)), lambda a: np.rot90(a, 1, (-2, -1))),
    "mirror_lr": (lambda a: a[..., :, ::-1], lambda a: a[..., :, ::-1]),
    "mirror_ud": (lambda a: a[..., ::-1, :], lambda a: a[..., ::-1, :]),
    "transpose": (lambda a: np.swapaxes(a, -1, -2), lambda a: np.swapaxes(a, -1, -2)),
    "anti_transpose": (lambda a: np.swapaxes(a, -1, -2)[..., ::-1, ::-1],
                       lambda a: np.swapaxes(a[..., ::-1, ::-1], -1, -2)),
}
FLIPS = ("identity", "mirror_lr", "mirror_ud", "rot180")


def test_orientations_are_the_symmetries_of_the_square_and_invert():
    a = np.random.default_rng(0).random((2, 3, 8, 8))
    for mode, names in (("none", ["identity"]), ("flips", FLIPS), ("d4", list(D4))):
        seen = [tta.orient(a, t, k) for t, k in tta.ORIENTATIONS[mode]]
        expected = [D4[n][0](a) for n in names]
        assert len(seen) == tta.PASSES[mode] == len(names)
        for e in expected:  # each symmetry of the mode exactly once
            assert sum(np.array_equal(s, e) for s in seen) == 1
        for t, k in tta.ORIENTATIONS[mode]:
            assert np.array_equal(tta.unorient(tta.orient(a, t, k), t, k), a)
    rect = np.arange(2 * 6 * 10, dtype=float).reshape(2, 6, 10)  # not square: transposed orientations swap H, W
    for t, k in tta.ORIENTATIONS["d4"]:
        assert np.array_equal(tta.unorient(tta.orient(rect, t, k), t, k), rect)


def _reference(predict_fn, batch, names):
    """The mean over the named symmetries of undo(predict(do(batch))), with the independent table above."""
    return np.mean([D4[n][1](predict_fn(np.ascontiguousarray(D4[n][0](batch)))) for n in names], axis=0)


@pytest.mark.parametrize("mode,names", [("flips", FLIPS), ("d4", list(D4))])
def test_averages_a_position_dependent_predictor_like_the_reference(mode, names):
    rng = np.random.default_rng(1)
    weights = rng.random((16, 16)).astype(np.float32)  # a fixed map: the predictor is not symmetric

    def predict_fn(x):
        return 1 / (1 + np.exp(-(x[:, 0] * weights + x[:, 1] * weights[::-1])))

    batch = rng.normal(size=(3, 3, 16, 16)).astype(np.float32)
    got = tta.predict(predict_fn, batch, mode)
    assert got.shape == (3, 16, 16) and got.dtype == np.float32
    np.testing.assert_allclose(got, _reference(predict_fn, batch, names), rtol=1e-6)
    assert not np.allclose(got, predict_fn(batch), atol=1e-3)  # it did average something


def test_a_symmetric_predictor_gives_its_plain_answer():
    def pixelwise(x):
        return 1 / (1 + np.exp(-x[:, 0] + x[:, 2]))

    batch = np.random.default_rng(2).normal(size=(2, 3, 32, 32)).astype(np.float32)
    for mode in tta.MODES:
        np.testing.assert_allclose(tta.predict(pixelwise, batch, mode), pixelwise(batch), rtol=1e-6)


def test_unknown_mode_is_one_clear_error():
    with pytest.raises(InputError, match="test-time augmentation must be one of none, flips, d4"):
        tta.predict(lambda x: x[:, 0], np.zeros((1, 3, 8, 8), np.float32), "rot45")


def test_card_thresholds_per_mode():
    card = synthetic.oracle_card()
    assert card.threshold_for("d4") == card.threshold == 0.5  # none calibrated: the plain one
    card.tta_thresholds = {"d4": 0.6}
    again = ModelCard.from_json(card.to_json())
    assert again.threshold_for("d4") == 0.6 and again.threshold_for("flips") == 0.5
    assert again.threshold_for("none") == 0.5
    bad = card.to_dict()
    for value, message in (({"rot45": 0.5}, "unknown test-time augmentation"), ({"none": 0.5}, "unknown"),
                           ({"d4": 1.5}, r"must be in \(0, 1\)")):
        with pytest.raises(ValueError, match=message):
            ModelCard.from_dict({**bad, "tta_thresholds": value})


def _oracle_with_tta_thresholds(folder):
    card = synthetic.oracle_card()
    card.tta_thresholds = {"d4": 0.7}
    return save_checkpoint(folder / "oracle-tta.safetensors", build_model(card.config).eval(), card)


def test_detection_uses_the_cards_threshold_for_its_mode(tmp_path, blob_scene):
    opt, dem, _ = blob_scene
    model = _oracle_with_tta_thresholds(tmp_path)
    logs = []
    plan, eng = plan_detection(opt, dem, model, tta="d4", log=logs.append)
    assert plan.threshold == 0.7 and plan.tta == "d4" and isinstance(eng, tta.AugmentedEngine)
    assert isinstance(plan.open_engine(), tta.AugmentedEngine)  # what band workers open: augmented too
    assert any("test-time augmentation d4 (8 passes per chip)" in m for m in logs)
    flips = plan_detection(opt, dem, model, tta="flips")[0]
    assert flips.threshold == 0.5  # no flips threshold in the card: the plain one, and the user is told
    assert flips.warnings == ["the model's card has no threshold chosen for test-time augmentation flips (models "
                              "trained before it existed): its plain threshold 0.5 is used, which may not suit "
                              "averaged probabilities"]
    assert plan_detection(opt, dem, model, tta="d4")[0].warnings == []
    assert plan_detection(opt, dem, model, tta="d4", threshold=0.4)[0].threshold == 0.4  # the user's wins
    plain, eng = plan_detection(opt, dem, model)
    assert plain.threshold == 0.5 and not isinstance(eng, tta.AugmentedEngine)
    with pytest.raises(InputError, match="test-time augmentation"):
        plan_detection(opt, dem, model, tta="all")


def test_detection_with_tta_finds_the_same_landslides_of_a_symmetric_model(tmp_path, oracle, blob_scene):
    """The oracle is a per-pixel threshold (symmetric), so every mode must give the plain polygons: a wrong
    inverse orientation would move or mirror them."""
    opt, dem, _ = blob_scene
    plain = detect(opt, tmp_path / "plain.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "plain.tif")
    for mode in ("flips", "d4"):
        r = detect(opt, tmp_path / f"{mode}.gpkg", dem=dem, model=oracle[1], probability=tmp_path / f"{mode}.tif",
                   tta=mode, tile=96, overlap=16)
        assert r.count == plain.count == 4
        with rasterio.open(tmp_path / "plain.tif") as a, rasterio.open(tmp_path / f"{mode}.tif") as b:
            np.testing.assert_allclose(a.read(1), b.read(1), atol=1e-5)


def test_cli_tta_option(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--optical", str(opt), "--dem", str(dem),
           "--model", str(oracle[1]), "--quiet"]
    ok = subprocess.run(cmd + ["--output", str(tmp_path / "o.gpkg"), "--tta", "flips"], capture_output=True,
                        text=True)
    assert ok.returncode == 0, ok.stderr
    assert "test-time augmentation flips (4 passes per chip)" in ok.stderr
    bad = subprocess.run(cmd + ["--output", str(tmp_path / "b.gpkg"), "--tta", "d8"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice: 'd8'" in bad.stderr and not (tmp_path / "b.gpkg").exists()


def test_calibration_writes_a_threshold_per_mode_into_checkpoints_and_onnx_files(tmp_path):
    """The thresholds are chosen on the validation chips for each mode, stored with their sweeps, and read back
    from both model file kinds; the ONNX file's graph is untouched."""
    import onnx
    from test_train import _chips, _config

    from landslide_mapper.model.checkpoint import load_checkpoint
    from landslide_mapper.model.export import export_onnx
    from landslide_mapper.training.dataset import list_samples, split_by_region
    from landslide_mapper.training.train import ChipSet, calibrate_threshold, evaluate_model, train

    data = _chips(tmp_path / "chips", n=12, with_dem=False)
    r = train(data, tmp_path / "run", _config(epochs=2, overrides={"fusion": "none", "dem_channels": 0}))
    card = read_card(r.best_path)
    assert set(card.tta_thresholds) == {"flips", "d4"}
    sweeps = card.metrics["validation_threshold_sweep_iou_tta"]
    for mode, sweep in sweeps.items():
        assert sweep[f"{card.tta_thresholds[mode]:.2f}"] == max(sweep.values())
    model, card = load_checkpoint(r.best_path)
    card.tta_thresholds = {}
    onnx_path = export_onnx(model, card, tmp_path / "m.onnx")
    graph = onnx.load(onnx_path).graph.SerializeToString()
    assert read_card(onnx_path).tta_thresholds == {}
    val = split_by_region(list_samples(data), val_regions=["aa"], test_regions=["bb"])["val"]
    calibrate_threshold(onnx_path, ChipSet(val, card, False, None, 0))
    onnx_card = read_card(onnx_path)
    assert set(onnx_card.tta_thresholds) == {"flips", "d4"}
    assert onnx.load(onnx_path).graph.SerializeToString() == graph
    result = evaluate_model(onnx_path, data, "test", val_regions=["aa"], test_regions=["bb"], tta="d4")
    assert result["tta"] == "d4" and result["threshold"] == onnx_card.tta_thresholds["d4"]
    assert json.loads(json.dumps(result))["chips"] == 2


def test_rewriting_an_onnx_card_is_atomic(tmp_path, oracle, monkeypatch):
    """A failure while writing leaves the user's file as it was, and no temporary file beside it."""
    import shutil

    import onnx

    from landslide_mapper.model.export import replace_onnx_card

    path = Path(shutil.copy(oracle[1], tmp_path / "model.onnx"))
    before = path.read_bytes()
    card = read_card(path)
    card.tta_thresholds = {"d4": 0.6}

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(onnx, "save", disk_full)
    with pytest.raises(OSError, match="No space left"):
        replace_onnx_card(path, card)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["model.onnx"]
    monkeypatch.undo()
    replace_onnx_card(path, card)
    assert read_card(path).tta_thresholds == {"d4": 0.6} and [p.name for p in tmp_path.iterdir()] == ["model.onnx"]
