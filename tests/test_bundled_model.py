"""The bundled model: present, small, honest card, the default everywhere, and it runs on the bundled real sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import fiona
import pytest
from detect_options import detect
from rasterio.crs import CRS

from landslide_mapper.detection.pipeline import default_model_path
from landslide_mapper.model.checkpoint import read_card

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hokkaido-iburi-sample"


def test_bundled_model_file_and_card():
    path = default_model_path()
    assert path.is_file() and path.suffix == ".onnx"
    assert path.stat().st_size < 30 * 1024 * 1024
    card = read_card(path)
    assert card.name == "landslide_mapper_default" and not card.uses_dem
    assert card.config.arch == "unet" and card.config.unet_encoder == "tf_efficientnet_lite0"  # docs/results.md
    assert "UNet on an ImageNet-pretrained tf_efficientnet_lite0 encoder" in card.description
    # the pretraining: named in the card, with its source and licence, and the inputs standardised as in it
    pretraining = card.training["pretraining"]
    assert pretraining["weights"] == "imagenet:efficientnet_lite0" and pretraining["licence"] == "Apache-2.0"
    assert "ImageNet" in pretraining["source"] and "ImageNet" in card.description
    assert card.mean == pretraining["mean"] == [0.5, 0.5, 0.5] and card.std == pretraining["std"]
    # what the Deepness plugin's scaling (8-bit / 255) costs this model, measured and stated in the card
    deepness = card.metrics["deepness_scaling"]
    assert deepness["scaling"] == {"method": "divide", "value": 255}
    assert card.optical_scaling["method"] == "auto" or (
        f"IoU {deepness['test_ny_iou']:.3f} instead of {card.metrics['test_ny']['iou']:.3f}" in card.limitations)
    assert "RGB only" in card.limitations and "Bijie" in card.description
    test = card.metrics["test_ny"]
    assert test["regions"] == ["ny"] and 0.0 < test["iou"] <= 1.0
    assert card.training["regions"]["test"] == ["ny"] and "ny" not in card.training["regions"]["train"]
    assert "validation_threshold_sweep_iou" in card.metrics
    # the training script's default seed is the shipped model's, so that running it retrains this model
    script = (ROOT / "scripts" / "train_bundled_model.sh").read_text()
    assert re.search(r"SEED=\$\{3:-(\d+)\}", script).group(1) == str(card.training["recipe"]["seed"])
    assert f"--scaling {card.optical_scaling['method']}" in script
    assert f"--encoder-weights {pretraining['weights']}" in script
    assert f"--arch {card.training['recipe']['arch']}" in script
    assert float(re.search(r"--lr (\S+)", script).group(1)) == card.training["recipe"]["lr"]
    recorded = json.loads((ROOT / "docs" / "bundled_model.json").read_text())
    assert recorded["test_ny"]["iou"] == pytest.approx(test["iou"])


BIJIE = ROOT.parent / "shared" / "datasets" / "bijie-rgb"


@pytest.mark.skipif(not BIJIE.exists(), reason="needs ../shared/datasets/bijie-rgb")
def test_bundled_models_test_time_augmentation_is_chosen_on_validation_and_reproduces():
    """The card's thresholds per augmentation were chosen on the validation county, and its recorded figure on the
    held-out county is what evaluating the file with that augmentation gives (docs/results.md)."""
    from landslide_mapper.training.train import evaluate_model

    card = read_card(default_model_path())
    assert set(card.tta_thresholds) == {"flips", "d4"}
    for mode, threshold in card.tta_thresholds.items():
        sweep = card.metrics["validation_threshold_sweep_iou_tta"][mode]
        assert sweep[f"{threshold:.2f}"] == max(sweep.values())
    recorded = card.metrics["test_time_augmentation"]["d4"]
    result = evaluate_model(default_model_path(), BIJIE, "test", val_regions=["qx"], test_regions=["ny"], tta="d4")
    assert result["threshold"] == card.tta_thresholds["d4"] == recorded["threshold"]
    assert result["iou"] == pytest.approx(recorded["test_ny_iou"], abs=1e-6)
    summary = json.loads((ROOT / "docs" / "bundled_model.json").read_text())["test_time_augmentation"]["d4"]
    assert summary["test_ny"]["iou"] == pytest.approx(recorded["test_ny_iou"])
    assert f"{recorded['test_ny_iou']:.2f} with test-time augmentation" in card.limitations


PRE_EVENT = ROOT.parent / "shared" / "datasets" / "hokkaido-iburi" / "pre-event"


def test_bundled_model_is_the_default_and_runs_on_the_real_sample(tmp_path):
    bands = [SAMPLE / f"post_{b}.tif" for b in ("B4", "B3", "B2")]
    r = detect(bands, tmp_path / "out.gpkg", dem=SAMPLE / "dsm.tif", min_area=500,
               probability=tmp_path / "p.tif")  # model=None: bundled
    if PRE_EVENT.exists():  # it finds the Iburi scars: see benchmarks/hokkaido_change_proxy.py, docs/results.md
        import importlib.util


        spec = importlib.util.spec_from_file_location("proxy", ROOT / "benchmarks" / "hokkaido_change_proxy.py")
        proxy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(proxy)
        proxies, valid, grid = proxy.scar_proxies((2.0,))
        scars, threshold = proxies[2.0], read_card(default_model_path()).threshold
        marked = valid & (proxy.probability_on_grid(tmp_path / "p.tif", grid) >= threshold)
        recall, precision = (marked & scars).sum() / scars.sum(), (marked & scars).sum() / marked.sum()
        assert recall >= 0.25 and precision >= 0.3, (recall, precision)  # a seed that marked 7 % was not shipped
    assert r.engine == "onnx" and r.count > 0 and r.grid.resolution == read_card(default_model_path()).resolution_m
    with fiona.open(tmp_path / "out.gpkg", layer="landslides") as src:
        assert CRS.from_user_input(src.crs) == CRS.from_epsg(4326)
        props = [f["properties"] for f in src]
    assert all(p["area_m2"] >= 500 and p["mean_elev_m"] is not None for p in props)


JINSHA = ROOT.parent / "shared" / "datasets" / "jinsha-rgbdem"


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_bundled_models_whole_scene_figure_on_jinsha_b_reproduces():
    """The figure the README and docs/results.md give for a real scene of another region (the Jinsha River valley,
    area B), re-measured from the file as a user meets it: the whole scene through detect, scored on the mapped
    pixels, with the per-landslide covered share (training/scene_eval.py)."""
    from landslide_mapper.training.scene_eval import evaluate_scene

    recorded = json.loads((ROOT / "docs" / "bundled_model.json").read_text())["scene_jinsha_b"]
    got = evaluate_scene(None, JINSHA / "area_B_rgb.tif", JINSHA / "area_B_mask.tif")
    assert got["iou"] == pytest.approx(recorded["iou"], abs=2e-3)
    assert got["precision"] == pytest.approx(recorded["precision"], abs=2e-3)
    assert got["covered_share_median"] == pytest.approx(recorded["covered_share_median"], abs=0.02)
    assert got["landslides"] == recorded["landslides"] == 15
