"""UNet: the baseline of the paper's Table 1, and a UNet on a timm encoder (the simple reference of our accuracy floor).

- ``unet_encoder='plain'``: a four-level encoder (four 2x2 max-pool downsamplings) and a symmetric decoder with skip
  connections; each level two 3x3 conv-BN-ReLU (``unet_channels``).
- ``unet_encoder=<timm backbone>`` (e.g. ``resnet18``): the backbone's feature pyramid (see ``backbone.py``; built
  with ``pretrained=False``) and a decoder of five 2x upsamplings, each followed by two 3x3 conv-BN-ReLU
  (``unet_decoder_channels``), concatenating the encoder features of the same stride where there are some.

Input is RGB (fusion 'none') or RGB+DEM stacked (fusion 'stack'); output one landslide logit per pixel.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .backbone import Backbone
from .config import ModelConfig
from .decoder import conv_bn_relu


def _double(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(conv_bn_relu(in_channels, out_channels, 3), conv_bn_relu(out_channels, out_channels, 3))


class UNet(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.arch != "unet" or config.unet_encoder != "plain":
            raise ValueError(f"UNet builds arch 'unet' with the plain encoder, not "
                             f"{config.arch!r}/{config.unet_encoder!r}")
        self.config = config
        widths = config.unet_channels
        self.encoder = nn.ModuleList()
        channels = config.in_channels
        for w in widths:
            self.encoder.append(_double(channels, w))
            channels = w
        self.up = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(channels, w, 2, stride=2))
            self.decoder.append(_double(2 * w, w))
            channels = w
        self.classifier = nn.Conv2d(channels, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.encoder):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        skips.pop()
        for up, block in zip(self.up, self.decoder):
            x = block(torch.cat([skips.pop(), up(x)], dim=1))
        return self.classifier(x)


class EncoderUNet(nn.Module):
    """A UNet whose encoder is a timm backbone (stride 32 at the bottom)."""

    def __init__(self, config: ModelConfig, backbone_weights: str | None = None) -> None:
        super().__init__()
        if config.arch != "unet" or config.unet_encoder == "plain":
            raise ValueError("EncoderUNet needs arch 'unet' with a timm encoder (unet_encoder)")
        self.config = config
        self.encoder = Backbone(config.unet_encoder, config.in_channels, output_stride=32,
                                weights_path=backbone_weights)
        reductions, channels = self.encoder.reductions, self.encoder.channels
        if reductions[-1] != 32 or any(b != 2 * a for a, b in zip(reductions, reductions[1:])):
            raise ValueError(f"encoder {config.unet_encoder!r} must halve the resolution at every stage down to "
                             f"stride 32 (strides {reductions})")
        # Skip features by stride, for the upsampled strides 16, 8, 4, 2 and 1 (none at 1, nor where the encoder has
        # no stage at that stride, e.g. stride 2 for ConvNeXt).
        skip_channels = {r: c for r, c in zip(reductions[:-1], channels[:-1])}
        self.skip_index = {r: i for i, r in enumerate(reductions[:-1])}
        self.strides = [16, 8, 4, 2, 1]
        self.blocks = nn.ModuleList()
        in_ch = channels[-1]
        for stride, width in zip(self.strides, config.unet_decoder_channels):
            self.blocks.append(_double(in_ch + skip_channels.get(stride, 0), width))
            in_ch = width
        self.classifier = nn.Conv2d(in_ch, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.encoder.pyramid(x)
        y = features[-1]
        for stride, block in zip(self.strides, self.blocks):
            y = F.interpolate(y, scale_factor=2.0, mode="nearest")
            if stride in self.skip_index:
                y = torch.cat([y, features[self.skip_index[stride]]], dim=1)
            y = block(y)
        return self.classifier(y)
