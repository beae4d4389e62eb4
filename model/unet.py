"""The UNet baseline of the paper's Table 1: a four-level encoder (four 2x2 max-pool downsamplings) and a
symmetric decoder with skip connections; each level two 3x3 conv-BN-ReLU. Input is RGB (fusion 'none') or RGB+DEM
stacked (fusion 'stack'); output one landslide logit per pixel."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .decoder import conv_bn_relu


def _double(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(conv_bn_relu(in_channels, out_channels, 3), conv_bn_relu(out_channels, out_channels, 3))


class UNet(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.arch != "unet":
            raise ValueError(f"UNet cannot build architecture {config.arch!r}")
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
