"""ASPP, Atrous Spatial Pyramid Pooling (DeepLabv3): a 1x1 branch, three 3x3 atrous branches and image pooling,
concatenated and projected. Rates 6/12/18 at output stride 16 (doubled at output stride 8).

The layers are torchvision's reference ``ASPP`` (the implementation torchvision's DeepLabv3 uses), composed here
under the paper's name rather than re-written.
"""

from __future__ import annotations

from torch import nn
from torchvision.models.segmentation.deeplabv3 import ASPP as _TorchvisionASPP


def aspp_rates(output_stride: int) -> tuple[int, int, int]:
    """The DeepLab atrous rates for an output stride."""
    if output_stride == 16:
        return (6, 12, 18)
    if output_stride == 8:
        return (12, 24, 36)
    if output_stride == 32:
        return (3, 6, 9)
    raise ValueError(f"output_stride must be 8, 16 or 32, got {output_stride}")


class ASPP(nn.Module):
    """``[N, in_channels, h, w] -> [N, out_channels, h, w]`` (dropout 0.5 after the projection, as torchvision)."""

    def __init__(self, in_channels: int, out_channels: int = 256, rates: tuple[int, ...] = (6, 12, 18)) -> None:
        super().__init__()
        if out_channels < 1:
            raise ValueError(f"ASPP out_channels must be >= 1, got {out_channels}")
        self.rates = tuple(rates)
        self.out_channels = out_channels
        self.aspp = _TorchvisionASPP(in_channels, list(rates), out_channels)

    def forward(self, x):
        return self.aspp(x)
