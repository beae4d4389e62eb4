"""Safe model files: weights and their model card in one file; loading never executes code.

Formats:
    ``.safetensors``  (written by :func:`save_checkpoint`) tensors plus the card as JSON in the header metadata.
    ``.pt`` / ``.pth`` a dict ``{"card": {...}, "state_dict": {...}}`` read with ``torch.load(weights_only=True)``,
                      which refuses pickled code (a whole ``torch.save(model)`` object is refused with a message).
ONNX files carry their card in ``metadata_props`` (``export.py``; read with :func:`card_from_onnx`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Message, ModelFileError
from .card import ModelCard
from .weights import _check_exists, _sniff, _torch_load_safe, read_state_dict  # noqa: F401 - read_state_dict: API

if TYPE_CHECKING:  # PyTorch is imported only where weights are read or written: ONNX files need no torch
    from torch import nn

CARD_KEY = "landslide_mapper_card"


def publish(tmp: str | Path, path: str | Path) -> None:
    """Move a finished temporary file into place with the permissions a plainly created file would get
    (``mkstemp`` makes 0600 files, which other users, e.g. QGIS under another account, could not read)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def save_checkpoint(path: str | Path, model: nn.Module, card: ModelCard) -> Path:
    """Write weights + card as safetensors, atomically (a temporary file renamed into place)."""
    from safetensors.torch import save_file

    path = Path(path)
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=path.parent)
    os.close(fd)
    try:
        save_file(state, tmp, metadata={CARD_KEY: card.to_json(), "format": "landslide_mapper"})
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def read_card(path: str | Path) -> ModelCard:
    """The model card of any model file (.safetensors, .pt/.pth or .onnx), without building the network."""
    path = Path(path)
    _check_exists(path)
    kind = _sniff(path)
    try:
        if kind == "safetensors":
            from safetensors import safe_open

            try:
                with safe_open(str(path), framework="pt") as f:
                    meta = f.metadata() or {}
            except Exception as exc:  # noqa: BLE001
                raise ModelFileError(Message("cannot read {name}: corrupt or truncated model file ({exc})",
                                             name=path.name, exc=exc)) from exc
            if CARD_KEY not in meta:
                raise ModelFileError(Message("{name} has no Landslide Mapper model card: it is not a model file of "
                                             "this plugin (plain backbone weights?)", name=path.name))
            return ModelCard.from_json(meta[CARD_KEY])
        if kind in ("torch-zip", "pickle"):
            obj = _torch_load_safe(path)
            if not isinstance(obj, dict) or "card" not in obj:
                raise ModelFileError(Message("{name} has no Landslide Mapper model card", name=path.name))
            card = obj["card"]
            return ModelCard.from_json(card) if isinstance(card, str) else ModelCard.from_dict(card)
        if kind == "onnx":
            return card_from_onnx(path)
    except ModelFileError:
        raise
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ModelFileError(Message("{name}: invalid model card: {exc}", name=path.name, exc=exc)) from exc
    raise ModelFileError(Message("{name} is not a model file (expected .onnx, .safetensors, .pt or .pth)",
                                 name=path.name))


def load_checkpoint(path: str | Path, device: str = "cpu") -> tuple[nn.Module, ModelCard]:
    """Build the network its card names and load the weights (eval mode). One clear error for any bad file."""
    from .registry import build_model

    path = Path(path)
    card = read_card(path)
    if _sniff(path) == "onnx":
        raise ModelFileError(Message("{name} is an ONNX graph: run it with the ONNX Runtime engine", name=path.name))
    state = read_state_dict(path)
    try:
        model = build_model(card.config)
    except ValueError as exc:
        raise ModelFileError(Message("{name}: cannot build its architecture: {exc}", name=path.name, exc=exc)) from exc
    mismatch = state_dict_mismatch(model.state_dict(), state)
    if mismatch:
        raise ModelFileError(Message("{name}: the weights do not match the architecture in its card ({mismatch})",
                                     name=path.name, mismatch=mismatch))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "mismatch"
        raise ModelFileError(Message("{name}: the weights do not match the architecture in its card ({first})",
                                     name=path.name, first=first)) from exc
    return model.to(device).eval(), card


def state_dict_mismatch(expected: dict, given: dict, most: int = 3) -> str:
    """What differs between a network's tensors and a file's, naming the tensors: the missing ones, the unexpected
    ones and the ones of another shape (at most ``most`` of each, then a count); empty when they match."""
    parts = []
    missing = [k for k in expected if k not in given]
    unexpected = [k for k in given if k not in expected]
    shapes = [f"{k} {tuple(given[k].shape)} instead of {tuple(expected[k].shape)}" for k in expected
              if k in given and tuple(given[k].shape) != tuple(expected[k].shape)]
    for words, names in (("missing", missing), ("unexpected", unexpected), ("of another shape", shapes)):
        if names:
            more = f" and {len(names) - most} more" if len(names) > most else ""
            parts.append(f"{len(names)} tensor(s) {words}: {', '.join(names[:most])}{more}")
    return "; ".join(parts)


def _onnx_metadata(path: Path) -> dict[str, str]:
    """An ONNX file's ``metadata_props``: with the onnx package (training set) when it is there, else with ONNX
    Runtime, the one ONNX package of the detection set (environment/dependencies.py: PACKAGE_SETS)."""
    try:
        import onnx
    except ImportError:
        onnx = None
    try:
        if onnx is not None:
            return {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # read, do not optimise
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        return dict(session.get_modelmeta().custom_metadata_map)
    except ImportError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ModelFileError(Message("cannot read ONNX file {name}: corrupt or truncated ({exc})", name=path.name,
                                     exc=exc)) from exc


def card_from_onnx(path: str | Path) -> ModelCard:
    """The model card stored in an ONNX file's ``metadata_props``."""
    path = Path(path)
    _check_exists(path)
    meta = _onnx_metadata(path)
    if CARD_KEY not in meta:
        raise ModelFileError(Message("{name} has no Landslide Mapper model card in its metadata (export it with "
                                     "'landslide_mapper:export_onnx' or 'python -m landslide_mapper export-onnx')",
                                     name=path.name))
    try:
        return ModelCard.from_json(meta[CARD_KEY])
    except (ValueError, TypeError) as exc:
        raise ModelFileError(Message("{name}: invalid model card: {exc}", name=path.name, exc=exc)) from exc
