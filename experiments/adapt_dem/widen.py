"""Experiment: the bundled RGB model widened to RGB + DEM (``model/dem_input.py``: the DEM's input weights zero, the
same outputs), its DEM channels' scales divided by the factor given (1: what ``adapt --add-dem`` does).

    .venv/bin/python experiments/adapt_dem/widen.py OUT.safetensors [FACTOR]
"""
import dataclasses
import sys

import torch

from landslide_mapper.detection.pipeline import default_model_path
from landslide_mapper.model.checkpoint import save_checkpoint
from landslide_mapper.model.dem_input import with_dem_input
from landslide_mapper.model.from_onnx import network_from_onnx

base, card = network_from_onnx(default_model_path())
wide, wide_card = with_dem_input(base, card)
k = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
wide_card = dataclasses.replace(wide_card, name="bundled_dem",
                                dem_channels=[{**c, "scale": c["scale"] / k} for c in wide_card.dem_channels])
x = torch.randn(1, 3, 256, 256)
with torch.no_grad():
    d = (base(x) - wide(torch.cat([x, torch.randn(1, 2, 256, 256)], 1))).abs().max()
print("max output difference", float(d))
save_checkpoint(sys.argv[1], wide, wide_card)
