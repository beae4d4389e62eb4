"""FCA-DeepLab: the paper's improved DeepLabv3+, composed from its named parts.

    input [N, 3+K, H, W]
      -> MultimodalFusion (fusion.py: RGB and DEM branches fused by CBAM; with a pretrained encoder, fusion
         'cbam_stem': the encoder's pretrained stem is the RGB branch and the DEM joins after it, StemFusion)
      -> Backbone (backbone.py: ConvNeXt, 7x7 depthwise kernels; output stride 16)
           low-level (stride 4) -> SmallObjectAttention (small_object.py: CBAM)
           deep (stride 16)     -> ASPP (aspp.py)
      -> DeepLabV3PlusDecoder (decoder.py: improved = two 3x3 convs + dropout at fusion and classifier)
      -> bilinear upsampling x4 -> one landslide logit per pixel [N, 1, H, W]

Baselines and ablations are configurations of this one class (see registry.py), not copies.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .aspp import ASPP, aspp_rates
from .backbone import Backbone
from .config import ModelConfig
from .decoder import DeepLabV3PlusDecoder
from .fusion import MultimodalFusion, StemFusion
from .small_object import SmallObjectAttention


class FCADeepLab(nn.Module):
    def __init__(self, config: ModelConfig, backbone_weights: str | None = None) -> None:
        super().__init__()
        if config.arch != "fca_deeplab":
            raise ValueError(f"FCADeepLab cannot build architecture {config.arch!r}")
        self.config = config
        if config.fusion == "cbam_stem":  # the DEM joins after the (pretrained) stem, which sees RGB only
            self.backbone = Backbone(config.backbone, 3, config.output_stride, weights_path=backbone_weights)
            if not self.backbone.has_stem_hook:
                raise ValueError(f"fusion 'cbam_stem' needs an encoder with a separate stem (EfficientNet or "
                                 f"MobileNet), not {config.backbone!r}")
            stem = self.backbone.body.conv_stem
            self.fusion = StemFusion(self.backbone.stem_channels, config.dem_channels, config.fusion_dem_channels,
                                     stride=stem.stride[0])
        else:
            self.fusion = MultimodalFusion(config.fusion, config.dem_channels, config.fusion_rgb_channels,
                                           config.fusion_dem_channels)
            self.backbone = Backbone(config.backbone, self.fusion.out_channels, config.output_stride,
                                     weights_path=backbone_weights)
        self.small_object = SmallObjectAttention(self.backbone.low_channels, enabled=config.small_object)
        self.aspp = ASPP(self.backbone.deep_channels, config.aspp_channels, aspp_rates(config.output_stride))
        self.decoder = DeepLabV3PlusDecoder(self.backbone.low_channels, config.aspp_channels, config.decoder,
                                            config.low_level_channels, config.decoder_channels,
                                            config.dropout_fusion, config.dropout_classifier)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = x.shape[-2:]
        if isinstance(self.fusion, StemFusion):
            dem = x[:, 3:]
            low, deep = self.backbone(x[:, :3], after_stem=lambda stem: self.fusion(stem, dem))
        else:
            low, deep = self.backbone(self.fusion(x))
        logits = self.decoder(self.small_object(low), self.aspp(deep))
        return F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
