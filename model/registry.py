"""Named configurations: the paper's model, its ablations, its baselines and a CPU-sized variant.

Each entry is a plain dict (saved inside model files and rebuilt from them). Ablations differ from
``fca_deeplab`` in exactly the component they remove, which a test checks.
"""

from __future__ import annotations

from torch import nn

from .config import ModelConfig

_PAPER = ModelConfig().to_dict()  # ConvNeXt-T, CBAM fusion (K = 2), improved decoder, small-object head

_PRETRAINED_FCA = {**_PAPER, "backbone": "tf_efficientnet_lite0", "fusion": "cbam_stem", "fusion_dem_channels": 16,
                   "aspp_channels": 96, "decoder_channels": 64, "low_level_channels": 24}

CONFIGS: dict[str, dict] = {
    # The full paper model (FCA-DeepLab).
    "fca_deeplab": dict(_PAPER),
    # Ablation: remove the multimodal fusion (RGB only).
    "fca_deeplab_no_fusion": {**_PAPER, "fusion": "none", "dem_channels": 0},
    # Ablation: the original ResNet-101 backbone instead of ConvNeXt.
    "fca_deeplab_resnet101": {**_PAPER, "backbone": "resnet101"},
    # Ablation: remove the small-object attention head.
    "fca_deeplab_no_small_object": {**_PAPER, "small_object": False},
    # Baseline: the original DeepLabv3+ (ResNet-101, original decoder, RGB input).
    "deeplabv3plus_resnet101": {**_PAPER, "backbone": "resnet101", "fusion": "none", "dem_channels": 0,
                                "decoder": "original", "dropout_fusion": 0.0, "dropout_classifier": 0.0,
                                "small_object": False},
    # Baseline: UNet with a four-level encoder (RGB input).
    "unet": {**_PAPER, "arch": "unet", "fusion": "none", "dem_channels": 0},
    # The simple reference of the accuracy floor: a UNet on a ResNet-18 encoder (RGB input).
    "unet_resnet18": {**_PAPER, "arch": "unet", "fusion": "none", "dem_channels": 0, "unet_encoder": "resnet18"},
    # CPU-sized FCA-DeepLab: ConvNeXt-atto and a slim ASPP/decoder (about 1/8 of the paper model's FLOPs).
    "fca_deeplab_lite": {**_PAPER, "backbone": "convnext_atto", "fusion_rgb_channels": 16,
                         "fusion_dem_channels": 8, "aspp_channels": 96, "decoder_channels": 64,
                         "low_level_channels": 24},
    # FCA-DeepLab on an ImageNet-pretrainable encoder (train with --encoder-weights imagenet:efficientnet_lite0):
    # the pretrained stem is the RGB branch, the DEM branch joins after it through CBAM (fusion 'cbam_stem', see
    # fusion.py), ASPP, improved decoder and small-object head as in the paper; CPU-sized ASPP/decoder as in
    # fca_deeplab_lite. Its RGB-only ablation and a MobileNetV2 variant are configurations of it.
    "fca_deeplab_efficientnet_lite0": _PRETRAINED_FCA,
    "fca_deeplab_efficientnet_lite0_no_fusion": {**_PRETRAINED_FCA, "fusion": "none", "dem_channels": 0},
    "fca_deeplab_mobilenetv2": {**_PRETRAINED_FCA, "backbone": "mobilenetv2_100"},
    # UNets on ImageNet-pretrainable encoders (train with --encoder-weights imagenet:...; see pretrained.py).
    **{f"unet_{short}": {**_PAPER, "arch": "unet", "fusion": "none", "dem_channels": 0, "unet_encoder": timm_name}
       for short, timm_name in (("efficientnet_lite0", "tf_efficientnet_lite0"),
                                ("efficientnet_lite1", "tf_efficientnet_lite1"),
                                ("efficientnet_lite2", "tf_efficientnet_lite2"),
                                ("mobilenetv2", "mobilenetv2_100"))},
}


def list_configs() -> list[str]:
    return sorted(CONFIGS)


def get_config(name: str, **overrides) -> ModelConfig:
    """The named configuration, with optional overrides (e.g. ``fusion='none', dem_channels=0``)."""
    if name not in CONFIGS:
        raise ValueError(f"unknown model configuration {name!r}; known: {', '.join(list_configs())}")
    return ModelConfig.from_dict({**CONFIGS[name], **overrides})


def build_model(config: ModelConfig | dict | str, backbone_weights: str | None = None) -> nn.Module:
    """Build the network (random initialisation; nothing is downloaded)."""
    if isinstance(config, str):
        config = get_config(config)
    elif isinstance(config, dict):
        config = ModelConfig.from_dict(config)
    if config.arch == "threshold":
        from .diagnostic import ThresholdNet

        return ThresholdNet(config)
    if config.arch == "unet":
        from .unet import EncoderUNet, UNet

        if config.unet_encoder != "plain":
            return EncoderUNet(config, backbone_weights=backbone_weights)
        if backbone_weights:
            raise ValueError("the plain UNet baseline has no pretrained backbone")
        return UNet(config)
    from .fca_deeplab import FCADeepLab

    return FCADeepLab(config, backbone_weights=backbone_weights)
