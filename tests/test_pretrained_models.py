"""FCA-DeepLab and UNets on ImageNet-pretrained encoders: the pretrained stem is kept, the DEM joins after it
(zero-initialised, so training starts from the pretrained encoder), gradients reach every part, and on synthetic
chips the DEM-only signal and the RGB signal are both learnt."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from test_train import _chips, _config

from landslide_mapper.model.checkpoint import load_checkpoint, read_card
from landslide_mapper.model.fusion import StemFusion
from landslide_mapper.model.pretrained import load_named
from landslide_mapper.model.registry import CONFIGS, build_model, get_config
from landslide_mapper.training.train import ChipSet, evaluate_loader, train

PRETRAINED = {"fca_deeplab_efficientnet_lite0": "imagenet:efficientnet_lite0",
              "fca_deeplab_efficientnet_lite0_no_fusion": "imagenet:efficientnet_lite0",
              "fca_deeplab_mobilenetv2": "imagenet:mobilenetv2",
              "unet_efficientnet_lite0": "imagenet:efficientnet_lite0",
              "unet_efficientnet_lite1": "imagenet:efficientnet_lite1",
              "unet_efficientnet_lite2": "imagenet:efficientnet_lite2",
              "unet_mobilenetv2": "imagenet:mobilenetv2"}


def test_every_pretrained_configuration_is_registered_with_its_weights():
    assert set(PRETRAINED) <= set(CONFIGS)
    for name, weights in PRETRAINED.items():
        cfg = get_config(name)
        encoder = cfg.backbone if cfg.arch == "fca_deeplab" else cfg.unet_encoder
        assert load_named(weights)[1].timm_name == encoder


def test_fca_deeplab_keeps_the_pretrained_stem_and_the_papers_parts():
    model = build_model("fca_deeplab_efficientnet_lite0", backbone_weights="imagenet:efficientnet_lite0")
    state, _ = load_named("imagenet:efficientnet_lite0")
    stem = model.backbone.body.conv_stem.weight
    assert stem.shape[1] == 3 and torch.equal(stem, state["conv_stem.weight"])  # not adapted, not thrown away
    assert isinstance(model.fusion, StemFusion) and model.fusion.dem_channels == 2
    assert model.decoder.kind == "improved" and model.config.small_object and model.aspp.rates == (6, 12, 18)
    # the RGB-only ablation differs in the fusion alone
    assert {k for k, v in CONFIGS["fca_deeplab_efficientnet_lite0_no_fusion"].items()
            if v != CONFIGS["fca_deeplab_efficientnet_lite0"][k]} == {"fusion", "dem_channels"}
    with pytest.raises(ValueError, match="separate stem"):
        build_model({**CONFIGS["fca_deeplab_efficientnet_lite0"], "backbone": "resnet18"})
    with pytest.raises(ValueError, match="not 'cbam_stem'"):
        build_model({**CONFIGS["unet_efficientnet_lite0"], "fusion": "cbam_stem", "dem_channels": 2})


def test_the_dem_starts_switched_off_and_gradients_open_it():
    torch.manual_seed(0)
    model = build_model("fca_deeplab_efficientnet_lite0", backbone_weights="imagenet:efficientnet_lite0").train()
    x = torch.randn(2, 5, 64, 64)
    other = torch.cat([x[:, :3], torch.randn(2, 2, 64, 64)], dim=1)
    with torch.no_grad():
        model.eval()
        assert torch.equal(model(x), model(other))  # zero projection: exactly the pretrained encoder at first
        model.train()
    optim = torch.optim.SGD(model.parameters(), lr=0.1)
    target = (torch.rand(2, 1, 64, 64) > 0.5).float()
    for _ in range(2):
        optim.zero_grad()
        F.binary_cross_entropy_with_logits(model(x), target).backward()
        optim.step()
    for part in (model.fusion.project, model.fusion.dem_branch, model.fusion.attention, model.backbone,
                 model.aspp, model.decoder, model.small_object):
        grads = [p.grad for p in part.parameters()]
        assert all(g is not None for g in grads) and sum(float(g.abs().sum()) for g in grads) > 0, part
    with torch.no_grad():
        model.eval()
        assert not torch.allclose(model(x), model(other))


@pytest.mark.parametrize("name", sorted(n for n in PRETRAINED if n.startswith("unet_")))
def test_gradients_reach_every_pretrained_unet_encoder_stage(name):
    model = build_model(name, backbone_weights=PRETRAINED[name]).train()
    F.binary_cross_entropy_with_logits(model(torch.randn(2, 3, 64, 64)), torch.ones(2, 1, 64, 64)).backward()
    assert all(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in model.parameters() if p.ndim == 4)


def _iou(model_path, data, dem_scale: float = 1.0) -> float:
    model, card = load_checkpoint(model_path)
    from landslide_mapper.training.dataset import list_samples, split_by_region

    val = split_by_region(list_samples(data), seed=0, val_regions=["aa", "cc"], test_regions=["bb"])["val"]
    chips = ChipSet(val, card, False, None, 0)
    batch = [chips[i] for i in range(len(chips))]
    xs = torch.stack([x for x, _ in batch])
    xs[:, 3:] *= dem_scale
    loader = [(xs, torch.stack([y for _, y in batch]))]
    return evaluate_loader(model, loader, "cpu", threshold=card.threshold, objects=False)["iou"]


def test_fca_deeplab_on_a_pretrained_encoder_learns_the_dem_signal(tmp_path):
    """Chips whose image is noise: the landslide (a raised square) is in the DEM only."""
    data = _chips(tmp_path / "chips", n=32, bright=False)
    result = train(data, tmp_path / "run", _config(arch="fca_deeplab_efficientnet_lite0", epochs=25, lr=3e-3,
                                                   val_regions=["aa", "cc"], encoder_weights=
                                                   "imagenet:efficientnet_lite0"))
    card = read_card(result.best_path)
    assert card.training["pretraining"]["weights"] == "imagenet:efficientnet_lite0"
    learnt = _iou(result.best_path, data)
    print(f"DEM-only chips: validation IoU {learnt:.3f}, without the DEM {_iou(result.best_path, data, 0.0):.3f}")
    assert learnt > 0.5
    assert _iou(result.best_path, data, dem_scale=0.0) < 0.5 * learnt  # without the DEM it is lost


def test_fca_deeplab_on_a_pretrained_encoder_learns_rgb(tmp_path):
    data = _chips(tmp_path / "chips", n=24, with_dem=False)
    result = train(data, tmp_path / "run", _config(arch="fca_deeplab_efficientnet_lite0", epochs=6, lr=2e-3,
                                                   overrides={"fusion": "none", "dem_channels": 0},
                                                   val_regions=["aa", "cc"],
                                                   encoder_weights="imagenet:efficientnet_lite0"))
    assert result.best_val_iou > 0.5


def test_cli_train_encoder_weights_unknown_name_or_missing_file_is_one_line(tmp_path):
    import subprocess
    import sys

    data = _chips(tmp_path / "chips", n=8, with_dem=False)
    base = [sys.executable, "-m", "landslide_mapper", "train", "--data", str(data), "--out", str(tmp_path / "r"),
            "--arch", "unet_efficientnet_lite0", "--epochs", "1", "--quiet"]
    for spec, message in (("imagenet:resnet9", "unknown pretrained weights 'imagenet:resnet9'"),
                          (str(tmp_path / "none.pth"), "encoder weights file not found")):
        bad = subprocess.run(base + ["--encoder-weights", spec], capture_output=True, text=True, cwd="/")
        assert bad.returncode != 0 and "Traceback" not in bad.stderr
        lines = [ln for ln in bad.stderr.strip().splitlines() if ln.strip()]
        assert message in lines[-1]
    assert not (tmp_path / "r" / "best.safetensors").exists()
