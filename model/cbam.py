"""CBAM, the Convolutional Block Attention Module (Woo et al., 2018): the paper's Eq. 1.

    F1 = Mc(F) (x) F        channel attention: a shared MLP over the average- and max-pooled channel
                            descriptors, summed, sigmoid
    F2 = Ms(F1) (x) F1      spatial attention: a 7x7 convolution over the channel-wise average and max maps
                            (then batch norm, as in CBAM's reference code), sigmoid

The arithmetic is timm's ``CbamModule`` (one implementation, composed rather than copied); this file gives it
the paper's name and parameters. FCA-DeepLab uses it twice: in the RGB/DEM fusion front end (``fusion.py``) and
in the small-object attention head (``small_object.py``).
"""

from __future__ import annotations

from timm.layers.cbam import CbamModule
from torch import nn


class CBAM(nn.Module):
    """Channel then spatial attention over a feature map ``[N, C, H, W]``; output has the same shape.

    Args:
        channels: C.
        reduction: the channel MLP's hidden width is ``max(C // reduction, 1)``.
        spatial_kernel: kernel of the spatial-attention convolution (7 in the paper).
    """

    def __init__(self, channels: int, reduction: int = 16, spatial_kernel: int = 7) -> None:
        super().__init__()
        if channels < 1:
            raise ValueError(f"CBAM needs at least one channel, got {channels}")
        if reduction < 1:
            raise ValueError(f"CBAM reduction must be >= 1, got {reduction}")
        if spatial_kernel % 2 != 1:
            raise ValueError(f"CBAM spatial kernel must be odd, got {spatial_kernel}")
        hidden = max(channels // reduction, 1)
        self.attention = CbamModule(channels, rd_channels=hidden,
                                    spatial_kernel_size=spatial_kernel)

    @property
    def channel_attention(self) -> nn.Module:
        return self.attention.channel

    @property
    def spatial_attention(self) -> nn.Module:
        return self.attention.spatial

    def forward(self, x):
        return self.attention(x)
