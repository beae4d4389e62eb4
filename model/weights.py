"""Reading a weights file: the small reader below both the backbone (local ImageNet weights) and the model files
(``checkpoint.py``), so that neither imports the other (``backbone -> checkpoint -> registry -> fca_deeplab ->
backbone`` was an import circle). Loading never executes code: safetensors, or ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Message, ModelFileError

if TYPE_CHECKING:
    import torch


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise ModelFileError(Message("model file not found: {path}", path=path))
    if not path.is_file():
        raise ModelFileError(Message("model path is not a file: {path}", path=path))


def _sniff(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    if head[:4] == b"PK\x03\x04":
        return "torch-zip"
    if head[:1] == b"\x80":
        return "pickle"
    if path.suffix.lower() == ".onnx":
        return "onnx"
    return "unknown"


def _torch_load_safe(path: Path) -> object:
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise ModelFileError(
            Message("refusing to load {name}: it contains pickled Python objects (for example a whole model saved "
                    "with torch.save(model)), and loading those could run arbitrary code. Save a state dict or a "
                    ".safetensors model file instead", name=path.name)) from exc
    except Exception as exc:  # noqa: BLE001 - any other failure means a damaged file
        raise ModelFileError(Message("cannot read model file {name}: it is corrupt or truncated ({exc})",
                                     name=path.name, exc=exc)) from exc


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Tensors of a local weights file (safetensors or a weights-only torch file), e.g. ImageNet backbone weights."""
    import torch

    path = Path(path)
    _check_exists(path)
    kind = _sniff(path)
    if kind == "safetensors":
        from safetensors.torch import load_file

        try:
            return load_file(str(path))
        except Exception as exc:  # noqa: BLE001
            raise ModelFileError(Message("cannot read {name}: corrupt or truncated safetensors file ({exc})",
                                         name=path.name, exc=exc)) from exc
    if kind in ("torch-zip", "pickle"):
        obj = _torch_load_safe(path)
        if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
            obj = obj["state_dict"]
        if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
            obj = obj["model"]
        if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
            raise ModelFileError(Message("{name} does not hold a dict of tensors", name=path.name))
        return obj
    raise ModelFileError(Message("{name} is not a weights file (expected .safetensors, .pt or .pth)", name=path.name))
