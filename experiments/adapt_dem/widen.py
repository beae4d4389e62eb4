"""Experiment: the bundled RGB model widened to RGB + DEM (stacked), the DEM's input weights zero (same outputs)."""
import dataclasses
import sys

import torch

from landslide_mapper.detection.pipeline import default_model_path
from landslide_mapper.model.card import DEFAULT_DEM_CHANNELS
from landslide_mapper.model.checkpoint import save_checkpoint
from landslide_mapper.model.from_onnx import network_from_onnx
from landslide_mapper.model.registry import build_model

base, card = network_from_onnx(default_model_path())
arch = {**card.architecture, "fusion": "stack", "dem_channels": 2}
k = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
chans = [{**c, "scale": c["scale"] / k} for c in DEFAULT_DEM_CHANNELS[:2]]
wide_card = dataclasses.replace(card, architecture=arch, dem_channels=chans,
                                name="bundled_dem")
wide = build_model(wide_card.config).eval()
sd, new = base.state_dict(), wide.state_dict()
out = {}
for k, v in new.items():
    b = sd[k]
    if b.shape != v.shape:
        print("widened", k, tuple(b.shape), "->", tuple(v.shape))
        w = torch.zeros_like(v)
        w[:, : b.shape[1]] = b
        out[k] = w
    else:
        out[k] = b
wide.load_state_dict(out)
x = torch.randn(1, 3, 256, 256)
with torch.no_grad():
    d = (base(x) - wide(torch.cat([x, torch.randn(1, 2, 256, 256)], 1))).abs().max()
print("max output difference", float(d))
save_checkpoint(sys.argv[1], wide, wide_card)
