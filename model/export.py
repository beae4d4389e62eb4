"""ONNX export: one input ``input`` [N, 3+K, H, W] (RGB then DEM channels, scaled and standardised as the card
says; the graph splits it into the branches), one output ``probability`` [N, 1, H, W] (sigmoid of the landslide
logit). Batch, height and width are dynamic (H and W multiples of 32). Opset 17. The model card is stored in
``metadata_props`` under ``landslide_mapper_card``, plus the keys the Deepness QGIS plugin reads (RGB values in
the 0-255 range divided by 255, then standardised with ``standardization_mean``/``standardization_std``)."""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import torch
from torch import nn

from .card import ModelCard
from .checkpoint import CARD_KEY, publish

OPSET = 17


class ProbabilityModel(nn.Module):
    """The network plus the sigmoid: what engines and ONNX files compute."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, input: torch.Tensor) -> torch.Tensor:  # noqa: A002 - the graph's input name
        return torch.sigmoid(self.net(input))


def export_onnx(model: nn.Module, card: ModelCard, path: str | Path, sample_size: int = 64) -> Path:
    """Export ``model`` (eval mode) with its card to ``path``, atomically."""
    import onnx

    path = Path(path)
    if sample_size % 32:
        raise ValueError("sample_size must be a multiple of 32")
    wrapped = ProbabilityModel(model).eval()
    example = torch.zeros(2, card.in_channels, sample_size, sample_size)  # batch 2: see ENVIRONMENT.md
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".onnx", dir=path.parent)
    os.close(fd)
    try:
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            # the TorchScript exporter is chosen on purpose: it needs no onnxscript and keeps H, W dynamic
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(
                wrapped, (example,), tmp, input_names=["input"], output_names=["probability"],
                dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                              "probability": {0: "batch", 2: "height", 3: "width"}},
                opset_version=OPSET, do_constant_folding=True, dynamo=False)
        proto = onnx.load(tmp)
        meta = {CARD_KEY: card.to_json(), **card.deepness_metadata()}
        del proto.metadata_props[:]
        for key, value in meta.items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = key, value
        proto.producer_name = "landslide_mapper"
        onnx.save(proto, tmp)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
