"""What a geologist sees before and after a run: defaults from the model, honest names, a readable model card.

- The minimum area and simplification default to values tied to the model's (and the image's) pixel size.
- An image much coarser than the model's resolution gets a warning.
- The detect dialog shows the bundled model's resolution, tile, overlap and threshold (read from the copy of its
  card beside the file, which must match the card inside it), and its help says what that model is and scores.
- The About page shows the card as tables, with only the architecture fields that apply to the network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from detect_options import detect

from landslide_mapper.detection.pipeline import automatic_cleanup, default_model_path
from landslide_mapper.model.card import read_sidecar
from landslide_mapper.model.checkpoint import read_card


@pytest.mark.parametrize("model_res, image_res, min_area, why", [
    (1.0, 10.0, 400.0, "4 pixels of the 10 m image"),   # Sentinel-2 on the bundled 1 m model
    (1.0, 2.0, 25.0, "25 pixels at 1 m"),               # GF-6 PMS (2 m) on the bundled model
    (2.0, 2.0, 100.0, "25 pixels at 2 m"),              # a 2 m model on 2 m imagery
])
def test_automatic_minimum_area_and_simplification(model_res, image_res, min_area, why):
    area, tolerance, words = automatic_cleanup(None, None, model_res, image_res)
    assert area == pytest.approx(min_area) and tolerance == model_res
    assert why in words and "automatic" in words
    # given values are kept as given
    assert automatic_cleanup(10.0, 0.0, model_res, image_res)[:2] == (10.0, 0.0)


def test_coarse_image_warning(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene  # a 2 m scene; the oracle model works at 2 m
    native = detect(opt, tmp_path / "native.gpkg", dem=dem, model=oracle[1], tile=128)
    assert not any("coarser" in w for w in native.warnings)
    fine = detect(opt, tmp_path / "fine.gpkg", dem=dem, model=oracle[1], tile=128, resolution=0.5)
    assert any("4 times coarser than the 0.5 m the model works at" in w for w in fine.warnings), fine.warnings


def test_bundled_card_copy_matches_the_model_file():
    from landslide_mapper.model.checkpoint import read_card

    model = default_model_path()
    assert read_sidecar(model) == read_card(model), (
        "resources/models/*.card.json is stale: run finalize_bundled_model.py, or write it with "
        "landslide_mapper.model.card.write_sidecar(read_card(model), model)")


def test_detect_algorithm_describes_the_model_the_user_runs(plugin):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().createAlgorithmById("landslide_mapper:detect_landslides")
    card = read_sidecar(default_model_path())
    assert alg.displayName() == "Detect landslides"
    help_text = alg.shortHelpString()
    first = re.sub(r"\s*\([^()]*\)", "", card.description.split(". ")[0])
    assert first in help_text
    test = card.metrics["test_ny"]
    assert f"landslide IoU {test['iou']:.2f}" in help_text
    if card.architecture["arch"] != "fca_deeplab":
        assert "using an FCA-DeepLab" not in help_text and "FCA-DeepLab" not in alg.displayName()
    if not card.dem_channels:
        assert "It uses the image only" in help_text
    defaults = {p.name(): p.defaultValue() for p in alg.parameterDefinitions()}
    # empty = the model's own (the core resolves it against the card); the labels name the bundled model's values
    assert (defaults["RESOLUTION"], defaults["TILE_SIZE"], defaults["OVERLAP"], defaults["THRESHOLD"]) == (
        None, None, None, None)
    labels = {p.name(): p.description() for p in alg.parameterDefinitions()}
    assert labels["THRESHOLD"].endswith(f"bundled model: {card.threshold:g})")
    assert labels["TILE_SIZE"].endswith(f"bundled model: {card.tile_size})")
    assert labels["RESOLUTION"].endswith(f"bundled model: {card.resolution_m:g})")
    assert defaults["MIN_AREA"] is None and defaults["SIMPLIFY"] is None  # automatic (the help says how)
    assert "25 pixels at the processing resolution" in help_text


def test_every_figure_in_the_detect_help_is_the_cards(plugin):
    """The help of Detect landslides states the bundled model's figures (threshold, tile, IoU plain and with each
    test-time augmentation) from its card, and no other number between 0 and 1 that could be a stale threshold or
    score; the README's algorithm table says the same thresholds."""
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().createAlgorithmById("landslide_mapper:detect_landslides")
    card = read_card(default_model_path())
    text = re.sub(r"<[^>]+>", "", alg.shortHelpString())
    key = next(k for k, v in card.metrics.items() if k.startswith("test") and isinstance(v, dict))
    tta = card.metrics["test_time_augmentation"]
    expected = {f"threshold {card.threshold:g}", f"tiles of {card.tile_size} px",
                f"{card.metrics[key]['iou']:.3f} plain (threshold {card.threshold:g})",
                f"{tta['flips'][key + '_iou']:.3f} with flips (threshold {card.threshold_for('flips'):g})",
                f"{tta['d4'][key + '_iou']:.3f} with all 8 (threshold {card.threshold_for('d4'):g})"}
    for phrase in expected:
        assert phrase in text, phrase
    allowed = {f"{card.threshold:g}", f"{card.threshold_for('flips'):g}", f"{card.threshold_for('d4'):g}",
               f"{card.metrics[key]['iou']:.2f}", f"{card.metrics[key]['iou']:.3f}",
               f"{tta['flips'][key + '_iou']:.3f}", f"{tta['d4'][key + '_iou']:.3f}"}
    stray = [n for n in re.findall(r"(?<![\d.])0\.\d+", text) if n not in allowed]
    assert stray == [], f"numbers in the help that are not the card's: {stray}"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `TTA` |"))
    assert (f"{card.threshold:.2f} plain, {card.threshold_for('flips'):.2f} flips, "
            f"{card.threshold_for('d4'):.2f} with all 8") in row


def test_about_card_is_tables_not_json(plugin, oracle):
    about = plugin.about_dialog()
    text = about.browser.toPlainText()
    page = about.browser.toHtml()
    card = read_sidecar(default_model_path())
    assert "{" not in text and '": ' not in text  # no raw JSON
    for heading in ("Network", "Inputs", "Scores", "Training", "Limitations"):
        assert heading in text
    assert "<table" in page and "IoU" in text and "Recall" in text
    if card.architecture["arch"] == "unet":  # DeepLab-only fields are not shown for a UNet
        for field in ("aspp channels", "output stride", "small object", "convnext_tiny", "fusion rgb channels"):
            assert field not in text, field
        assert card.architecture["unet_encoder"] in text
    oracle_page = plugin.about_dialog(model_path=oracle[0]).browser.toPlainText()
    assert "oracle-elevation" in oracle_page and "elevation" in oracle_page
