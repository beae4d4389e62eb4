"""Record the reference features of every named pretrained encoder on one fixed real Bijie chip (run once; the
result, pretrained_reference.json beside this script, is what tests/test_pretrained.py compares against).

The chip is read from ../shared/datasets/bijie-rgb (its images may not be committed; only these numbers are). For
each encoder and each pyramid level: the mean and standard deviation of the features and the values of the first
four channels at the centre, with the chip scaled to 0-1 and standardised as the pretraining says.

    .venv/bin/python tests/data/record_pretrained_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import rasterio
import torch

from landslide_mapper.model.backbone import Backbone
from landslide_mapper.model.pretrained import WEIGHTS

HERE = Path(__file__).resolve().parent
CHIP = HERE.parents[2] / "shared" / "datasets" / "bijie-rgb" / "images" / "ny001.png"


def chip_input(path: Path, mean, std) -> torch.Tensor:
    with rasterio.open(path) as src:
        rgb = src.read([1, 2, 3]).astype(np.float32) / 255.0
    x = (rgb - np.asarray(mean, np.float32)[:, None, None]) / np.asarray(std, np.float32)[:, None, None]
    return torch.from_numpy(x)[None]


@torch.inference_mode()
def features(name: str, path: Path = CHIP) -> list[dict]:
    weights = WEIGHTS[name]
    encoder = Backbone(weights.timm_name, 3, output_stride=32, weights_path=name).eval()
    levels = encoder.pyramid(chip_input(path, weights.mean, weights.std))
    out = []
    for f in levels:
        h, w = f.shape[-2:]
        out.append({"shape": list(f.shape), "mean": float(f.mean()), "std": float(f.std()),
                    "centre": [float(v) for v in f[0, :4, h // 2, w // 2]]})
    return out


def main() -> None:
    record = {"chip": CHIP.name, "encoders": {name: features(name) for name in sorted(WEIGHTS)}}
    (HERE / "pretrained_reference.json").write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
