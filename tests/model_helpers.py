"""Helpers for model tests: a model whose outputs vary (perturbed BN statistics, a classifier calibrated so the
logits spread over a few units), so that parity and round-trip checks compare real numbers, not a flat 0.5."""

from __future__ import annotations

import torch
from torch import nn


def randomise(model: nn.Module, seed: int = 0, in_channels: int | None = None, size: int = 64) -> nn.Module:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.05)
                m.running_var.copy_(1.0 + 0.2 * torch.rand(m.num_features, generator=g))
                m.weight.copy_(1.0 + 0.2 * (torch.rand(m.num_features, generator=g) - 0.5))
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.05)
        model.eval()
        convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
        last = convs[-1]
        if in_channels is None:
            config = getattr(model, "config", None)
            in_channels = config.in_channels if config is not None else convs[0].in_channels
        try:
            y = model(torch.randn(2, in_channels, size, size, generator=g))
            centre, spread = float(y.mean()), float(y.std())
        except RuntimeError:  # a bare layer (e.g. CBAM) with a different input width
            spread = 0.0
        if spread > 0 and last.bias is not None:  # logits ~ N(0, 2): sigmoid neither flat nor saturated
            scale = 2.0 / spread
            last.weight.mul_(scale)
            last.bias.mul_(scale).sub_(centre * scale)
    return model
