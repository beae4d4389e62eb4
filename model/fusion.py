"""The multimodal front end: how RGB and DEM channels enter the network.

The model takes ONE tensor ``[N, 3 + K, H, W]``: three optical bands (R, G, B, scaled and standardised as the
model card says) followed by K DEM-derived channels (named in the model card, e.g. ``relative_elevation`` and
``slope``). The front end splits it and produces the map that feeds the backbone.

Modes:
    ``cbam``  The paper's dual-branch fusion: an RGB branch and a DEM branch, each a few conv-BN-ReLU layers at
              full resolution, concatenated and fused by CBAM (channel + spatial attention). The fused map
              (``rgb_channels + dem_channels`` feature channels) is the backbone's input.
    ``cbam_stem`` The same dual-branch CBAM fusion for a PRETRAINED encoder (:class:`StemFusion`): the RGB branch
              is the encoder's own ImageNet-pretrained stem (so its weights are kept, not replaced by a 32-channel
              stem that would start from scratch), the DEM branch (two conv-BN-ReLU, the first strided like the
              stem) joins it at the stem's output, CBAM weighs the concatenation, and a 1x1 projection back to the
              stem's width is ADDED to the stem's output. The projection starts at zero, so training starts from
              exactly the pretrained encoder and learns how much DEM to let in (the zero-initialised residual
              injection of ControlNet / ReZero). Built by FCA-DeepLab (fca_deeplab.py); needs an encoder with a
              separate stem (timm's EfficientNet/MobileNet family, see backbone.py).
    ``stack`` The "conventional" input-level fusion the paper argues against: RGB and DEM stacked as 3 + K bands.
    ``none``  RGB only (the "remove multimodal fusion" ablation); K must be 0.

Where the paper is vague we chose: two 3x3 conv-BN-ReLU layers per branch (the paper says only "dual-branch"),
the branch widths configurable (default 24 for RGB and 8 for the DEM), and CBAM with reduction 4 (the fused map
is narrow, so the usual 16 would leave a one-unit MLP).
"""

from __future__ import annotations

import torch
from torch import nn

from .cbam import CBAM
from .config import FUSION_MODES


def _branch(in_channels: int, out_channels: int, depth: int = 2) -> nn.Sequential:
    layers: list[nn.Module] = []
    channels = in_channels
    for _ in range(depth):
        layers += [nn.Conv2d(channels, out_channels, 3, padding=1, bias=False),
                   nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]
        channels = out_channels
    return nn.Sequential(*layers)


class MultimodalFusion(nn.Module):
    """Split ``[N, 3 + K, H, W]`` into RGB and DEM and fuse them; ``out_channels`` is the backbone's ``in_chans``."""

    def __init__(self, mode: str = "cbam", dem_channels: int = 2, rgb_branch: int = 24, dem_branch: int = 8,
                 reduction: int = 4) -> None:
        super().__init__()
        if mode not in FUSION_MODES:
            raise ValueError(f"fusion mode must be one of {FUSION_MODES}, got {mode!r}")
        if dem_channels < 0:
            raise ValueError(f"dem_channels must be >= 0, got {dem_channels}")
        if mode == "none" and dem_channels != 0:
            raise ValueError("fusion 'none' is RGB only: set dem_channels to 0")
        if mode == "cbam_stem":
            raise ValueError("fusion 'cbam_stem' joins the DEM after the encoder's stem: use StemFusion")
        if mode in ("cbam", "stack") and dem_channels == 0:
            raise ValueError(f"fusion {mode!r} needs DEM channels (dem_channels >= 1); use fusion 'none' for RGB only")
        self.mode = mode
        self.dem_channels = dem_channels
        self.in_channels = 3 + dem_channels
        if mode == "cbam":
            self.rgb_branch = _branch(3, rgb_branch)
            self.dem_branch = _branch(dem_channels, dem_branch)
            self.attention = CBAM(rgb_branch + dem_branch, reduction=reduction)
            self.out_channels = rgb_branch + dem_branch
        else:
            self.out_channels = self.in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.mode != "cbam":
            return x
        rgb, dem = x[:, :3], x[:, 3:]
        return self.attention(torch.cat([self.rgb_branch(rgb), self.dem_branch(dem)], dim=1))


class StemFusion(nn.Module):
    """``cbam_stem`` fusion: ``stem + project(CBAM([stem, dem_branch(dem)]))``, ``project`` zero-initialised.

    ``stem``: the pretrained stem's output ``[N, C, H/s, W/s]``; ``dem``: the DEM channels ``[N, K, H, W]``."""

    def __init__(self, stem_channels: int, dem_channels: int, dem_branch: int = 16, stride: int = 2,
                 reduction: int = 4) -> None:
        super().__init__()
        if dem_channels < 1:
            raise ValueError("fusion 'cbam_stem' needs DEM channels (dem_channels >= 1)")
        self.mode, self.dem_channels, self.in_channels = "cbam_stem", dem_channels, 3 + dem_channels
        self.dem_branch = nn.Sequential(
            nn.Conv2d(dem_channels, dem_branch, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(dem_branch), nn.ReLU(inplace=True), *_branch(dem_branch, dem_branch, depth=1))
        self.attention = CBAM(stem_channels + dem_branch, reduction=reduction)
        self.project = nn.Conv2d(stem_channels + dem_branch, stem_channels, 1, bias=False)
        nn.init.zeros_(self.project.weight)

    def forward(self, stem: torch.Tensor, dem: torch.Tensor) -> torch.Tensor:
        fused = self.attention(torch.cat([stem, self.dem_branch(dem)], dim=1))
        return stem + self.project(fused)
