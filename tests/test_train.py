"""Data split, augmentation, the paper's metrics, and training/evaluation on tiny generated chips."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from affine import Affine

from landslide_mapper.errors import CancelledError, InputError
from landslide_mapper.model.checkpoint import load_checkpoint, read_card
from landslide_mapper.model.export import export_onnx
from landslide_mapper.model.registry import get_config
from landslide_mapper.training.dataset import augment, list_samples, region_of, split_by_region
from landslide_mapper.training.metrics import SegmentationMetrics, label_components
from landslide_mapper.training.train import ChipSet, TrainConfig, cosine_lr, evaluate_model, train

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BIJIE = SHARED / "datasets" / "bijie-rgb"


def test_region_names():
    assert region_of("ny123") == "ny" and region_of("dnygf10") == "ny" and region_of("dnypl3") == "ny"
    assert region_of("qxg55") == "qxg" and region_of("dqxgpl1") == "qxg" and region_of("fyb9") == "fyb"


@pytest.mark.skipif(not BIJIE.exists(), reason="needs ../shared/datasets/bijie-rgb")
def test_bijie_split_is_grouped_by_region_and_seeded():
    samples = list_samples(BIJIE)
    assert len(samples) == 1395
    a = split_by_region(samples, seed=0)
    b = split_by_region(samples, seed=0)
    assert {k: [s.name for s in v] for k, v in a.items()} == {k: [s.name for s in v] for k, v in b.items()}
    regions = {k: {s.region for s in v} for k, v in a.items()}
    assert not (regions["train"] & regions["val"]) and not (regions["train"] & regions["test"])
    assert not (regions["val"] & regions["test"])
    assert sum(len(v) for v in a.values()) == 1395
    assert all(len(a[k]) > 0 for k in a)
    c = split_by_region(samples, test_regions=["ny"], val_regions=["js"])
    assert {s.region for s in c["test"]} == {"ny"} and len(c["test"]) == 121  # 72 landslide + 49 negative chips
    with pytest.raises(InputError, match="not in the data"):
        split_by_region(samples, test_regions=["atlantis"])


def test_augmentation_moves_image_dem_and_mask_together():
    rng = np.random.default_rng(3)
    mask = np.zeros((32, 32), np.uint8)
    mask[2:9, 20:30] = 1
    image = np.repeat(mask[None].astype(np.float32), 3, axis=0) * 0.8 + 0.1
    dem = mask[None].astype(np.float32) * 100.0
    seen = set()
    for _ in range(40):
        im, dm, mk = augment(image, dem, mask, rng, jitter=0.0)
        assert np.array_equal(im[0] > 0.5, mk.astype(bool)) and np.array_equal(dm[0] > 50, mk.astype(bool))
        seen.add(mk.tobytes())
    assert len(seen) == 8  # 4 rotations x 2 flips
    im, _, _ = augment(image, None, mask, np.random.default_rng(1), jitter=0.5)
    assert not np.allclose(im, image) and im.min() >= 0 and im.max() <= 1


def test_colour_jitter_strength_reaches_the_training_chips():
    from landslide_mapper.model.card import default_card

    card = default_card("j", get_config("fca_deeplab_lite", fusion="none", dem_channels=0))
    samples = list_samples(BIJIE)[:4]
    plain = ChipSet(samples, card, False, None, 0)[0][0].numpy()
    spread = {}
    for jitter in (0.0, 0.5):
        chips = ChipSet(samples, card, True, None, 0, jitter=jitter)
        # without jitter the training chip only permutes the pixels of the plain one (rotation, flip)
        spread[jitter] = max(abs(np.sort(chips[0][0].numpy(), axis=None) - np.sort(plain, axis=None)).max()
                             for _ in range(6))
    assert spread[0.0] < 1e-5 < 0.05 < spread[0.5]
    with pytest.raises(InputError, match="colour_jitter"):
        TrainConfig(colour_jitter=1.5)


def test_scale_jitter_zooms_image_dem_and_mask_together(tmp_path):
    from landslide_mapper.model.card import default_card
    from landslide_mapper.training.dataset import scaled_window

    rng = np.random.default_rng(0)
    windows = [scaled_window(32, 64, 0.5, rng) for _ in range(200)]
    assert 21 <= min(windows) < 26 and 40 < max(windows) <= 48  # 32 / 1.5 .. 32 * 1.5: zoom in and out
    assert {scaled_window(32, 64, 0.0, rng) for _ in range(5)} == {32}
    assert max(scaled_window(160, 224, 1.0, rng) for _ in range(50)) == 224  # never beyond the chip
    data = _chips(tmp_path / "chips", n=2, size=64)
    card = default_card("s", get_config("fca_deeplab_lite"))  # RGB + DEM (elevation, slope)
    chips = ChipSet(list_samples(data), card, True, 32, 0, jitter=0.0, scale_jitter=0.8)
    bright = (0.42 - card.mean[0]) / card.std[0]  # between background (< 0.24) and landslide (> 0.58) red
    checked = 0
    for _ in range(40):
        x, y = chips[0]
        assert x.shape == (5, 32, 32) and y.shape == (1, 32, 32)
        mask = y[0].numpy() > 0.5
        if 0 < mask.sum() < mask.size:
            z = x[3].numpy()  # the landslide square is raised by 40 m
            assert (mask != (x[0].numpy() > bright)).mean() < 0.05
            assert (mask != (z > (z.min() + z.max()) / 2)).mean() < 0.05
            checked += 1
    assert checked >= 10
    # without scale jitter a chip smaller than the crop is used whole, at its own size (not zoomed to the crop)
    assert ChipSet(list_samples(data), card, True, 96, 0, jitter=0.0)[0][0].shape == (5, 64, 64)
    with pytest.raises(InputError, match="scale jitter needs a random crop"):
        TrainConfig(scale_jitter=0.3)
    with pytest.raises(InputError, match="scale jitter must be"):
        TrainConfig(scale_jitter=2.0, crop=64)


def test_copy_paste_pastes_donor_landslides_with_their_mask():
    from landslide_mapper.training.dataset import copy_paste

    rng = np.random.default_rng(0)
    image = np.full((3, 32, 32), 0.2, np.float32)
    mask = np.zeros((32, 32), np.uint8)
    mask[:4, :4] = 1
    donor_mask = np.zeros((48, 48), np.uint8)
    donor_mask[10:38, 10:38] = 1  # a window of 32 px always holds part of it
    donor_image = np.where(donor_mask[None] > 0, 0.9, 0.5).astype(np.float32)
    for _ in range(20):
        im, mk = copy_paste(image, mask, donor_image, donor_mask, rng)
        pasted = np.isclose(im[0], 0.9)
        assert pasted.any() and mk.dtype == mask.dtype
        assert np.array_equal(mk.astype(bool), pasted | (mask > 0))  # the mask is the union
        assert np.allclose(im[:, ~pasted], 0.2)  # the donor's background is not pasted
    small = np.ones((16, 16), np.uint8)
    im, mk = copy_paste(image, mask, np.ones((3, 16, 16), np.float32), small, rng)
    assert np.array_equal(im, image) and np.array_equal(mk, mask)  # a smaller donor leaves the chip alone


@pytest.mark.skipif(not BIJIE.exists(), reason="needs ../shared/datasets/bijie-rgb")
def test_copy_paste_raises_the_landslide_share_of_real_training_chips(tmp_path):
    from landslide_mapper.model.card import default_card

    card = default_card("c", get_config("unet_resnet18"))
    samples = list_samples(BIJIE)
    samples = [s for s in samples if s.region in ("fyb", "df")][:60]  # background (fyb) and landslide (df) chips

    def share(p):
        chips = ChipSet(samples, card, True, 160, 0, jitter=0.0, copy_paste=p)
        return np.mean([float(chips[i][1].mean()) for i in range(len(chips)) for _ in range(2)])
    assert share(1.0) > 1.5 * share(0.0) > 0
    dem_card = default_card("d", get_config("fca_deeplab_lite"))
    with pytest.raises(InputError, match="copy-paste augmentation is for RGB-only"):
        ChipSet(list_samples(_chips(tmp_path / "chips", n=2, size=64)), dem_card, True, 32, 0, copy_paste=0.5)
    with pytest.raises(InputError, match="copy-paste probability"):
        TrainConfig(copy_paste=1.5)


def test_metrics_match_hand_computation():
    truth = np.zeros((100, 100), bool)
    truth[0:10, 0:10] = True          # small object, 100 px, fully found
    truth[40:100, 40:100] = True      # large object, 3600 px, 30 % found -> missed
    pred = np.zeros_like(truth)
    pred[0:10, 0:10] = True
    pred[40:58, 40:100] = True        # 1080 px of the large one
    pred[20:25, 0:4] = True           # 20 px false positive
    m = SegmentationMetrics()
    m.update(pred, truth)
    r = m.compute()
    tp, fp, fn = 100 + 1080, 20, 3600 - 1080
    tn = 10000 - tp - fp - fn
    assert r["precision"] == pytest.approx(tp / (tp + fp))
    assert r["recall"] == pytest.approx(tp / (tp + fn))
    assert r["accuracy"] == pytest.approx((tp + tn) / 10000)
    assert r["iou"] == pytest.approx(tp / (tp + fp + fn))
    p, rc = tp / (tp + fp), tp / (tp + fn)
    assert r["f1"] == pytest.approx(2 * p * rc / (p + rc))
    assert r["miou"] == pytest.approx((tp / (tp + fp + fn) + tn / (tn + fp + fn)) / 2)
    assert (r["small_objects"], r["small_object_recall"]) == (1, 1.0)
    assert (r["large_objects"], r["large_object_recall"]) == (1, 0.0)
    labels, n = label_components(np.eye(4, dtype=bool))
    assert n == 4  # diagonal pixels are not 4-connected


def _chips(folder: Path, n: int = 16, size: int = 64, with_dem: bool = True, bright: bool = True) -> Path:
    """Chips where the landslide is a bright, raised square (learnable in a few epochs); ``bright=False``: the image
    is noise only and the landslide shows in the DEM alone."""
    rng = np.random.default_rng(0)
    for sub in ("images", "masks") + (("dems",) if with_dem else ()):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    tr = Affine(2.0, 0, 0, 0, -2.0, 0)
    for i in range(n):
        region = ["aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh"][i % 8]
        mask = np.zeros((size, size), np.uint8)
        r, c = rng.integers(0, size - 24, 2)
        mask[r:r + 20, c:c + 20] = 1
        image = (rng.integers(0, 60, (3, size, size)) + mask * (150 if bright else 0)).astype(np.uint8)
        layers = [("images", image), ("masks", mask[None])]
        if with_dem:
            layers.append(("dems", (mask[None] * 40.0 + 300.0).astype(np.float32)))
        for sub, data in layers:
            with rasterio.open(folder / sub / f"{region}{i}.tif", "w", driver="GTiff", width=size, height=size,
                               count=data.shape[0], dtype=data.dtype.name, transform=tr) as dst:
                dst.write(data)
    return folder


def _config(**kw):
    base = dict(arch="fca_deeplab_lite", epochs=3, batch_size=4, lr=3e-3, warmup_epochs=0, patience=50,
                val_regions=["aa"], test_regions=["bb"], tile_size=64, overlap=8, name="tiny")
    base.update(kw)
    return TrainConfig(**base)


def test_train_writes_best_checkpoint_csv_and_resumes(tmp_path):
    data = _chips(tmp_path / "chips")
    r = train(data, tmp_path / "run", _config())
    assert r.epochs_run == 3 and r.stopped == "max_epochs" and r.splits == {"train": 12, "val": 2, "test": 2}
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))
    assert [int(x["epoch"]) for x in rows] == [1, 2, 3]
    card = read_card(r.best_path)
    assert card.training["regions"]["test"] == ["bb"] and card.training["recipe"]["weight_decay"] == 1e-3
    assert card.metrics["validation"]["iou"] == pytest.approx(r.best_val_iou)
    sweep = card.metrics["validation_threshold_sweep_iou"]  # threshold chosen on validation chips
    assert len(sweep) == 11 and sweep[f"{card.threshold:.2f}"] == max(sweep.values())
    assert len(card.dem_channels) == 2 and card.config.fusion == "cbam"
    model, _ = load_checkpoint(r.best_path)
    # resume: a second call with more epochs continues from epoch 3
    r2 = train(data, tmp_path / "run", _config(epochs=5))
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))
    assert [int(x["epoch"]) for x in rows] == [1, 2, 3, 4, 5] and r2.epochs_run == 5


def test_ema_weights_with_recomputed_batchnorm_are_what_is_validated_and_kept(tmp_path):
    from landslide_mapper.model.checkpoint import read_state_dict

    data = _chips(tmp_path / "chips", with_dem=False)
    rgb = {"overrides": {"fusion": "none", "dem_channels": 0}}
    r = train(data, tmp_path / "run", _config(epochs=1, ema_decay=0.5, **rgb))
    best = read_state_dict(r.best_path)
    last = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    assert int(last["ema"]["n_averaged"]) == 3  # one update per step (12 chips, batch 4)
    raw, ema = last["model"], {k[len("module."):]: v for k, v in last["ema"].items() if k.startswith("module.")}
    assert set(best) == set(ema) == set(raw)
    assert all(torch.equal(best[k], ema[k]) for k in best)  # the checkpoint holds the averaged weights ...
    assert any(not torch.equal(best[k], raw[k]) for k in best if best[k].is_floating_point())  # ... not the raw ones
    r2 = train(data, tmp_path / "run", _config(epochs=2, ema_decay=0.5, **rgb))  # resumes the average too
    last = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    assert int(last["ema"]["n_averaged"]) == 6 and r2.epochs_run == 2
    # BatchNorm statistics are recomputed for the averaged weights before each validation (3 batches here), not
    # averaged or carried over: the raw model has tracked all 6 training batches
    tracked = [k for k in last["model"] if k.endswith("num_batches_tracked")]
    assert tracked and all(int(last["model"][k]) == 6 and int(last["ema"]["module." + k]) == 3 for k in tracked)
    with pytest.raises(InputError, match="EMA decay"):
        TrainConfig(ema_decay=1.0)


def test_percentile_scaling_goes_into_the_card_and_stretches_every_chip(tmp_path):
    data = _chips(tmp_path / "chips", with_dem=False)
    r = train(data, tmp_path / "run", _config(epochs=1, scaling="percentile",
                                              overrides={"fusion": "none", "dem_channels": 0}))
    card = read_card(r.best_path)
    assert card.optical_scaling == {"method": "percentile"}
    # 8-bit chips are stretched between their own 2 and 98 % values, not divided by 255
    x = ChipSet(list_samples(data)[:1], card, False, None, 0)[0][0].numpy()
    top = (1.0 - np.asarray(card.mean)) / np.asarray(card.std)  # what the 98th percentile and above become
    assert np.allclose(x.reshape(3, -1).max(axis=1), top, atol=1e-5)
    assert all((x[b] >= top[b] - 1e-5).mean() >= 0.02 for b in range(3))
    with pytest.raises(InputError, match="scaling must be"):
        TrainConfig(scaling="minmax")


def test_early_stopping_after_warmup(tmp_path):
    data = _chips(tmp_path / "chips", with_dem=False)
    r = train(data, tmp_path / "run", _config(epochs=40, lr=1e-9, patience=2, warmup_epochs=4, min_delta=0.5,
                                                overrides={"fusion": "none", "dem_channels": 0}))
    assert r.stopped == "early_stopping" and r.epochs_run == 4  # best at 1; patience 2 counted only after warm-up


def test_cancel_keeps_best_checkpoint(tmp_path):
    data = _chips(tmp_path / "chips")
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 4  # epoch 1 has 3 steps: cancel in epoch 2

    r = train(data, tmp_path / "run", _config(epochs=10), is_cancelled=cancel)
    assert r.stopped == "cancelled" and r.best_epoch == 1 and r.best_path.exists()
    with pytest.raises(CancelledError):
        train(data, tmp_path / "run2", _config(), is_cancelled=lambda: True)
    assert not (tmp_path / "run2" / "best.safetensors").exists()


def test_evaluate_same_with_both_engines_and_learns(tmp_path):
    data = _chips(tmp_path / "chips", n=24, with_dem=False)
    torch.manual_seed(0)
    r = train(data, tmp_path / "run", _config(epochs=12, overrides={"fusion": "none", "dem_channels": 0},
                                              val_regions=["aa"], test_regions=["bb", "cc"]))
    a = evaluate_model(r.best_path, data, "test", val_regions=["aa"], test_regions=["bb", "cc"])
    model, card = load_checkpoint(r.best_path)
    onnx_path = export_onnx(model, card, tmp_path / "m.onnx")
    b = evaluate_model(onnx_path, data, "test", val_regions=["aa"], test_regions=["bb", "cc"])
    assert a["chips"] == b["chips"] == 6 and a["regions"] == ["bb", "cc"]
    assert a["iou"] == pytest.approx(b["iou"], abs=1e-3)
    assert a["iou"] > 0.3  # a bright square is learnable: better than chance (~0.1)


def test_cosine_schedule_ends_low_when_the_time_budget_stops_the_run():
    nominal = TrainConfig(lr=1e-3, epochs=180)
    assert cosine_lr(nominal, 0.0, 0.0) == pytest.approx(1e-3)
    assert cosine_lr(nominal, 0.5, 0.0) == pytest.approx(5e-4)
    assert cosine_lr(nominal, 1.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    budget = TrainConfig(lr=1e-3, epochs=180, time_budget_s=100.0)
    # a third of the epochs but 90 % of the budget: the budget's progress wins
    assert cosine_lr(budget, 0.33, 90.0) == pytest.approx(1e-3 * 0.5 * (1 + math.cos(math.pi * 0.9)))
    assert cosine_lr(budget, 0.1, 500.0) == pytest.approx(0.0, abs=1e-12)


def test_init_starts_from_a_trained_model_and_reproduces_its_outputs(tmp_path):
    from landslide_mapper.detection.engines import open_engine
    from landslide_mapper.training.train import initial_model

    data = _chips(tmp_path / "chips", with_dem=False)
    rgb = {"overrides": {"fusion": "none", "dem_channels": 0}}
    base = train(data, tmp_path / "base", _config(epochs=1, arch="unet_mobilenetv2", scaling="percentile",
                                                   resolution_m=1.5, tta_thresholds=False, **rgb))
    onnx_path = export_onnx(*load_checkpoint(base.best_path), tmp_path / "base.onnx")
    model, card = initial_model(base.best_path, "adapted")
    assert card.resolution_m == 1.5 and card.optical_scaling == {"method": "percentile"}
    assert card.training["base_model"]["name"] == "tiny" and card.training["base_model"]["file"] == "best.safetensors"
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        ours = torch.sigmoid(model.eval()(x)).numpy()[:, 0]
    for path in (base.best_path, onnx_path):  # before any step: the base model's outputs, PyTorch and ONNX alike
        assert np.allclose(ours, open_engine(path, "auto", "cpu").predict(x.numpy()), atol=1e-4)
    rebuilt, rebuilt_card = initial_model(onnx_path, "adapted")  # the network rebuilt from the graph
    assert rebuilt_card.config == card.config and rebuilt_card.training["base_model"]["file"] == "base.onnx"
    with torch.no_grad():
        assert np.allclose(torch.sigmoid(rebuilt.eval()(x)).numpy()[:, 0], ours, atol=1e-4)
    # a run from it keeps the base's card values whatever the flags say, and records the base
    r = train(data, tmp_path / "adapted", _config(epochs=1, init=str(base.best_path), resolution_m=9.0,
                                                  tta_thresholds=False))
    adapted = read_card(r.best_path)
    assert adapted.resolution_m == 1.5 and adapted.config == card.config and adapted.name == "tiny"
    assert adapted.training["base_model"]["sha256"] and adapted.training["recipe"]["init"] == str(base.best_path)
    with pytest.raises(InputError, match="leave out --encoder-weights"):
        TrainConfig(init=str(base.best_path), encoder_weights="imagenet:efficientnet_lite0")


def test_layers_decoder_keeps_the_encoders_weights(tmp_path):
    """``train --init MODEL --layers decoder`` (as ``adapt --layers decoder``): the encoder of the base model keeps its
    weights to the bit, the rest trains."""
    from landslide_mapper.cli import main
    from landslide_mapper.model.backbone import Backbone
    from landslide_mapper.training.train import initial_model

    data = _chips(tmp_path / "chips", with_dem=False)
    rgb = {"overrides": {"fusion": "none", "dem_channels": 0}}
    base = train(data, tmp_path / "base", _config(epochs=1, arch="unet_mobilenetv2", tta_thresholds=False, **rgb))
    start, _ = initial_model(base.best_path, "x")
    encoder = {f"{name}.{k}" for name, m in start.named_modules() if isinstance(m, Backbone)
               for k in m.state_dict()}
    before = start.state_dict()
    assert encoder and len(encoder) < len(before)

    def run(layers: str, out: str) -> dict:
        assert main(["train", "--data", str(data), "--out", str(tmp_path / out), "--init", str(base.best_path),
                     "--layers", layers, "--epochs", "2", "--lr", "3e-3", "--batch", "4", "--val-regions", "aa",
                     "--test-regions", "bb", "--no-tta-thresholds", "--quiet"]) == 0
        return torch.load(tmp_path / out / "last.pt", weights_only=True)["model"]

    def changed(state: dict, keys) -> set:
        return {k for k in keys if before[k].is_floating_point() and not torch.equal(state[k], before[k])}

    frozen = run("decoder", "frozen")
    assert not changed(frozen, encoder)
    assert changed(frozen, set(before) - encoder)  # the decoder trained
    assert changed(run("all", "all"), encoder)     # and without the flag the encoder trains too (the check can fail)


def test_add_dem_gives_an_rgb_model_a_dem_input_that_starts_as_the_rgb_model(tmp_path):
    """``train --init RGB_MODEL --add-dem`` (as ``adapt`` with a DEM): the network reads RGB + the default DEM
    channels, keeps every weight of the RGB model, and its weights on the DEM start at zero, so its outputs are the
    RGB model's whatever the DEM holds; training then moves them."""
    from model_helpers import randomise

    from landslide_mapper.cli import main
    from landslide_mapper.model.dem_input import with_dem_input
    from landslide_mapper.model.registry import build_model
    from landslide_mapper.training.train import initial_model

    rgb_chips = _chips(tmp_path / "rgb_chips", with_dem=False)
    rgb = {"overrides": {"fusion": "none", "dem_channels": 0}}
    base = train(rgb_chips, tmp_path / "base", _config(epochs=1, arch="unet_mobilenetv2", tta_thresholds=False, **rgb))
    plain, _ = initial_model(base.best_path, "x")
    wide, card = initial_model(base.best_path, "x", add_dem=True)
    assert card.uses_dem and card.config.fusion == "stack" and card.config.in_channels == 5
    assert card.training["base_model"]["dem_input_added"] == ["relative_elevation", "slope"]
    x, dem = torch.randn(2, 3, 64, 64), 10 * torch.randn(2, 2, 64, 64)
    with torch.no_grad():
        assert torch.allclose(plain.eval()(x), wide.eval()(torch.cat([x, dem], 1)), atol=1e-5)
    # FCA-DeepLab RGB-only (fusion none) too: the DEM is stacked before the backbone's stem
    fca_card = dataclasses.replace(read_card(base.best_path), architecture=get_config(
        "fca_deeplab_lite", fusion="none", dem_channels=0).to_dict())
    fca = randomise(build_model(fca_card.config))
    fca_wide, fca_wide_card = with_dem_input(fca, fca_card)
    with torch.no_grad():
        assert torch.allclose(fca(x), fca_wide(torch.cat([x, dem], 1)), atol=1e-5)
    assert fca_wide_card.uses_dem and with_dem_input(fca_wide, fca_wide_card)[0] is fca_wide  # a DEM model: as it is

    dem_chips = _chips(tmp_path / "dem_chips", with_dem=True)
    assert main(["train", "--data", str(dem_chips), "--out", str(tmp_path / "wide"), "--init", str(base.best_path),
                 "--add-dem", "--epochs", "2", "--lr", "3e-3", "--batch", "4", "--val-regions", "aa",
                 "--test-regions", "bb", "--no-tta-thresholds", "--quiet"]) == 0
    assert read_card(tmp_path / "wide" / "best.safetensors").uses_dem
    trained = torch.load(tmp_path / "wide" / "last.pt", weights_only=True)["model"]
    stems = [v for v in trained.values() if v.ndim == 4 and v.shape[1] == 5]
    assert len(stems) == 1 and stems[0][:, 3:].abs().max() > 0  # training gave the DEM a weight
    with pytest.raises(InputError, match="only be added to a trained model"):
        TrainConfig(add_dem=True)
