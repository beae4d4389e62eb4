"""A diagnostic network whose answer is known: ``logit = gain * (x[:, probe_channel] - level)``.

It is a real (tiny) PyTorch module with weights, saved, loaded and exported to ONNX exactly like FCA-DeepLab, so it
exercises the whole pipeline (scaling, DEM channels, tiling, both engines, stitching, vectorising) with a result
that can be predicted pixel by pixel: e.g. with a DEM channel ``elevation`` (offset 100 m), "landslide" is every
pixel above 100 m. The tests and the environment check use it; it detects nothing real.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig


class ThresholdNet(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.arch != "threshold":
            raise ValueError(f"ThresholdNet cannot build architecture {config.arch!r}")
        self.config = config
        self.probe = nn.Conv2d(config.in_channels, 1, 1)
        with torch.no_grad():
            self.probe.weight.zero_()
            self.probe.weight[0, config.probe_channel] = config.probe_gain
            self.probe.bias.fill_(-config.probe_gain * config.probe_level)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.probe(x)
