"""FCA-DeepLab, its ablations and baselines: shapes, gradients, component differences, CBAM arithmetic."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from model_helpers import randomise
from torch import nn

from landslide_mapper.model.cbam import CBAM
from landslide_mapper.model.config import ModelConfig
from landslide_mapper.model.registry import CONFIGS, build_model, get_config, list_configs

ALL = list_configs()


def test_registry_has_the_papers_models():
    assert set(ALL) >= {"fca_deeplab", "fca_deeplab_no_fusion", "fca_deeplab_resnet101",
                        "fca_deeplab_no_small_object", "deeplabv3plus_resnet101", "unet", "fca_deeplab_lite",
                        "unet_resnet18"}
    for name in ALL:  # each config is a plain dict that round-trips
        cfg = get_config(name)
        assert ModelConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("size", [512, 224])
def test_forward_shape(name, size):
    torch.manual_seed(0)
    cfg = get_config(name)
    model = build_model(cfg).eval()
    x = torch.randn(1, cfg.in_channels, size, size)
    with torch.inference_mode():
        y = model(x)
    assert y.shape == (1, 1, size, size)
    assert torch.isfinite(y).all()


def test_paper_model_components():
    model = build_model("fca_deeplab")
    assert model.backbone.name == "convnext_tiny"
    dw = [m for m in model.backbone.modules() if isinstance(m, nn.Conv2d) and m.groups == m.in_channels > 1]
    assert dw and all(m.kernel_size == (7, 7) for m in dw)  # ConvNeXt's 7x7 depthwise kernels
    assert model.aspp.rates == (6, 12, 18)
    assert model.backbone.output_stride == 16
    assert model.fusion.mode == "cbam" and model.fusion.in_channels == 5
    assert isinstance(model.small_object.attention, CBAM)
    assert model.decoder.kind == "improved"
    assert isinstance(model.decoder.fusion_dropout, nn.Dropout2d)
    assert isinstance(model.decoder.classifier_dropout, nn.Dropout2d)
    assert len(model.decoder.refine) == 2  # dual 3x3 convolutions


def _param_counts(model: nn.Module) -> dict[str, int]:
    return {name: sum(p.numel() for p in child.parameters()) for name, child in model.named_children()}


def test_each_ablation_differs_only_in_its_component():
    full = _param_counts(build_model("fca_deeplab"))
    no_small = _param_counts(build_model("fca_deeplab_no_small_object"))
    assert no_small["small_object"] == 0 < full["small_object"]
    assert {k: v for k, v in no_small.items() if k != "small_object"} == \
        {k: v for k, v in full.items() if k != "small_object"}

    no_fusion = _param_counts(build_model("fca_deeplab_no_fusion"))
    assert no_fusion["fusion"] == 0 < full["fusion"]
    # only the fusion and the stem (its input width) change
    assert {k: v for k, v in no_fusion.items() if k not in ("fusion", "backbone")} == \
        {k: v for k, v in full.items() if k not in ("fusion", "backbone")}

    resnet = build_model("fca_deeplab_resnet101")
    assert resnet.backbone.name == "resnet101"
    def changed(name):
        return {k for k, v in CONFIGS[name].items() if v != CONFIGS["fca_deeplab"][k]}

    assert changed("fca_deeplab_resnet101") == {"backbone"}
    assert changed("fca_deeplab_no_fusion") == {"fusion", "dem_channels"}
    assert changed("fca_deeplab_no_small_object") == {"small_object"}

    base = build_model("deeplabv3plus_resnet101")
    assert base.decoder.kind == "original" and len(base.decoder.refine) == 3  # one conv-BN-ReLU
    assert isinstance(base.small_object.attention, nn.Identity) and base.fusion.mode == "none"


def test_gradients_reach_both_branches():
    torch.manual_seed(0)
    model = build_model("fca_deeplab_lite").train()
    x = torch.randn(2, 5, 64, 64)
    loss = F.binary_cross_entropy_with_logits(model(x), (torch.rand(2, 1, 64, 64) > 0.5).float())
    loss.backward()
    for branch in (model.fusion.rgb_branch, model.fusion.dem_branch):
        grads = [p.grad for p in branch.parameters()]
        assert all(g is not None for g in grads)
        assert sum(float(g.abs().sum()) for g in grads) > 0


def test_cbam_matches_hand_computation():
    torch.manual_seed(1)
    cbam = randomise(CBAM(4, reduction=2))
    x = torch.randn(1, 4, 3, 5)
    fc1 = cbam.channel_attention.fc1.weight[:, :, 0, 0]  # [2, 4]
    fc2 = cbam.channel_attention.fc2.weight[:, :, 0, 0]  # [4, 2]
    avg, mx = x.mean(dim=(2, 3))[0], x.amax(dim=(2, 3))[0]
    mlp = lambda v: fc2 @ torch.relu(fc1 @ v)  # noqa: E731
    mc = torch.sigmoid(mlp(avg) + mlp(mx))
    f1 = x * mc[None, :, None, None]                                    # F1 = Mc(F) (x) F
    conv = cbam.spatial_attention.conv.conv
    bn = cbam.spatial_attention.conv.bn
    pooled = torch.stack([f1.mean(dim=1)[0], f1.amax(dim=1)[0]])        # [2, H, W]
    s = torch.zeros(3, 5)
    padded = F.pad(pooled, (3, 3, 3, 3))
    for i in range(3):
        for j in range(5):
            s[i, j] = (padded[:, i:i + 7, j:j + 7] * conv.weight[0]).sum()
    s = (s - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
    expected = f1 * torch.sigmoid(s)[None, None]                        # F2 = Ms(F1) (x) F1
    with torch.no_grad():
        assert torch.allclose(cbam(x), expected, atol=1e-5)


def test_eval_mode_is_deterministic():
    torch.manual_seed(0)
    model = randomise(build_model("fca_deeplab_lite"))
    x = torch.randn(2, 5, 96, 96)
    with torch.inference_mode():
        a, b = model(x), model(x)
    assert torch.equal(a, b)


def test_unet_on_a_timm_encoder():
    from landslide_mapper.model.unet import EncoderUNet

    model = build_model("unet_resnet18")
    assert isinstance(model, EncoderUNet) and model.encoder.name == "resnet18"
    # ResNet-18 has skips at strides 2, 4, 8 and 16 (64, 64, 128, 256 channels) under its stride-32 bottom (512)
    assert sorted(model.skip_index) == [2, 4, 8, 16]
    widths = CONFIGS["unet_resnet18"].get("unet_decoder_channels", ModelConfig().unet_decoder_channels)
    assert [b[0][0].in_channels for b in model.blocks] == [512 + 256, widths[0] + 128, widths[1] + 64,
                                                            widths[2] + 64, widths[3]]
    x = torch.randn(2, 3, 64, 64)
    model(x).mean().backward()  # the gradient reaches the encoder's stem
    assert model.encoder.body.conv1.weight.grad.abs().sum() > 0
    # ConvNeXt has no stride-2 stage: the stride-2 and stride-1 blocks upsample without a skip
    atto = build_model(get_config("unet_resnet18", unet_encoder="convnext_atto"))
    assert sorted(atto.skip_index) == [4, 8, 16]
    assert atto(torch.randn(1, 3, 64, 64)).shape == (1, 1, 64, 64)


@pytest.mark.parametrize("bad, message", [
    ({"backbone": "no_such_net"}, "unknown backbone"),
    ({"fusion": "magic"}, "fusion must be one of"),
    ({"output_stride": 32}, "output_stride must be 8 or 16"),
    ({"fusion": "none"}, "fusion 'none' means RGB only"),
    ({"decoder": "fancy"}, "decoder must be one of"),
    ({"dropout_fusion": 1.5}, "dropout_fusion must be in"),
    ({"colour": 3}, "unknown architecture setting"),
])
def test_bad_configs_get_clear_messages(bad, message):
    with pytest.raises(ValueError, match=message):
        build_model({**CONFIGS["fca_deeplab_lite"], **bad})


@pytest.mark.parametrize("bad, message", [
    ({"unet_decoder_channels": [64, 32]}, "unet_decoder_channels must list 5"),
    ({"unet_encoder": "no_such_net"}, "unknown backbone"),
    ({"fusion": "cbam", "dem_channels": 2}, "not 'cbam'"),
])
def test_bad_unet_configs_get_clear_messages(bad, message):
    with pytest.raises(ValueError, match=message):
        build_model({**CONFIGS["unet_resnet18"], **bad})


def test_backbone_weights_only_from_local_file(tmp_path):
    from safetensors.torch import save_file

    src = build_model("fca_deeplab_lite").backbone.body
    weights = {k.replace("stages_", "stages.", 1): v.clone() for k, v in src.state_dict().items()}
    save_file(weights, tmp_path / "atto.safetensors")
    model = build_model(get_config("fca_deeplab_lite"), backbone_weights=str(tmp_path / "atto.safetensors"))
    own = model.backbone.body.state_dict()
    # the stem takes 24 fused channels, not 3: adapted; every other tensor is copied exactly
    key = next(k for k in own if k.endswith("stages_1.blocks.0.conv_dw.weight"))
    assert torch.equal(own[key], src.state_dict()[key])
