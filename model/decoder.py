"""DeepLabv3+ decoders: the original one and the paper's improved one.

Both: the low-level (stride-4) features are reduced by a 1x1 conv, the ASPP output is upsampled bilinearly to
their size, the two are concatenated and refined by 3x3 convolutions, and a 1x1 classifier gives one landslide
logit per pixel at stride 4 (the model upsamples it to the input size).

``original``  one 3x3 conv-BN-ReLU after the concatenation (the baseline DeepLabv3+ of the paper's Fig. 3).
``improved``  the paper's decoder: "dual convolution" (two 3x3 conv-BN-ReLU) for stronger fusion and
              "hierarchical regularisation": dropout at the fusion (after the concatenation) and again before
              the classifier. The paper gives no rates; we use 0.1 and 0.1 (configurable).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import DECODER_KINDS


def conv_bn_relu(in_channels: int, out_channels: int, kernel: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


class DeepLabV3PlusDecoder(nn.Module):
    def __init__(self, low_in: int, high_in: int, kind: str = "improved", low_channels: int = 48,
                 channels: int = 256, dropout_fusion: float = 0.1, dropout_classifier: float = 0.1,
                 num_classes: int = 1) -> None:
        super().__init__()
        if kind not in DECODER_KINDS:
            raise ValueError(f"decoder must be one of {DECODER_KINDS}, got {kind!r}")
        for name, p in (("dropout_fusion", dropout_fusion), ("dropout_classifier", dropout_classifier)):
            if not 0.0 <= p < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {p}")
        if low_channels < 1 or channels < 1:
            raise ValueError("decoder widths must be >= 1")
        self.kind = kind
        self.reduce_low = conv_bn_relu(low_in, low_channels, 1)
        fused = low_channels + high_in
        if kind == "original":
            self.fusion_dropout = nn.Identity()
            self.refine = conv_bn_relu(fused, channels, 3)
            self.classifier_dropout = nn.Identity()
        else:
            self.fusion_dropout = nn.Dropout2d(dropout_fusion) if dropout_fusion > 0 else nn.Identity()
            self.refine = nn.Sequential(conv_bn_relu(fused, channels, 3), conv_bn_relu(channels, channels, 3))
            self.classifier_dropout = nn.Dropout2d(dropout_classifier) if dropout_classifier > 0 else nn.Identity()
        self.classifier = nn.Conv2d(channels, num_classes, 1)

    def forward(self, low_level: torch.Tensor, high_level: torch.Tensor) -> torch.Tensor:
        low = self.reduce_low(low_level)
        high = F.interpolate(high_level, size=low.shape[-2:], mode="bilinear", align_corners=False)
        x = self.fusion_dropout(torch.cat([low, high], dim=1))
        x = self.refine(x)
        return self.classifier(self.classifier_dropout(x))
