"""ONNX export: one input ``input`` [N, 3+K, H, W] (RGB then DEM channels, scaled and standardised as the card
says; the graph splits it into the branches), one output ``probability`` [N, 1, H, W] (sigmoid of the landslide
logit). Batch, height and width are dynamic (H and W multiples of 32). Opset 17. The model card is stored in
``metadata_props`` under ``landslide_mapper_card``, plus the keys the Deepness QGIS plugin reads (RGB values in
the 0-255 range divided by 255, then standardised with ``standardization_mean``/``standardization_std``).

``half_weights=True`` stores the large weight tensors as float16, each followed by a ``Cast`` back to float32: the
file is about half the size, the arithmetic stays float32 (ONNX Runtime folds the casts when it loads the graph),
and small tensors (biases, normalisation statistics, whose tiny variances float16 would flush) stay float32."""

from __future__ import annotations

import contextlib
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


def store_weights_half(proto, min_elements: int = 1024) -> int:
    """Store every float32 initializer of at least ``min_elements`` values as float16 plus a ``Cast`` node back to
    float32 (in place). Returns how many tensors were converted."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    graph = proto.graph
    kept, casts = [], []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or int(np.prod(init.dims)) < min_elements:
            kept.append(init)
            continue
        values = numpy_helper.to_array(init)
        if not np.all(np.abs(values) < np.finfo(np.float16).max):
            kept.append(init)
            continue
        half = numpy_helper.from_array(values.astype(np.float16), init.name + "__f16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=init.name + "__to_f32"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)  # the casts first: the node list must stay topologically sorted
    del graph.node[:]
    graph.node.extend(nodes)
    return len(casts)


def _set_card(proto, card: ModelCard) -> None:
    """The card, and the keys the Deepness plugin reads, as the file's metadata (replacing what was there)."""
    meta = {CARD_KEY: card.to_json(), **card.deepness_metadata()}
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value


def replace_onnx_card(path: str | Path, card: ModelCard) -> Path:
    """Write ``card`` into an exported ONNX file's metadata, atomically; the graph and weights stay as they are."""
    import onnx

    path = Path(path)
    proto = onnx.load(path)
    _set_card(proto, card)
    with _written_atomically(path) as tmp:
        onnx.save(proto, tmp)
    return path


@contextlib.contextmanager
def _written_atomically(path: Path):
    """A temporary file name beside ``path``, published onto ``path`` when the block succeeds, removed in any case."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".onnx", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def export_onnx(model: nn.Module, card: ModelCard, path: str | Path, sample_size: int = 64,
                half_weights: bool = False) -> Path:
    """Export ``model`` (eval mode) with its card to ``path``, atomically (``half_weights``: see the module text)."""
    import onnx

    path = Path(path)
    if sample_size % 32:
        raise ValueError("sample_size must be a multiple of 32")
    wrapped = ProbabilityModel(model).eval()
    example = torch.zeros(2, card.in_channels, sample_size, sample_size)  # batch 2: see ENVIRONMENT.md
    with _written_atomically(path) as tmp:
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            # the TorchScript exporter is chosen on purpose: it needs no onnxscript and keeps H, W dynamic
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(
                wrapped, (example,), tmp, input_names=["input"], output_names=["probability"],
                dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                              "probability": {0: "batch", 2: "height", 3: "width"}},
                opset_version=OPSET, do_constant_folding=True, dynamo=False)
        proto = onnx.load(tmp)
        _set_card(proto, card)
        proto.producer_name = "landslide_mapper"
        if half_weights:
            store_weights_half(proto)
            onnx.checker.check_model(proto)
        onnx.save(proto, tmp)
    return path
